"""Builders shared by the desk pages: breadcrumbs, period bar, KPI cards, indicator table."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from db.indicators.texts import STATUS_WORDS
from layouts.table import table

PRESET_LABELS: dict[str, str] = {
    "month": "本月", "quarter": "本季度", "ytd": "本年至今", "last_year": "上年同期", "custom": "自定义",
}
COMPARE_LABELS: dict[str, str] = {"yoy": "同比上年同期", "none": "不对比", "custom": "自定义对比期"}
PERIOD_KEYS = ("preset", "start", "end", "cmp", "cstart", "cend")
STATUS_TEXT = STATUS_WORDS


def search(query: Mapping[str, Any]) -> str:
    """Return "?a=1&b=2" for the non-empty parameters."""
    clean = {k: v for k, v in query.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else ""


def crumbs(items: Sequence[tuple[str, str]]) -> list[Any]:
    """Breadcrumbs: every level but the last is a link."""
    out: list[Any] = []
    for i, (label, href) in enumerate(items):
        if i:
            out.append(html.Span("›", className="crumb-sep"))
        last = i == len(items) - 1
        # /court/<code> (a 辖区 crumb selects its court) is a Flask route: a plain link
        link = html.A if href.startswith("/court/") else dcc.Link
        out.append(html.Span(label, className="crumb current") if last
                   else link(label, href=href, className="crumb"))
    return out


def _preset_links(path: str, query: Mapping[str, Any]) -> html.Div:
    keep = {k: v for k, v in query.items() if k not in ("preset", "start", "end")}
    current = query.get("preset") or ("custom" if query.get("start") else "ytd")
    links = [
        dcc.Link(label, href=path + search(keep | {"preset": key}),
                 className="chip active" if key == current else "chip")
        for key, label in PRESET_LABELS.items() if key != "custom"
    ]
    return html.Div([html.Span("统计期间", className="bar-label"), *links], className="chip-row")


def _compare_links(path: str, query: Mapping[str, Any]) -> html.Div:
    keep = {k: v for k, v in query.items() if k not in ("cmp", "cstart", "cend")}
    current = query.get("cmp") or "yoy"
    links = [
        dcc.Link(label, href=path + search(keep | ({"cmp": key} if key != "yoy" else {})),
                 className="chip active" if key == current else "chip")
        for key, label in COMPARE_LABELS.items() if key != "custom"
    ]
    return html.Div([html.Span("对比", className="bar-label"), *links], className="chip-row")


def _date(id_: str, value: Any, label: str) -> html.Label:
    return html.Label([label, dcc.DatePickerSingle(
        id=id_, date=value or None, display_format="YYYY-MM-DD", placeholder="YYYY-MM-DD",
        month_format="YYYY年MMM", first_day_of_week=1, clearable=True, className="date-input")])


def period_bar(path: str, query: Mapping[str, Any], ids_: Any, with_compare_dates: bool = True) -> html.Div:
    """Preset links, custom dates and the comparison choice; everything lands in the URL."""
    custom = [
        _date(ids_.START, query.get("start"), "自定义 从"),
        _date(ids_.END, query.get("end"), "至"),
    ]
    if with_compare_dates:
        custom += [_date(ids_.CMP_START, query.get("cstart"), "对比期 从"),
                   _date(ids_.CMP_END, query.get("cend"), "至")]
    custom.append(html.Button("应用", id=ids_.APPLY, n_clicks=0, className="btn"))
    return html.Div(
        [_preset_links(path, query), _compare_links(path, query),
         html.Div(custom, className="custom-dates")],
        className="period-bar no-print-controls",
    )


def live_marks(ns: Any) -> list[Any]:
    """The page's 「数据截至 HH:MM」 (filled with the data) and the store of the data version on
    screen; callbacks.desk.live refreshes the page's figures when the data version moves."""
    return [html.Span(id=ns.ASOF, className="desk-as-of", role="status"),
            dcc.Store(id=ns.SHOWN, data=None)]


# Action buttons start hidden; a callback shows them to whom may use them (the server refuses anyway).
BUTTON, HIDDEN_BUTTON = "btn", "btn is-hidden"


def print_button(page: str) -> html.Button:
    """「打印」: assets/desk-print.js switches every grid to its print layout (all rows), heads each
    sheet with `page`, the scope and the data's as-of time, then opens the print dialog. Screen only."""
    return html.Button("打印", className="btn print-btn", type="button", title="打印本页（A4 横向，全部行）",
                       **{"data-print-title": page})


def entity_desk(ns: Any, kind: str, entity_id: str | None, query: Mapping[str, Any], title: str,
                supervise: tuple[str, str], sections: Sequence[Any]) -> html.Div:
    """The frame /team/<id> and /officer/<id> share: URL store, crumbs, the title with 督办
    (`supervise` = label, href) and 导出 Excel, the period bar and the error box, then the page's
    own sections. The callback fills it from the path and query kept in `ns.QUERY`."""
    path = f"/{kind}/{entity_id}" if entity_id else f"/{kind}"
    export = "/export/analysis.xlsx" + search(dict(query) | {kind: entity_id})
    return html.Div(
        [
            dcc.Location(id=ns.NAV, refresh="callback-nav"),
            dcc.Store(id=ns.QUERY, data={"path_id": entity_id, "query": dict(query)}),
            html.Nav(id=ns.CRUMBS, className="crumbs"),
            html.Div([html.H1(id=ns.TITLE, children=title), *live_marks(ns),
                      dcc.Link(supervise[0], href=supervise[1], id=ns.SUPERVISE, className=HIDDEN_BUTTON),
                      html.A("导出 Excel", href=export, className="btn export-link"), print_button(title)],
                     className="desk-head"),
            period_bar(path, query, ns, with_compare_dates=False),
            html.Div(id=ns.ERROR),
            *sections,
        ],
        className=f"desk desk-{kind}",
    )


