"""/meeting (会议模式): the weekly meeting's drill-down on a projector.

Full-screen, large type, a breadcrumb 全院 → 团队 → 承办人 → 案件, keyboard navigation
(assets/meeting.js: ↑↓ select, Enter drill down, Esc/Backspace up, Space mark, C compare, F full
screen), two teams or officers side by side, and 会议材料 (the session's path as .xlsx and a
printable A4 page). The builders take plain dicts; callbacks/desk/meeting.py fills them.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import STATUS_TEXT, period_bar
from layouts.table import table

M = ids.Meeting
KEYS_HINT = (("↑ ↓", "选择"), ("Enter", "进入下一级"), ("Esc / Backspace", "返回上一级"),
             ("空格", "标记对比"), ("C", "对比两项"), ("F", "全屏"))


def _button(label: str, id_: str, key: str = "", title: str = "") -> html.Button:
    text = [label] + ([html.Kbd(key)] if key else [])
    return html.Button(text, id=id_, n_clicks=0, className="btn meeting-btn", title=title or label, type="button")


START_KEYS = ("team", "officer")  # an opening link's level (/meeting?team=2, as from /analysis)


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills it from the focus (session) and the URL's period. A level the
    URL names is where the meeting opens; the period links leave it out, so changing the period
    keeps the level the meeting has moved to."""
    period = {k: v for k, v in query.items() if k not in START_KEYS}
    return html.Div(
        [
            dcc.Location(id=M.NAV, refresh="callback-nav"),
            dcc.Store(id=M.QUERY, data=period),
            dcc.Store(id=M.OPEN_AT, data={k: query[k] for k in START_KEYS if query.get(k)}),
            dcc.Store(id=M.FOCUS, storage_type="session"),
            dcc.Store(id=M.TRAIL, storage_type="session"),
            dcc.Download(id=M.DOWNLOAD),
            html.Div(
                [
                    html.Div([
                        html.Nav(id=M.CRUMBS, className="crumbs meeting-crumbs", **{"aria-label": "层级"}),
                        html.Div([
                            _button("全屏", M.FULL, "F", "全屏显示（F）；再按一次或长按 Esc 退出"),
                            _button("对比", M.COMPARE, "C", "先用空格标记两个团队或两名承办人，再按 C 并排对比"),
                            _button("会议材料", M.EXPORT, "", "导出本次会议看过的每个层级及其数字：Excel 与可打印页面"),
                            html.Button("打印", id=M.PRINT, n_clicks=0, className="btn meeting-btn is-hidden",
                                        type="button", title="打印会议材料（A4）"),
                            _button("重新开始", M.RESET, "", "清空本次会议的浏览记录，回到起点"),
                        ], className="meeting-tools"),
                    ], className="meeting-top"),
                    html.H1(id=M.TITLE, children="会议模式", className="meeting-title"),
                    html.Div(id=M.PERIOD, className="meeting-period"),
                    html.Div(id=M.ERROR),
                    html.Div(id=M.MSG, className="meeting-msg", role="status"),
                    html.Div(id=M.VIEW, className="meeting-view"),
                    html.Div([html.Span([html.Kbd(k), " ", v], className="meeting-key") for k, v in KEYS_HINT],
                             className="meeting-keys"),
                ],
                id=M.ROOT, className="meeting-root meeting-large", tabIndex="-1",
            ),
            period_bar("/meeting", period, M),
            html.Section(id=M.MATERIAL, className="meeting-material"),
        ],
        className="desk desk-meeting",
    )


def _focus_attr(focus: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(focus), separators=(",", ":")) if focus else ""


def crumbs(items: Sequence[Mapping[str, Any]]) -> list[Any]:
    """全院 › 团队 › 承办人 › 案件: every level but the last can be clicked (data-focus)."""
    out: list[Any] = []
    for i, item in enumerate(items):
        if i:
            out.append(html.Span("›", className="crumb-sep"))
        last = i == len(items) - 1
        out.append(html.Span(item["label"], className="crumb current" if last else "crumb meeting-crumb",
                             **{"data-focus": _focus_attr(item["focus"])}))
    return out


def _kpis(items: Sequence[Mapping[str, Any]]) -> html.Div:
    return html.Div([
        html.Div([
            html.Div(k["name"], className="meeting-kpi-name"),
            html.Div(k["display"], className="meeting-kpi-value"),
            html.Div([html.Span(f"对比期 {k['compare_display'] or '—'}"),
                      html.Span(k["delta_display"] if k["delta_display"] not in (None, "", "—") else "",
                                className="meeting-kpi-delta")], className="meeting-kpi-cmp"),
        ], className=f"meeting-kpi status-{k['status']}", **{"data-key": k["key"]})
        for k in items
    ], className="meeting-kpis")


def _list(view: Mapping[str, Any]) -> html.Div:
    columns = view["columns"]
    head = html.Tr([html.Th({"court": "法院", "team": "团队", "officer": "承办人", "case": "案件"}[view["row_kind"]])]
                   + [html.Th(c["label"], className=c.get("align", "num")) for c in columns
                      if c["key"] != "case_number"])
    body = []
    for i, row in enumerate(view["rows"]):
        focus = {"level": view["row_kind"], "id": row["id"]}
        cells = [html.Td(row["name"], className="meeting-row-name")] + [
            html.Td(row.get(f"{c['key']}__d") or "—", className=f"{c.get('align', 'num')} status-{row.get(c['key'] + '__s', 'none')}")
            for c in columns if c["key"] != "case_number"]
        body.append(html.Tr(cells, className="meeting-row", **{
            "data-index": str(i), "data-focus": _focus_attr(focus), "data-kind": view["row_kind"],
            "data-id": str(row["id"]), "aria-selected": "false"}))
    if not body:
        body = [html.Tr(html.Td("（无）", colSpan=len(columns) + 1, className="meeting-empty"))]
    return html.Div([
        table(head, body, className="meeting-list", role="listbox"),
        html.Div(view["note"], className="meeting-note") if view.get("note") else None,
    ], className="meeting-list-box")


