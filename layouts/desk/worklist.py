"""今日待办: the work list section the team and officer desks share (filter by kind, legend, grid,
the collapsed 已无法处理/需核实 group). Pure builders; callbacks/desk/worklist.py fills them."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from layouts.desk.grids import CASE_NUMBER_WIDTH, MONEY, grid, link_column
from layouts.table import table

ALL_KINDS = ""  # the filter value that shows every kind

# 剩余/超期天数 as signed text: −9（超期）, 0（今日到期）, +5
SIGNED_DAYS = {"function": (
    "params.value == null ? '' : params.value < 0 ? '−' + (-params.value) + '（超期）' : "
    "params.value === 0 ? '0（今日到期）' : '+' + params.value")}
TONE_RULES = {f"cell-{t}": f"params.data && params.data.tone === '{t}'" for t in ("bad", "warn", "muted")}
LEGEND = (("cell-bad", "红：已超期（负数为超期天数）"), ("cell-warn", "黄：临期，即将到期"),
          ("", "无色：未到期"), ("cell-muted", "灰：已无法处理/需核实"))


def worklist_columns(supervise: bool = False) -> list[dict[str, Any]]:
    """事项, 案号, 承办人, 期限, 剩余/超期天数, 金额, 状态 (类别 hidden: the kind filter uses it), and
    督办 for who may issue one (the form pre-filled for the node)."""
    cols = [
        {"field": "kind_label", "headerName": "类别", "hide": True, "filter": "agTextColumnFilter"},
        link_column("item", "事项", width=220) | {"flex": 2, "tooltipField": "action"},
        link_column("case_number", "案号", width=CASE_NUMBER_WIDTH),
        {"field": "officer", "headerName": "承办人", "width": 100},
        {"field": "deadline", "headerName": "期限", "width": 120, "minWidth": 118},
        {"field": "days_left", "headerName": "剩余/超期天数", "type": "rightAligned", "width": 130,
         "filter": "agNumberColumnFilter", "valueFormatter": SIGNED_DAYS, "cellClassRules": TONE_RULES},
        {"field": "amount", "headerName": "金额（元）", "type": "rightAligned", "filter": "agNumberColumnFilter",
         "valueFormatter": MONEY, "width": 130},
        {"field": "status_text", "headerName": "状态", "minWidth": 240, "flex": 2, "tooltipField": "status_text",
         "cellClassRules": {"cell-muted": TONE_RULES["cell-muted"]}},
    ]
    return cols + ([link_column("supervise", "督办", width=80)] if supervise else [])


def kind_filter_model(label: str | None) -> dict[str, Any]:
    """The grid filter that shows one kind (its label), or every kind."""
    if not label:
        return {}
    return {"kind_label": {"filterType": "text", "type": "equals", "filter": label}}


def kind_options(counts: Mapping[str, int], labels: Mapping[str, str]) -> list[dict[str, str]]:
    """全部 (n) then one choice per kind (its label and count)."""
    total = sum(counts.values())
    return [{"label": f"全部 {total:,}", "value": ALL_KINDS}] + [
        {"label": f"{label} {counts.get(key, 0):,}", "value": label} for key, label in labels.items()]


def stale_note(grace_days: int) -> str:
    """What puts an item into 已无法处理/需核实 (the rule of db.queries.worklist)."""
    return (f"续封：查封、冻结届满已超过 {grace_days} 天，已无法续封（核实是否已续封未录入，或重新查封）；"
            "节点：案件已结，节点无法再办理（核实登记）。这些事项不排在待办前面。")


def legend() -> html.Div:
    return html.Div([html.Span("剩余/超期天数颜色：", className="bar-label")] + [
        html.Span(text, className=f"legend-chip {cls}".strip()) for cls, text in LEGEND],
        className="worklist-legend")


def worklist_section(ns: Any) -> html.Section:
    """今日待办: kind filter, legend, the actionable items and the collapsed stale group."""
    return html.Section([
        html.H2("今日待办（最紧急在前：超期按超期天数，其后按期限）"),
        html.Div([html.Span("类别", className="bar-label"),
                  dcc.RadioItems(id=ns.QUEUE_KIND, options=[{"label": "全部", "value": ALL_KINDS}],
                                 value=ALL_KINDS, inline=True, className="chip-radio")],
                 className="chip-row no-print-controls"),
        legend(),
        grid(ns.QUEUE, worklist_columns(), height="50vh", live=True),
        html.Details([html.Summary(id=ns.QUEUE_STALE_TITLE, children="已无法处理/需核实"),
                      html.P(id=ns.QUEUE_STALE_NOTE, className="note"),
                      html.Div(id=ns.QUEUE_STALE, className="worklist-stale-list")],
                     className="worklist-stale"),
    ], className="grid-box worklist")


# the collapsed group is a plain table, not a second grid: an AG Grid costs a page ~100 ms to
# create even while hidden (bench/desk_pages.py), and these items are only read, not worked
STALE_COLUMNS = (("item", "事项"), ("case_number", "案号"), ("officer", "承办人"), ("deadline", "期限"),
                 ("days_left", "剩余/超期天数"), ("amount", "金额（元）"), ("status_text", "状态"))


def signed_days(value: int | None) -> str:
    """−9（超期）, 0（今日到期）, +5: what SIGNED_DAYS shows in the grid."""
    if value is None:
        return ""
    if value < 0:
        return f"−{-value}（超期）"
    return "0（今日到期）" if value == 0 else f"+{value}"


def _stale_cell(row: Mapping[str, Any], field: str) -> Any:
    value = row.get(field)
    if field in ("item", "case_number") and row.get(f"{field}__href"):
        return dcc.Link(str(value or "—"), href=row[f"{field}__href"], className="desk-link")
    if field == "days_left":
        return signed_days(value)
    if field == "amount":
        return "" if value is None else f"{value:,.2f}"
    return "" if value is None else str(value)


def stale_table(rows: list[Mapping[str, Any]]) -> html.Table | html.P:
    """The 已无法处理/需核实 items (rows as the grid's), greyed, each linking to its case."""
    if not rows:
        return html.P("没有此类事项。", className="note")
    numeric = {"days_left", "amount"}
    return table([header for _, header in STALE_COLUMNS],
                 [html.Tr([html.Td(_stale_cell(r, f), className="num" if f in numeric else None)
                           for f, _ in STALE_COLUMNS], className="cell-muted") for r in rows],
                 className="stale-table")
