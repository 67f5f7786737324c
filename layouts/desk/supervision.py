"""/supervision: the 督办 list (filters in the URL), per-team statistics, an order's history, the
forms to issue, answer, close or send back. Pure builders; the callbacks fill them."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.common import HIDDEN_BUTTON, live_marks, print_button, search
from layouts.desk.grids import CASE_NUMBER_WIDTH, grid, link_column
from layouts.table import table

S = ids.Supervision
FILTER_KEYS = ("status", "team", "officer", "case", "kind", "ifrom", "ito", "dfrom", "dto", "q")


def supervise_href(kind: str, **target: Any) -> str:
    """Link that opens the issue form pre-filled for a target (node, case, officer or team)."""
    return "/supervision" + search({"new": kind, **target})


def _date(id_: str, value: Any, placeholder: str) -> dcc.DatePickerSingle:
    return dcc.DatePickerSingle(id=id_, date=value or None, display_format="YYYY-MM-DD", placeholder=placeholder,
                                month_format="YYYY年MMM", first_day_of_week=1, clearable=True, className="date-input")


def _field(label: str, control: Any, cls: str = "") -> html.Label:
    return html.Label([html.Span(label, className="field-label"), control], className=f"field {cls}".strip())


def _dropdown(id_: str, value: Any, placeholder: str = "全部") -> dcc.Dropdown:
    return dcc.Dropdown(id=id_, value=value or None, options=[], placeholder=placeholder, clearable=True,
                        className="sv-select")


def filter_bar(query: Mapping[str, Any]) -> html.Div:
    """Every filter is a URL parameter; 应用 writes them, 清除 drops them."""
    q = {k: query.get(k) for k in FILTER_KEYS}
    return html.Div([
        _field("状态", _dropdown(S.F_STATUS, q["status"])),
        _field("团队", _dropdown(S.F_TEAM, q["team"] and str(q["team"]))),
        _field("承办人", _dropdown(S.F_OFFICER, q["officer"] and str(q["officer"]))),
        _field("督办对象", _dropdown(S.F_KIND, q["kind"])),
        _field("下发日期", html.Div([_date(S.F_ISSUED_FROM, q["ifrom"], "从"), "—",
                                 _date(S.F_ISSUED_TO, q["ito"], "至")], className="date-pair")),
        _field("办理期限", html.Div([_date(S.F_DUE_FROM, q["dfrom"], "从"), "—",
                                 _date(S.F_DUE_TO, q["dto"], "至")], className="date-pair")),
        _field("关键词", dcc.Input(id=S.F_TEXT, value=q["q"] or "", type="text",
                                placeholder="事项、理由或案号", className="text-input")),
        html.Div([html.Button("筛选", id=S.F_APPLY, n_clicks=0, className="btn"),
                  dcc.Link("清除", href="/supervision", className="chip")], className="filter-actions"),
    ], className="sv-filters period-bar")


def issue_form(query: Mapping[str, Any]) -> html.Section:
    """The 下发督办 form, hidden until a callback shows it (when the URL asks for it with
    ?new=node|case|officer|team and the principal may issue); the callback also sets the target's
    values together with the dropdowns' options."""
    kind = query.get("new") if query.get("new") in ("node", "case", "officer", "team") else "case"
    return html.Section([
        html.H2("下发督办"),
        html.Div([
            _field("督办对象", dcc.Dropdown(id=S.NEW_KIND, value=kind, options=[], clearable=False,
                                        className="sv-select")),
            _field("案号（节点、案件督办）", dcc.Input(id=S.NEW_CASE, value="",
                                               type="text", placeholder="如（2022）内0221执1234号",
                                               className="text-input wide")),
            _field("节点（节点督办）", _dropdown(S.NEW_NODE, query.get("node"), "选择节点")),
            _field("团队（团队督办）", _dropdown(S.NEW_TEAM, query.get("team") and str(query.get("team")),
                                          "选择团队")),
            _field("承办人（承办人督办）", _dropdown(S.NEW_OFFICER, query.get("officer") and str(query.get("officer")),
                                            "选择承办人")),
            _field("事项", dcc.Input(id=S.NEW_SUBJECT, value="", type="text", maxLength=256,
                                   placeholder="督办什么，如：执行通知书超期未发出", className="text-input wide"), "span2"),
            _field("办理期限", _date(S.NEW_DUE, None, "YYYY-MM-DD")),
            _field("理由", dcc.Textarea(id=S.NEW_REASON, value="", placeholder="为什么督办，如：节点超期 9 天",
                                      className="text-area"), "span3"),
        ], className="sv-form-grid"),
        html.Div([html.Button("下发督办", id=S.NEW_SUBMIT, n_clicks=0, className="btn"),
                  html.Div(id=S.NEW_MSG, className="sv-msg", role="status")], className="form-actions"),
    ], id=S.FORM, className="sv-form", style={"display": "none"})