def error_box(message: str) -> html.Div:
    return html.Div([html.Strong("无法显示："), message], className="desk-error", role="alert")


def _link(text: Any, href: str, cls: str = "num-link") -> Any:
    if text in (None, ""):
        return "—"
    return dcc.Link(str(text), href=href, className=cls) if href else str(text)


def kpi_cards(items: Sequence[Mapping[str, Any]]) -> list[html.Div]:
    """Large figures for a projector: value (link to its cases), comparison and change."""
    return [
        html.Div(
            [
                html.Div(item["name"], className="kpi-name"),
                html.Div(_link(item["display"], item["value__href"], "kpi-value"), className="kpi-figure"),
                html.Div([
                    html.Span(["对比期 ", _link(item["compare_display"] or "—", item["compare__href"])],
                              className="kpi-cmp"),
                    html.Span(item["delta_display"] if item["delta_display"] not in (None, "—") else "",
                              className="kpi-delta"),
                ], className="kpi-foot"),
                html.Div(["分子 ", _link(_int(item["numerator"]), item["numerator__href"])]
                         + ([" · 分母 ", _link(_int(item["denominator"]), item["denominator__href"])]
                            if item["denominator__href"] else []),
                         className="kpi-parts"),
            ],
            className=f"kpi-card status-{item['status']}",
        )
        for item in items
    ]


def _int(value: Any) -> Any:
    """Thousands separators: 3,208 for counts, 70,416,229.84 for amounts."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
    return value


def indicator_table(rows: Sequence[Mapping[str, Any]]) -> html.Table:
    """Every indicator of one entity; every number links to the cases behind it."""
    head = ("指标", "本期", "分子", "分母", "对比期", "变化", "状态")
    body = [
        html.Tr([
            html.Td(r["name"], title=r["formula"]),
            html.Td(_link(r["display"], r["value__href"]), className="num"),
            html.Td(_link(_int(r["numerator"]), r["numerator__href"]), className="num"),
            html.Td(_link(_int(r["denominator"]), r["denominator__href"]), className="num"),
            html.Td(_link(r["compare_display"] or "—", r["compare__href"]), className="num"),
            html.Td(r["delta_display"] or "—", className="num"),
            html.Td(html.Span(STATUS_TEXT.get(r["status"], ""), className=f"light status-{r['status']}")),
        ])
        for r in rows
    ]
    return table(head, body, className="indicator-table")


def outlook_panel(items: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Year-end outlook cards: projected value and the cases still needed for the target."""
    if not items:
        return []
    cards = []
    for o in items:
        target = f"目标 {o['target']:g}%：" if o["target"] is not None else "未配置目标"
        need = (f"到年底还需{('执行完毕' if o['key'] == 'completion_rate' else '结案')} {o['needed']:,} 件"
                if o["needed"] is not None else "")
        cards.append(html.Div([
            html.Div(f"{o['name']} 年底预测", className="kpi-name"),
            html.Div(f"{o['projected']}%" if o["projected"] is not None else "—", className="kpi-value plain"),
            html.Div(["本年至今 ", o["display"], "（", _link(f"{o['numerator']:,}", o["numerator__href"]), "/",
                      _link(f"{o['denominator']:,}", o["denominator__href"]),
                      f"），按当前节奏年底前还将增加 {o['expected_more']:,} 件"], className="outlook-line"),
            html.Div([target, html.Strong(need)], className="outlook-need", title=o["target_source"]),
        ], className="kpi-card outlook-card"))
    year = str(items[0]["end"])[:4]
    return [html.H2(f"{year}年年底预测（按本年1月1日至今的节奏，剩余 {items[0]['days_left']} 天）"),
            html.Div(cards, className="kpi-grid")]


def queue_counts(items: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Counts per action-queue kind, each a link to its case list."""
    return [
        html.Div([html.Div(i["label"], className="kpi-name"),
                  html.Div(_link(f"{i['count']:,}", i["href"], "kpi-value"), className="kpi-figure"),
                  html.Div(i["note"], className="kpi-note") if i.get("note") else None],
                 className="kpi-card queue-card" + (" status-bad" if i["count"] else ""))
        for i in items
    ]


def grid_style(rows: int, most_px: int = 620) -> dict[str, str]:
    """Grid height that fits its rows up to a maximum (then the grid scrolls, header stays)."""
    return {"height": f"{min(58 + 44 * max(rows, 1), most_px)}px", "width": "100%"}


def print_table(columns: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> html.Table:
    """The grid as a plain table (shown only when printing): same columns, same rows."""
    fields = [(c["field"], c.get("headerName", c["field"]), (c.get("cellRendererParams") or {}).get("textField"))
              for c in columns]
    head = [h for _, h, _ in fields]
    body = [html.Tr([html.Td(r.get(text or f) if r.get(text or f) is not None else "—",
                             className=f"status-{r.get(f + '__s', 'none')}") for f, _, text in fields])
            for r in rows]
    return table(head, body, className="indicator-table grid-print")
