"""/supervision: list with URL filters, statistics, an order's history and its actions; the
officer page's 督办 list. Permissions are checked on the server in supervision_data."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks.context import principal
from callbacks.desk import supervision_data as data
from callbacks.desk.actions import may_issue
from callbacks.desk.common import jsonable
from callbacks.desk.data import court_today
from callbacks.desk.live import live, row_ids
from callbacks.desk.params import ParamError, problem, search
from callbacks.desk.request import OfficerRequest, SupervisionRequest
from db.errors import ValidationError
from db.supervision import orders as sv
from db.supervision.access import refusal
from layouts import ids
from layouts.desk import common as ui
from layouts.desk import supervision as ui_sv

S = ids.Supervision
HIDDEN = {"display": "none"}
BUTTONS = (("answer", S.ANSWER), ("close", S.CLOSE), ("send_back", S.SEND_BACK))


def _msg(text: str, ok: bool) -> html.Div:
    return html.Div(text, className="sv-ok" if ok else "sv-refused")


def render_list(query: dict[str, Any] | None, _rev: int | None = None) -> tuple[Any, ...]:
    """Error, statistics, summary, grid rows, export link."""
    try:
        request = SupervisionRequest.parse(query or {})
        found = data.fetch_orders(request)
        stats = data.team_statistics()
    except (ParamError, SQLAlchemyError) as exc:
        return ui.error_box(problem(exc)), [], [], [], no_update
    summary = [html.Span(line) for line in found.lines]
    summary.append(html.Strong(f"共 {len(found.rows):,} 件", className="list-count"))
    if found.truncated:
        summary.append(html.Span(f"只显示最新的 {data.LIST_LIMIT:,} 件，请缩小筛选范围", className="sv-refused"))
    return (None, ui_sv.stats_table(stats), summary, jsonable(found.rows),
            "/export/supervision.xlsx" + search(request.filter_query()))


def render_choices(query: dict[str, Any] | None) -> tuple[Any, ...]:
    """Dropdown options of the filters and the form, and the form's target pre-filled from the link
    that opened it (?new=node&case=…&node=…, ?new=team&team=…): 案号, 督办对象, 节点, 团队, 承办人.
    The values are sent with the options (a value sent before its options would be dropped)."""
    try:
        options = data.choices()
    except SQLAlchemyError:
        return ([],) * 8 + ("",) + (no_update,) * 4
    try:
        request = SupervisionRequest.parse(query or {})
        case_number = data.case_number_of(request.filters.case_id) if request.new else ""
    except (ParamError, SQLAlchemyError):
        request, case_number = None, ""
    prefill: tuple[Any, ...] = (no_update,) * 4
    if request is not None and request.new:
        known = {key: {o["value"] for o in options[key]} for key in ("kind", "node", "team", "officer")}
        f = request.filters
        raw = {"kind": request.new, "node": str((query or {}).get("node") or ""),
               "team": str(f.team_id or ""), "officer": str(f.officer_id or "")}
        prefill = tuple(raw[key] if raw[key] in known[key] else None for key in ("kind", "node", "team", "officer"))
        if prefill[0] is None:
            prefill = ("case", *prefill[1:])
    return (options["status"], options["team"], options["officer"], options["kind"],
            options["kind"], options["node"], options["team"], options["officer"], case_number, *prefill)


def issue_access(query: dict[str, Any] | None) -> tuple[str, dict[str, str]]:
    """The head's 下发督办 link and the form: only for who may issue (承办人 never see them); the
    form opens when the URL asks for it (?new=…)."""
    if not may_issue():
        return ui.HIDDEN_BUTTON, HIDDEN
    return ui.BUTTON, ({} if (query or {}).get("new") else HIDDEN)


def render_detail(query: dict[str, Any] | None, _rev: int | None = None) -> tuple[Any, ...]:
    """The selected order's facts and steps; only the buttons the principal may use are shown."""
    try:
        request = SupervisionRequest.parse(query or {})
        if request.order_id is None:
            return [], [], HIDDEN, HIDDEN, HIDDEN
        order, steps = data.order_detail(request.order_id)
    except (ParamError, SQLAlchemyError) as exc:
        return ui.error_box(problem(exc)), [], HIDDEN, HIDDEN, HIDDEN
    who = principal()
    styles = [None if refusal(who, action, order) is None and order["status"] in sv.TRANSITIONS[action].sources
              else HIDDEN for action, _ in BUTTONS]
    return (ui_sv.order_facts(jsonable([order])[0]), ui_sv.steps_table(jsonable(steps)), *styles)


def apply_filters(n_clicks: int | None, status: Any, team: Any, officer: Any, kind: Any, ifrom: Any, ito: Any,
                  dfrom: Any, dto: Any, text: Any, query: dict[str, Any] | None) -> Any:
    """The typed filters into the URL (the case filter of a link is kept)."""
    if not n_clicks:
        return no_update
    new = {"status": status, "team": team, "officer": officer, "case": (query or {}).get("case"), "kind": kind,
           "ifrom": ifrom, "ito": ito, "dfrom": dfrom, "dto": dto, "q": (text or "").strip()}
    return search(new)


def submit_issue(n_clicks: int | None, kind: Any, case_number: Any, node: Any, team: Any, officer: Any,
                 subject: Any, due: Any, reason: Any, query: dict[str, Any] | None) -> tuple[Any, Any]:
    """下发督办; on success the page opens the new order (its id goes into the URL)."""
    if not n_clicks:
        return no_update, no_update
    form = {"kind": kind, "case_number": case_number, "node": node, "team": team, "officer": officer,
            "subject": subject, "due": due, "reason": reason}
    try:
        order_id = data.issue_order(form)
    except (data.ActionRefused, ValidationError) as exc:
        return _msg(str(exc), False), no_update
    except SQLAlchemyError as exc:
        return _msg(problem(exc), False), no_update
    keep = {k: (query or {}).get(k) for k in ui_sv.FILTER_KEYS}
    return _msg(f"已下发督办 {order_id}", True), search(keep | {"order": order_id})