def detail_panel(query: Mapping[str, Any]) -> html.Section:
    """An order's facts and full step history, with 反馈 / 办结 / 退回重办."""
    keep = {k: v for k, v in query.items() if k in FILTER_KEYS}
    return html.Section([
        dcc.Link("× 关闭", href="/supervision" + search(keep), className="chip sv-close"),
        html.Div(id=S.DETAIL),
        html.Div(id=S.STEPS),
        html.Div([
            _field("办理情况 / 意见", dcc.Textarea(id=S.NOTE, value="", className="text-area",
                                              placeholder="反馈写明已做了什么；办结或退回写明意见")),
            html.Div([html.Button("反馈", id=S.ANSWER, n_clicks=0, className="btn"),
                      html.Button("办结", id=S.CLOSE, n_clicks=0, className="btn btn-good"),
                      html.Button("退回重办", id=S.SEND_BACK, n_clicks=0, className="btn btn-warn"),
                      html.Div(id=S.ACTION_MSG, className="sv-msg", role="status")], className="form-actions"),
        ], className="sv-actions"),
    ], className="sv-detail", style={} if query.get("order") else {"display": "none"})


def layout(**query: Any) -> html.Div:
    """Skeleton; the callbacks fill it from the URL query kept in QUERY."""
    keep = {k: v for k, v in query.items() if k in FILTER_KEYS}
    return html.Div([
        dcc.Location(id=S.NAV, refresh="callback-nav"),
        dcc.Store(id=S.QUERY, data=dict(query)),
        dcc.Store(id=S.REV, data=0),
        html.Div([html.H1("督办"), *live_marks(S),
                  html.Div([dcc.Link("下发督办", href="/supervision" + search(keep | {"new": "case"}),
                                     id=S.NEW_LINK, className=HIDDEN_BUTTON),
                            html.A("导出 Excel", id=S.EXPORT, href="/export/supervision.xlsx" + search(keep),
                                   className="btn export-link"), print_button("督办")], className="head-actions")],
                 className="desk-head"),
        html.Div(id=S.ERROR),
        issue_form(query),
        detail_panel(query),
        html.Section([html.H2("各团队督办统计"), html.Div(id=S.STATS)], className="sv-stats"),
        filter_bar(query),
        html.Div(id=S.SUMMARY, className="list-summary"),
        grid(S.GRID, columns(), height="60vh", live=True),
        html.P("逾期：已下发而过了办理期限仍未反馈（每日由定时任务记入流转记录，列表实时判断）。"
               "点击编号查看流转记录并反馈、办结或退回。", className="note"),
    ], className="desk desk-supervision")


