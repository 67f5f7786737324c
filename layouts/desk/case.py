"""/case/<case_id>: the case header and a timeline of events, pauses, payments."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import HIDDEN_BUTTON
from layouts.desk.supervision import supervise_href
from layouts.table import table

D = ids.CaseDetail


def layout(case_id: str | None = None, **_: Any) -> html.Div:
    """Skeleton; the callback fills it for the case id in the path."""
    return html.Div(
        [
            dcc.Store(id=D.QUERY, data={"path_id": case_id}),
            html.Div([html.H1(id=D.TITLE, children="案件详情"),
                      dcc.Link("督办本案", href=supervise_href("case", case=case_id), id=D.SUPERVISE,
                               className=HIDDEN_BUTTON)],
                     className="desk-head"),
            html.Div(id=D.ERROR),
            html.Div(id=D.HEADER, className="case-header"),
            html.Div(id=D.PARTIES, className="case-parties"),
            html.Div([html.Section([html.H2("时间线"), html.Ol(id=D.TIMELINE, className="timeline")],
                                   className="timeline-box"),
                      html.Section(id=D.TABLES, className="case-tables")], className="case-body"),
        ],
        className="desk desk-case",
    )


def _money(value: Any) -> str:
    return "—" if value is None else f"{value:,.2f} 元"


def _day(value: Any) -> str:
    return value.isoformat() if value else "—"


def header(h: dict[str, Any], may_open: Callable[[str], bool] = lambda _path: True) -> html.Dl:
    """Key facts of the case as a definition grid; links only to pages `may_open` allows."""
    def link(text: str, href: str) -> Any:
        return dcc.Link(text, href=href) if may_open(href) else text

    facts = [
        ("法院", h["court"]), ("类别", f"{h['category']}（{h['track']}案）"),
        ("立案日期", _day(h["filed_on"])), ("结案日期", _day(h["closed_on"])),
        ("结案方式", h["closing_method"] or "未结"), ("案由", h["cause"] or "—"),
        ("团队", link(h["team"], f"/team/{h['team_id']}") if h["team_id"] else "—"),
        ("承办人", link(h["officer"], f"/officer/{h['officer_id']}") if h["officer_id"] else "—"),
        ("申请执行标的", _money(h["target_amount"])), ("实际到位", _money(h["recovered_amount"])),
        ("非诉执行", "是" if h["non_litigation"] else "否"),
        ("原案", link(h["origin_case_number"], f"/case/{h['origin_case_id']}") if h["origin_case_id"] else "—"),
    ]
    return html.Dl([html.Div([html.Dt(k), html.Dd(v)], className="fact") for k, v in facts],
                   className="facts")


def parties(items: list[dict[str, Any]]) -> list[Any]:
    """Full party names (this page only; lists show them masked)."""
    if not items:
        return [html.P("未登记当事人", className="note")]
    return [html.H2("当事人"), html.Ul([
        html.Li([html.Strong(p["role"]), f"（{p['kind']}）", p["name"]]) for p in items
    ])]


def timeline(items: list[dict[str, Any]]) -> list[html.Li]:
    """Chronological items; the group picks the marker colour."""
    return [
        html.Li([
            html.Span(_day(i["on"]), className="tl-date"),
            html.Span(i["label"], className="tl-label"),
            html.Span(i["detail"], className="tl-detail"),
            html.Span(_money(i["amount"]) if i["amount"] is not None else "", className="tl-amount"),
        ], className=f"tl-item tl-{i['group']}")
        for i in items
    ]


def _table(title: str, headers: list[str], rows: list[list[Any]], row_ids: list[str] | None = None) -> html.Div:
    """A small table; `row_ids` give each row an anchor (a 今日待办 link scrolls to it)."""
    if not rows:
        return html.Div([html.H3(title), html.P("无", className="note")])
    ids_ = row_ids or [""] * len(rows)
    return html.Div([html.H3(title), table(
        headers, [html.Tr([html.Td(c) for c in r], **({"id": i} if i else {})) for r, i in zip(rows, ids_, strict=True)],
        className="plain-table")])


def _supervise_node(case_id: int, node: dict[str, Any], may_issue: bool) -> Any:
    """A 督办 link for an overdue or due-soon node (opens the form pre-filled)."""
    if not may_issue or node.get("status") not in ("overdue", "due_soon") or not node.get("key"):
        return ""
    return dcc.Link("督办", href=supervise_href("node", case=case_id, node=node["key"]), className="num-link")


def tables(d: dict[str, Any], may_issue: bool = False) -> list[Any]:
    """Pauses, extensions, payments, node deadlines and assignments as small tables."""
    out = [
        _table("扣除执行期限", ["类型", "开始", "结束", "天数", "原因"],
               [[p["kind"], _day(p["started_on"]), _day(p["ended_on"]), p["days"], p["reason"]] for p in d["pauses"]]),
        _table("延长执行期限", ["批准日期", "天数", "原因"],
               [[_day(x["approved_on"]), x["days"], x["reason"]] for x in d["extensions"]]),
        _table("案款", ["到账日期", "到账金额", "发放日期", "发放金额", "天数"],
               [[_day(p["received_on"]), _money(p["amount"]), _day(p["paid_out_on"]),
                 _money(p["paid_amount"]), p["days"]] for p in d["payments"]],
               [f"{D.PAYMENT_ROW}{p['id']}" for p in d["payments"]]),
        _table("分案与改派", ["日期", "团队", "承办人", "原因"],
               [[_day(a["assigned_on"]), a["team"], a["officer"], a["reason"]] for a in d["assignments"]]),
    ]
    if d.get("nodes") is not None:
        out.insert(0, _table("流程节点", ["节点", "期限", "完成", "状态", "督办"],
                             [[n["label"], _day(n.get("due_on")), _day(n.get("done_on")), n.get("status_label", ""),
                               _supervise_node(d["header"]["id"], n, may_issue)] for n in d["nodes"]],
                             _node_anchors(d["nodes"])))
    if d.get("orders") is not None:
        out.insert(1, _table("督办", ["编号", "督办事项", "办理期限", "状态"],
                             [[dcc.Link(str(o["id"]), href=f"/supervision?order={o['id']}", className="num-link"),
                               o["subject"], _day(o["due_on"]), o["status_label"]] for o in d["orders"]],
                             [f"{D.ORDER_ROW}{o['id']}" for o in d["orders"]]))
    return out


def _node_anchors(nodes: list[dict[str, Any]]) -> list[str]:
    """One anchor per node key: its first overdue or due-soon row, else its first row."""
    chosen: dict[str, int] = {}
    for i, n in enumerate(nodes):
        key = str(n.get("key") or "")
        urgent = n.get("status") in ("overdue", "due_soon")
        if key and (key not in chosen or (urgent and nodes[chosen[key]].get("status") not in ("overdue", "due_soon"))):
            chosen[key] = i
    at = {i: key for key, i in chosen.items()}
    return [f"{D.NODE_ROW}{at[i]}" if i in at else "" for i in range(len(nodes))]
