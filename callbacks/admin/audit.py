"""/admin/audit: search by who, what, when and text; the same search as .xlsx."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output, State, ctx
from flask import has_request_context, request

from callbacks import authz
from callbacks.admin.common import (
    reading,
    require_admin,
    visible_court_ids,
    with_local_times,
    zone,
)
from callbacks.desk.params import ParamError, parse_date, search
from db.auth import audit
from db.auth.access import ROLES
from db.export.xlsx import Column, Sheet, workbook_bytes
from layouts import ids
from layouts.admin.audit import audit_table
from layouts.admin.common import message

A = ids.AdminAudit
PAGE_SIZE = 100  # rows per page of the audit page (paged in the database, never all at once)
LIMIT = 10000  # rows of one export
COLUMNS = [Column("时间", "at", "datetime"), Column("用户", "actor"), Column("角色", "actor_role"),
           Column("动作", "action_label"), Column("对象", "target"), Column("详情", "detail"),
           Column("来源地址", "ip"), Column("结果", "outcome_label")]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone())


def parse_filters(query: Mapping[str, Any]) -> dict[str, Any]:
    """URL/filter values → audit.search arguments; bad input raises ParamError naming the field."""
    actions = [a for a in str(query.get("action") or "").split(",") if a]
    unknown = [a for a in actions if a not in audit.ACTIONS]
    if unknown:
        raise ParamError(f"动作：未知的审计动作“{'、'.join(unknown)}”")
    outcome = str(query.get("outcome") or "") or None
    if outcome and outcome not in audit.OUTCOMES:
        raise ParamError(f"结果：应为 {'、'.join(audit.OUTCOMES)}，实际为“{outcome}”")
    since = parse_date(query["since"], "起始日期（since）") if query.get("since") else None
    until = parse_date(query["until"], "截止日期（until）") if query.get("until") else None
    if since and until and since > until:
        raise ParamError(f"起始日期 {since} 晚于截止日期 {until}")
    return {"court_ids": visible_court_ids(),  # an admin of a court: its courts' users only
            "actor": str(query.get("actor") or "").strip() or None, "action": actions or None,
            "outcome": outcome, "text": str(query.get("text") or "").strip() or None,
            "since": _midnight(since) if since else None,
            "until": _midnight(until + dt.timedelta(days=1)) if until else None}


def find(query: Mapping[str, Any], limit: int = LIMIT, offset: int = 0) -> list[dict[str, Any]]:
    filters = parse_filters(query)
    rows = reading(lambda s: audit.search(s, limit=limit, offset=offset, **filters))
    return [r | {"actor_role": ROLES[r["actor_role"]].label if r["actor_role"] in ROLES else r["actor_role"]}
            for r in with_local_times(rows, "at")]


def _page(raw: Any) -> int:
    return min(raw, 10**6) if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0 else 0


def turn_page(_apply: int | None, _prev: int | None, _next: int | None, page: Any) -> int:
    """A new search starts at the newest page; 上一页/下一页 move by one (the list clamps the end)."""
    if ctx.triggered_id == A.PREV:
        return max(0, _page(page) - 1)
    if ctx.triggered_id == A.NEXT:
        return _page(page) + 1
    return 0


def filter_query(actor: str | None, actions: list[str] | None, outcome: str | None, since: str | None,
                 until: str | None, text: str | None) -> dict[str, str]:
    return {"actor": actor or "", "action": ",".join(actions or []), "outcome": outcome or "",
            "since": since or "", "until": until or "", "text": text or ""}


def render_audit(page: Any, actor: str | None, actions: list[str] | None, outcome: str | None,
                 since: str | None, until: str | None, text: str | None) -> tuple[Any, ...]:
    """Options, message, count, one page of the table and the export link for the filters."""
    options = ([{"value": k, "label": v} for k, v in audit.ACTIONS.items()],
               [{"value": k, "label": v} for k, v in audit.OUTCOMES.items()])
    query = filter_query(actor, actions, outcome, since, until, text)
    try:
        require_admin("审计日志")
        total = reading(lambda s: audit.count(s, **parse_filters(query)))
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(_page(page), pages - 1)
        rows = find(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    except ParamError as exc:  # Denied is a ParamError too: message, no rows
        return (*options, message(str(exc), ok=False), "", "", "/export/audit.xlsx")
    summary = f"共 {total:,} 条，第 {page + 1}/{pages} 页（每页 {PAGE_SIZE} 条，新的在前）"
    return (*options, None, summary, audit_table(rows), "/export/audit.xlsx" + search(query))


def audit_workbook(query: Mapping[str, Any]) -> tuple[bytes, str]:
    """(.xlsx bytes, file name) of the audit search in the URL query (ADMIN only)."""
    require_admin("导出审计日志")
    rows = find(query)
    now = dt.datetime.now(zone()).replace(tzinfo=None, microsecond=0)
    who = authz.current()
    meta = [("筛选条件", search({k: v for k, v in query.items() if v}).lstrip("?") or "全部"),
            ("导出人", who.username if who else ""), ("导出时间", now),
            ("来源地址", request.remote_addr if has_request_context() else ""),
            ("说明", "时间为本院时区；审计日志只增不改")]
    sheet = Sheet("审计日志", "审计日志", COLUMNS, rows, meta)
    return workbook_bytes([sheet]), f"审计日志-{now:%Y%m%d%H%M}.xlsx"


def register(app: dash.Dash) -> None:
    app.callback(
        Output(A.ACTION, "options"), Output(A.OUTCOME, "options"), Output(A.MSG, "children"),
        Output(A.COUNT, "children"), Output(A.TABLE, "children"), Output(A.EXPORT, "href"),
        Input(A.PAGE, "data"),
        State(A.ACTOR, "value"), State(A.ACTION, "value"), State(A.OUTCOME, "value"),
        State(A.SINCE, "date"), State(A.UNTIL, "date"), State(A.TEXT, "value"),
    )(render_audit)
    app.callback(
        Output(A.PAGE, "data"),
        Input(A.APPLY, "n_clicks"), Input(A.PREV, "n_clicks"), Input(A.NEXT, "n_clicks"),
        State(A.PAGE, "data"), prevent_initial_call=True,
    )(turn_page)