def submit_action(_a: int | None, _c: int | None, _b: int | None, note: Any, query: dict[str, Any] | None,
                  rev: int | None) -> tuple[Any, Any, Any]:
    """反馈 / 办结 / 退回重办 the order in the URL; the list and the detail re-read afterwards."""
    action = next((a for a, id_ in BUTTONS if id_ == ctx.triggered_id), None)
    if action is None:
        return no_update, no_update, no_update
    return run_action(action, note, query, rev)


def run_action(action: str, note: Any, query: dict[str, Any] | None, rev: int | None) -> tuple[Any, Any, Any]:
    """Message, next revision, cleared note (unchanged revision and note when refused)."""
    try:
        order_id = SupervisionRequest.parse(query or {}).required_order()
        label = data.act(order_id, action, str(note or ""))
    except (data.ActionRefused, ValidationError, ParamError) as exc:
        return _msg(str(exc), False), no_update, no_update
    except SQLAlchemyError as exc:
        return _msg(problem(exc), False), no_update, no_update
    return _msg(f"已{sv.TRANSITIONS[action].label}，当前状态：{label}", True), (rev or 0) + 1, ""


def officer_orders(store: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The officer page's 督办 (open first), in the principal's scope."""
    store = store or {}
    try:
        officer_id = OfficerRequest.parse(store.get("path_id"), store.get("query") or {}, court_today()).officer_id
        found = data.fetch_orders(SupervisionRequest(sv.OrderFilter(officer_id=officer_id)),
                                  by_court=False)
    except (ParamError, SQLAlchemyError):
        return []
    rows = sorted(found.rows, key=lambda o: (o["status"] not in sv.OPEN_STATUSES, o["due_on"]))
    return row_ids(jsonable([r | {"id__href": f"/supervision?officer={officer_id}&order={r['id']}"} for r in rows]))


def register(app: dash.Dash) -> None:
    app.callback(
        Output(S.ERROR, "children"), Output(S.STATS, "children"), Output(S.SUMMARY, "children"),
        Output(S.GRID, "rowData"), Output(S.EXPORT, "href"),
        Output(S.ASOF, "children"), Output(S.SHOWN, "data"),
        Input(S.QUERY, "data"), Input(S.REV, "data"), Input(ids.Shell.VERSION, "data"), State(S.SHOWN, "data"),
    )(live(render_list, data=(1, 2), grids=(3,), error=0))
    app.callback(
        Output(S.F_STATUS, "options"), Output(S.F_TEAM, "options"), Output(S.F_OFFICER, "options"),
        Output(S.F_KIND, "options"), Output(S.NEW_KIND, "options"), Output(S.NEW_NODE, "options"),
        Output(S.NEW_TEAM, "options"), Output(S.NEW_OFFICER, "options"), Output(S.NEW_CASE, "value"),
        Output(S.NEW_KIND, "value"), Output(S.NEW_NODE, "value"), Output(S.NEW_TEAM, "value"),
        Output(S.NEW_OFFICER, "value"),
        Input(S.QUERY, "data"),
    )(render_choices)
    app.callback(Output(S.NEW_LINK, "className"), Output(S.FORM, "style"), Input(S.QUERY, "data"))(issue_access)
    app.callback(
        Output(S.DETAIL, "children"), Output(S.STEPS, "children"),
        *[Output(id_, "style") for _, id_ in BUTTONS],
        Input(S.QUERY, "data"), Input(S.REV, "data"),
    )(render_detail)
    app.callback(
        Output(S.NAV, "search"),
        Input(S.F_APPLY, "n_clicks"),
        *[State(id_, prop) for id_, prop in (
            (S.F_STATUS, "value"), (S.F_TEAM, "value"), (S.F_OFFICER, "value"), (S.F_KIND, "value"),
            (S.F_ISSUED_FROM, "date"), (S.F_ISSUED_TO, "date"), (S.F_DUE_FROM, "date"), (S.F_DUE_TO, "date"),
            (S.F_TEXT, "value"), (S.QUERY, "data"))],
        prevent_initial_call=True,
    )(apply_filters)
    app.callback(
        Output(S.NEW_MSG, "children"), Output(S.NAV, "search", allow_duplicate=True),
        Input(S.NEW_SUBMIT, "n_clicks"),
        *[State(id_, prop) for id_, prop in (
            (S.NEW_KIND, "value"), (S.NEW_CASE, "value"), (S.NEW_NODE, "value"), (S.NEW_TEAM, "value"),
            (S.NEW_OFFICER, "value"), (S.NEW_SUBJECT, "value"), (S.NEW_DUE, "date"), (S.NEW_REASON, "value"),
            (S.QUERY, "data"))],
        prevent_initial_call=True,
    )(submit_issue)
    app.callback(
        Output(S.ACTION_MSG, "children"), Output(S.REV, "data"), Output(S.NOTE, "value"),
        *[Input(id_, "n_clicks") for _, id_ in BUTTONS],
        State(S.NOTE, "value"), State(S.QUERY, "data"), State(S.REV, "data"),
        prevent_initial_call=True,
    )(submit_action)
    app.callback(
        Output(ids.Officer.SUPERVISION, "rowData"),
        Input(ids.Officer.QUERY, "data"),
    )(officer_orders)