def _facts(items: Sequence[Mapping[str, Any]]) -> html.Dl:
    parts: list[Any] = []
    for item in items:
        parts += [html.Dt(item["label"]),
                  html.Dd(item["value"], className=f"status-{item.get('status') or 'none'}")]
    return html.Dl(parts, className="meeting-facts")


def _compare(data: Mapping[str, Any]) -> html.Table:
    a, b = data["names"]
    head = html.Tr([html.Th("指标"), html.Th(a, className="num"), html.Th(b, className="num"),
                    html.Th(f"差值（{a}−{b}）", className="num")])
    body = []
    for r in data["rows"]:
        cls = {"a": ("cmp-better", "cmp-worse"), "b": ("cmp-worse", "cmp-better")}.get(r["better"], ("", ""))
        differs = r["a"] != r["b"]
        body.append(html.Tr([
            html.Td(r["name"]),
            html.Td(r["a"], className=f"num {cls[0]}"), html.Td(r["b"], className=f"num {cls[1]}"),
            html.Td(r["delta"], className="num cmp-delta"),
        ], className="cmp-row cmp-differs" if differs else "cmp-row", **{"data-key": r["key"]}))
    return table(head, body, className="meeting-compare")


def view(data: Mapping[str, Any]) -> html.Div:
    """One level: its figures and the list to move through (or the case's facts / the comparison)."""
    parts: list[Any] = []
    if data["kpis"]:
        parts.append(_kpis(data["kpis"]))
    if data["row_kind"]:
        parts.append(_list(data))
    if data["facts"]:
        parts.append(_facts(data["facts"]))
    if data["compare"]:
        parts.append(_compare(data["compare"]))
    return html.Div(parts, className=f"meeting-body meeting-level-{data['level']}", **{
        "data-level": data["level"], "data-focus": _focus_attr(data["focus"]), "data-up": _focus_attr(data["up"])})


def _print_kpis(items: Sequence[Mapping[str, Any]]) -> html.Table:
    head = ("指标", "本期", "对比期", "变化", "状态")
    body = [html.Tr([html.Td(k["name"]), html.Td(k["display"], className="num"),
                     html.Td(k["compare_display"] or "—", className="num"), html.Td(k["delta_display"] or "—",
                                                                                    className="num"),
                     html.Td(STATUS_TEXT.get(k["status"], "—"))]) for k in items]
    return table(head, body, className="material-table")


ROW_HEADS = {"court": "法院", "team": "团队", "officer": "承办人"}  # lists the handout prints


def _print_rows(data: Mapping[str, Any]) -> html.Table | None:
    if data["row_kind"] not in ROW_HEADS or not data["rows"]:
        return None
    columns = data["columns"]
    head = [ROW_HEADS[data["row_kind"]], *[c["label"] for c in columns]]
    body = [html.Tr([html.Td(r["name"])] + [html.Td(r.get(f"{c['key']}__d") or "—", className="num")
                                            for c in columns]) for r in data["rows"]]
    return table(head, body, className="material-table")


def _print_compare(data: Mapping[str, Any]) -> html.Table:
    a, b = data["names"]
    head = ("指标", a, b, f"差值（{a}−{b}）", "较优")
    body = [html.Tr([html.Td(r["name"]), html.Td(r["a"], className="num"), html.Td(r["b"], className="num"),
                     html.Td(r["delta"], className="num"), html.Td({"a": a, "b": b}.get(r["better"], "—"))])
            for r in data["rows"]]
    return table(head, body, className="material-table")


def _print_facts(items: Sequence[Mapping[str, Any]]) -> html.Table:
    return html.Table(html.Tbody([html.Tr([html.Th(i["label"]), html.Td(i["value"])]) for i in items]),
                      className="material-table material-facts")


def material(data: Mapping[str, Any]) -> list[Any]:
    """The printable 会议材料: heading, as-of time, then every visited level with its figures."""
    path = " → ".join(f"{v['n']}. {v['level_label']} {v['title']}" for v in data["visits"])
    out: list[Any] = [
        html.H1(f"{data['court']} 会议材料"),
        html.P([f"数据截至 {data['as_of']} · 导出时间 {data['made_at']} · 共 {len(data['visits'])} 个层级"],
               className="material-meta"),
        html.P(["浏览路径：", path], className="material-path"),
    ]
    for v in data["visits"]:
        body: list[Any] = [html.H2(f"{v['n']}. {v['level_label']}：{v['title']}"),
                           html.P(f"统计期间 {v['period']} · 对比期间 {v['compare_label']}", className="material-meta")]
        if v["kpis"]:
            body.append(_print_kpis(v["kpis"]))
        body.append(_print_rows(v))
        if v["compare"]:
            body.append(_print_compare(v["compare"]))
        if v["facts"]:
            body.append(_print_facts(v["facts"]))
        out.append(html.Section(body, className="material-visit"))
    return out