def columns() -> list[dict[str, Any]]:
    """Grid columns; the export writes the same fields in the same order."""
    return [
        link_column("id", "编号", width=80, numeric=True) | {"maxWidth": 100},
        {"field": "status_label", "headerName": "状态", "minWidth": 90, "maxWidth": 110,
         "cellClassRules": {"cell-bad": "params.data.status === 'overdue'",
                            "cell-warn": "params.data.status === 'issued' || params.data.status === 'answered'",
                            "cell-good": "params.data.status === 'closed'"}},
        {"field": "subject", "headerName": "督办事项", "minWidth": 240, "flex": 2, "tooltipField": "reason"},
        {"field": "target_label", "headerName": "对象", "minWidth": 90, "maxWidth": 110},
        link_column("case_number", "案号", width=CASE_NUMBER_WIDTH),
        {"field": "node_name", "headerName": "节点", "minWidth": 130, "tooltipField": "node_name"},
        # the grid sizes columns to fit (layouts/desk/grids.py): these minimums keep dates and 案号 whole
        {"field": "team_name", "headerName": "团队", "minWidth": 110},
        {"field": "officer_name", "headerName": "承办人", "minWidth": 90, "maxWidth": 120},
        {"field": "issuer_name", "headerName": "下发人", "minWidth": 120},
        {"field": "issued_at", "headerName": "下发时间", "minWidth": 170},
        {"field": "due_on", "headerName": "办理期限", "minWidth": 125},
        {"field": "days_left", "headerName": "剩余天数", "type": "rightAligned", "filter": "agNumberColumnFilter",
         "minWidth": 110, "cellClassRules": {"cell-bad": "params.value != null && params.value < 0"}},
    ]


def stats_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Per team: total, open, overdue, closed, closed on time (answered by the due date)."""
    if not rows:
        return html.P("暂无督办", className="note")
    head = ("团队", "督办总数", "未办结", "其中逾期", "已反馈待办结", "已办结", "按期办结", "按期办结率")
    body = [html.Tr([
        html.Td(r["name"]), html.Td(r["total"], className="num"), html.Td(r["open"], className="num"),
        html.Td(r["overdue"], className="num" + (" cell-bad" if r["overdue"] else "")),
        html.Td(r["answered"], className="num"), html.Td(r["closed"], className="num"),
        html.Td(r["closed_on_time"], className="num"), html.Td(r["on_time_rate"], className="num"),
    ], className="total-row" if r.get("total_row") else "") for r in rows]
    return table(head, body, className="indicator-table sv-stats-table")


# facts that need more than one column of the facts grid (assets/supervision.css)
WIDE_FACTS = {"督办对象": "fact-span2", "理由": "fact-row"}


def order_facts(o: Mapping[str, Any]) -> list[Any]:
    """The selected order's header facts."""
    target = [o["target_label"]]
    if o.get("case_number"):
        target += ["：", dcc.Link(o["case_number"], href=f"/case/{o['case_id']}")]
    if o.get("node_name"):
        target.append(f"，节点 {o['node_name']}")
    facts = [("状态", html.Span(o["status_label"], className=f"sv-status sv-{o['status']}")),
             ("督办对象", html.Span(target)), ("承办团队", o.get("team_name") or "—"),
             ("承办人", o.get("officer_name") or "—"), ("下发人", o.get("issuer_name") or "—"),
             ("下发时间", o["issued_at"]), ("办理期限", o["due_on"]), ("理由", o.get("reason") or "—")]
    return [html.H2(f"督办 {o['id']}：{o['subject']}"),
            html.Dl([html.Div([html.Dt(k), html.Dd(v)], className=f"fact {WIDE_FACTS.get(k, '')}".strip())
                     for k, v in facts], className="facts")]


def steps_table(steps: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Who did what when, oldest first (nothing is ever removed)."""
    head = ("时间", "操作", "操作后状态", "操作人", "内容")
    body = [html.Tr([html.Td(s["at"]), html.Td(s["action_label"]), html.Td(s["status_label"]), html.Td(s["actor"]),
                     html.Td(s["note"] or "—")])
            for s in steps]
    return [html.H3("流转记录"), table(head, body, className="plain-table sv-steps")]
