"""今日待办 on /team/<id> and /officer/<id>: the work list (db.queries.worklist), scoped like the page,
each row linking to the place on /case/<id> where the item is; the kind filter sets the grid's filter."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from callbacks import authz
from callbacks.desk.actions import may_issue
from callbacks.desk.common import jsonable
from callbacks.desk.data import court_today, node_rules, with_session
from callbacks.desk.live import is_refresh, row_ids
from callbacks.desk.params import ParamError
from callbacks.desk.request import OfficerRequest, TeamRequest
from db.queries.cases import officer_info
from db.queries.worklist import RENEWAL_GRACE_DAYS, WORK_KINDS, work_list
from layouts import ids
from layouts.desk.supervision import supervise_href
from layouts.desk.worklist import (
    kind_filter_model,
    kind_options,
    stale_note,
    stale_table,
    worklist_columns,
)

D = ids.CaseDetail


def item_href(item: Mapping[str, Any]) -> str:
    """Where an item is handled: its node's, payment's or 督办's row on the case page (the timeline
    for a 终本 check); a 督办 without a case opens on /supervision."""
    if not item.get("case_id"):
        return f"/supervision?order={item['item_id']}"
    anchor = {"node": f"{D.NODE_ROW}{item.get('node_key')}", "renewal": f"{D.NODE_ROW}{item.get('node_key')}",
              "payment": f"{D.PAYMENT_ROW}{item['item_id']}", "supervision": f"{D.ORDER_ROW}{item['item_id']}",
              }.get(item["kind"], D.TIMELINE)
    return f"/case/{item['case_id']}#{anchor}"


def _rows(items: list[dict[str, Any]], issuer: bool) -> list[dict[str, Any]]:
    out = []
    for item in items:
        row = item | {"item__href": item_href(item),
                      "case_number__href": f"/case/{item['case_id']}" if item["case_id"] else ""}
        if issuer and item["kind"] in ("node", "renewal") and not item["stale"]:
            row |= {"supervise": "督办"}
            row["supervise__href"] = supervise_href("node", case=item["case_id"], node=item["node_key"])
        out.append(row)
    return jsonable(out)


def fetch_worklist(scope: str, path_id: Any, query: Mapping[str, Any], today: dt.date) -> list[dict[str, Any]]:
    """The work list of the team or officer in the URL, after checking the principal may see it."""
    if scope == "team":
        sid = TeamRequest.parse(path_id, query, today).team_id
        authz.require_team(sid)
    else:
        sid = OfficerRequest.parse(path_id, query, today).officer_id
        officer = with_session("officer", (sid,), lambda s: officer_info(s, sid))
        if officer is None:
            raise ParamError(f"承办人编号 {sid} 不存在，请从团队视图重新选择")
        authz.require_officer(sid, officer["team_id"])
    return with_session("worklist", (scope, sid, today), lambda s: work_list(
        s, scope, sid, today=today, rules=node_rules()))


def render_worklist(scope: str, data: dict[str, Any] | None, refresh: bool = False) -> tuple[Any, ...]:
    """Kind filter options, the grid's columns, actionable rows, stale rows (for the folded table),
    the stale group's title and the rule that put its items there."""
    data = data or {}
    try:
        items = fetch_worklist(scope, data.get("path_id"), data.get("query") or {}, court_today())
    except (ParamError, SQLAlchemyError):
        if refresh:
            raise PreventUpdate from None  # a failed re-read keeps the rows on screen
        return (kind_options({}, {}), worklist_columns(), [], [], "已无法处理/需核实",
                stale_note(RENEWAL_GRACE_DAYS))  # the page's own callback says why
    live = [i for i in items if not i["stale"]]
    stale = [i for i in items if i["stale"]]
    counts = {k: sum(i["kind"] == k for i in live) for k in WORK_KINDS}
    issuer = may_issue()
    return (kind_options(counts, {k.key: k.label for k in WORK_KINDS.values()}), worklist_columns(supervise=issuer),
            _rows(live, issuer), _rows(stale, issuer), f"已无法处理/需核实（{len(stale):,} 项，点击展开）",
            stale_note(RENEWAL_GRACE_DAYS))


def register_worklist(app: dash.Dash, ns: Any, scope: str) -> None:
    """Wire one desk page's 今日待办 (ns: ids.Team or ids.Officer)."""
    def render(data: dict[str, Any] | None, _version: Any) -> tuple[Any, ...]:
        options, columns, rows, stale, title, note = render_worklist(
            scope, data, refresh=is_refresh())
        if is_refresh():  # a new snapshot: rows in place (filter, sort, scroll kept), columns as they are
            columns = dash.no_update
        return options, columns, row_ids(rows), stale_table(stale), title, note

    app.callback(
        Output(ns.QUEUE_KIND, "options"), Output(ns.QUEUE, "columnDefs"),
        Output(ns.QUEUE, "rowData"), Output(ns.QUEUE_STALE, "children"),
        Output(ns.QUEUE_STALE_TITLE, "children"), Output(ns.QUEUE_STALE_NOTE, "children"),
        Input(ns.QUERY, "data"), Input(ids.Shell.VERSION, "data"),
    )(render)
    app.callback(Output(ns.QUEUE, "filterModel"), Input(ns.QUEUE_KIND, "value"))(kind_filter_model)
