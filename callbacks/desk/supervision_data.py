"""What /supervision shows, as plain data from the URL query and the signed-in principal: the
filtered list (the grid and the .xlsx export read the same rows), team statistics, one order
with its steps; and the writes behind the forms (issue, answer, close, send back)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callbacks import authz
from callbacks.context import app_context, principal
from callbacks.desk.courts import tree
from callbacks.desk.data import court_today, node_rules, with_session
from callbacks.desk.params import ParamError, search
from callbacks.desk.request import STATUS_CHOICES, SupervisionRequest
from db.auth import audit
from db.auth.access import Principal, Scope, may_see_case, scope_of
from db.auth.masking import mask_text
from db.errors import ValidationError
from db.export.xlsx import Column, Sheet, workbook_bytes
from db.models import Case
from db.org.courts import descendants
from db.session import session_scope
from db.supervision import orders as sv
from db.supervision.access import refusal

LIST_LIMIT = 2000
AUDIT_ACTIONS = {"issue": "supervision_issue", "answer": "supervision_answer", "close": "supervision_close",
                 "send_back": "supervision_return"}


class ActionRefused(Exception):
    """The principal may not do this; the message is shown as it is (Chinese)."""


@dataclass
class OrderList:
    rows: list[dict[str, Any]]
    filters: sv.OrderFilter
    lines: list[str]
    truncated: bool


def zone() -> ZoneInfo:
    return ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")


def local_time(at: dt.datetime | None) -> dt.datetime | None:
    """A stored naive-UTC timestamp in the court's zone, to the minute."""
    if at is None:
        return None
    return at.replace(tzinfo=dt.UTC).astimezone(zone()).replace(tzinfo=None, second=0, microsecond=0)


def node_names() -> dict[str, str]:
    return {r.key: r.name for r in node_rules().nodes}


def order_row(o: Mapping[str, Any], today: dt.date, keep: Mapping[str, Any]) -> dict[str, Any]:
    """One list row (dates stay dates: the grid turns them into text, the export keeps them)."""
    open_ = o["status"] in sv.OPEN_STATUSES
    return {
        "id": o["id"], "id__href": "/supervision" + search(dict(keep) | {"order": o["id"]}),
        # 督办 free text is shown and exported masked (names after a party role, ID and phone numbers)
        "status": o["status"], "status_label": o["status_label"], "subject": mask_text(o["subject"]),
        "reason": mask_text(o["reason"]),
        "target_label": o["target_label"], "case_id": o["case_id"], "case_number": o["case_number"] or "",
        "case_number__href": f"/case/{o['case_id']}" if o["case_id"] else "",
        "node_key": o["node_key"], "node_name": node_names().get(o["node_key"], o["node_key"] or ""),
        "team_id": o["team_id"], "team_name": o["team_name"] or "", "officer_id": o["officer_id"],
        "officer_name": o["officer_name"] or "", "issuer_name": o["issuer_name"] or "",
        "issued_at": local_time(o["issued_at"]), "due_on": o["due_on"],
        "days_left": (o["due_on"] - today).days if open_ else None,
    }


def _offset() -> int:
    return node_rules().utc_offset_minutes


def shown_scope(who: Principal | None) -> tuple[Scope, str | None]:
    """The orders /supervision lists: the principal's scope narrowed to the court the desk pages
    show (the 「当前法院」 switcher) and the courts below it, with the line that says so; a user
    of the whole installation who has not switched, a team or an officer keeps its own scope.
    Only what is listed narrows: opening or acting on an order still checks the principal's scope."""
    scope = scope_of(who)
    chosen = authz.current_court_id() if scope.court else None
    if chosen is None:
        return scope, None
    nodes = tree()
    if chosen not in nodes or len(nodes) < 2:
        return scope, None
    below = frozenset(descendants(nodes, chosen))
    shown = below if scope.court_ids is None else below & scope.court_ids
    name = nodes[chosen].name
    line = f"范围：{name}及其辖区法院的督办" if len(below) > 1 else f"范围：{name}的督办"
    return replace(scope, court_ids=shown), line


def fetch_orders(request: SupervisionRequest, who: Principal | None = None, *,
                 by_court: bool = True) -> OrderList:
    """The filtered list the grid shows and the export writes (same rows, same order);
    `by_court=False` (one officer's page) keeps the principal's scope, not the switcher's court."""
    who = who if who is not None else principal()
    scope, court_line = shown_scope(who) if by_court else (scope_of(who), None)
    flt, today = request.filters, court_today()
    found = with_session("supervision-list", (flt, scope, today, LIST_LIMIT + 1), lambda s: sv.list_orders(
        s, today, flt=flt, scope=scope, offset_minutes=_offset(), limit=LIST_LIMIT + 1))
    keep = request.filter_query()
    rows = [order_row(o, today, keep) for o in found[:LIST_LIMIT]]
    lines = [f"截至 {today}", *([court_line] if court_line else []),
             *[text for _, text in _filter_lines(flt)]]
    if scope.empty:
        lines.append("未登录或没有可查看的范围：不显示督办")
    elif not scope.court:
        lines.append("只显示您所在团队或本人的督办")
    return OrderList(rows, flt, lines, len(found) > LIST_LIMIT)


def order_list(query: Mapping[str, Any], who: Principal | None = None) -> OrderList:
    """Parse a /supervision URL query, then fetch its list (for callers that hold a URL)."""
    return fetch_orders(SupervisionRequest.parse(query), who)


def team_statistics(who: Principal | None = None) -> list[dict[str, Any]]:
    """Per-team statistics in the listed scope (`shown_scope`), with a 合计 row and 按期办结率."""
    scope, today = shown_scope(who if who is not None else principal())[0], court_today()
    rows = with_session("supervision-stats", (scope, today),
                        lambda s: sv.team_stats(s, today, _offset(), scope=scope))
    if len(rows) > 1:
        keys = ("total", "open", "overdue", "answered", "closed", "closed_on_time")
        rows = [*rows, {"name": "合计", "total_row": True, **{k: sum(r[k] for r in rows) for k in keys}}]
    for r in rows:
        r["on_time_rate"] = f"{100 * r['closed_on_time'] / r['closed']:.2f}%" if r["closed"] else "—"
    return rows


def choices() -> dict[str, list[dict[str, Any]]]:
    """Dropdown options: statuses, target kinds, teams, officers, nodes — teams and officers only
    within the listed scope (least privilege: an officer does not get every name)."""
    scope = shown_scope(principal())[0]
    found = with_session("supervision-choices", (scope,), lambda s: sv.target_choices(s, scope))
    return {
        "status": [{"label": v, "value": k} for k, v in STATUS_CHOICES.items()],
        "kind": [{"label": v, "value": k} for k, v in sv.TARGET_KINDS.items()],
        "team": [{"label": t["name"], "value": str(t["id"])} for t in found["teams"]],
        "officer": [{"label": f"{o['name']}（{o['team']}）", "value": str(o["id"])} for o in found["officers"]],
        "node": [{"label": r.name, "value": r.key} for r in node_rules().nodes],
    }


def order_detail(order_id: int, who: Principal | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(order row, steps) of one order in the principal's scope; ParamError otherwise."""
    scope, today = scope_of(who if who is not None else principal()), court_today()

    def run(s: Session) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        found = sv.get_order(s, order_id, today, scope=scope, offset_minutes=_offset())
        return found, (sv.order_steps(s, order_id) if found else [])
    order, steps = with_session("supervision-order", (order_id, scope, today), run)
    if order is None:
        raise ParamError(f"督办 {order_id} 不存在或不在您的查看范围内")
    steps = [s | {"at": local_time(s["at"]), "note": mask_text(s["note"])} for s in steps]
    return order_row(order, today, {}), steps


def case_number_of(case_id: int | None, who: Principal | None = None) -> str:
    """The 案号 of a case id in the principal's scope (to pre-fill the form), or "" when there is
    none — also for a case outside the scope, so the answer never tells which ids exist."""
    if case_id is None:
        return ""
    who = who if who is not None else principal()
    row = with_session("case-number", (case_id,), lambda s: s.execute(
        select(Case.case_number, Case.team_id, Case.officer_id, Case.court_id).where(Case.id == case_id)).first())
    if row is None or not may_see_case(who, row.team_id, row.officer_id, row.court_id):
        return ""
    return row.case_number or ""


def _refuse(session: Session, who: Principal | None, action: str, target: str, message: str) -> None:
    audit.record(session, actor=who, action=AUDIT_ACTIONS[action], target=target, detail=message, ip=authz.client_ip(),
                 outcome="denied")


def _check(who: Principal | None, action: str, order: Mapping[str, Any] | None, target: str) -> None:
    message = refusal(who, action, order)
    if message:
        with session_scope(app_context().sessions) as session:
            _refuse(session, who, action, target, message)
        raise ActionRefused(message)


def issue_order(form: Mapping[str, Any], who: Principal | None = None) -> int:
    """Issue a 督办 from the form; ActionRefused / ValidationError carry the Chinese reason."""
    who = who if who is not None else principal()
    _check(who, "issue", None, "新督办")
    kind = str(form.get("kind") or "")
    due_raw = str(form.get("due") or "").strip()
    if not due_raw:
        raise ValidationError("请填写办理期限", field="due_on")
    try:
        due = dt.date.fromisoformat(due_raw)
    except ValueError:
        raise ValidationError(f"办理期限“{due_raw}”格式应为 YYYY-MM-DD", field="due_on") from None
    if kind == "node" and form.get("node") not in node_names():
        raise ValidationError("节点督办请选择节点", field="node_key")
    with session_scope(app_context().sessions) as session:
        case_id = None
        if kind in ("node", "case"):
            if not str(form.get("case_number") or "").strip():
                raise ValidationError("节点或案件督办请填写案号", field="case_number")
            case_id = sv.case_id_by_number(session, str(form["case_number"]))
        ids = {"team_id": _int(form.get("team"), "团队") if kind == "team" else None,
               "officer_id": _int(form.get("officer"), "承办人") if kind == "officer" else None}
        _check_court(session, who, kind, case_id, ids, form)
        order_id = sv.issue(session, target_kind=kind, subject=str(form.get("subject") or ""), due_on=due,
                            actor_id=who.user_id, reason=str(form.get("reason") or "").strip(), case_id=case_id,
                            node_key=form.get("node") if kind == "node" else None,
                            offset_minutes=_offset(), today=court_today(), **ids)
        audit.record(session, actor=who, action="supervision_issue", target=f"督办 {order_id}",
                     detail=str(form.get("subject") or "").strip(), ip=authz.client_ip())
    return order_id


def _check_court(session: Session, who: Principal | None, kind: str, case_id: int | None,
                 ids: Mapping[str, int | None], form: Mapping[str, Any]) -> None:
    """A 辖区 user issues 督办 only on its courts' cases, teams and officers: another court's is
    refused (audited) with the words used for one that does not exist."""
    scope = scope_of(who)
    court = sv.target_court(session, kind, case_id, ids["team_id"], ids["officer_id"])
    if scope.court_ids is None or court is None or scope.sees_court(court):
        return
    what = {"team": ("团队", ids["team_id"]), "officer": ("承办人", ids["officer_id"])}.get(
        kind, ("案号", str(form.get("case_number") or "").strip()))
    message = f"{what[0]}“{what[1]}”不存在"
    with session_scope(app_context().sessions) as audit_session:
        _refuse(audit_session, who, "issue", f"{what[0]} {what[1]}", f"{message}（不在本院及下级法院）")
    raise ValidationError(message, field=what[0])


def _int(raw: Any, label: str) -> int:
    if raw in (None, ""):
        raise ValidationError(f"请选择{label}", field=label)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"{label}“{raw}”不是有效的编号", field=label) from None


def act(order_id: int, action: str, note: str, who: Principal | None = None) -> str:
    """反馈 / 办结 / 退回重办 on one order; returns the new status label."""
    who = who if who is not None else principal()
    today = court_today()
    with app_context().sessions() as session:
        order = sv.get_order(session, order_id, today, scope=scope_of(who))
    if order is None:
        message = f"督办 {order_id} 不存在或不在您的查看范围内"
        with session_scope(app_context().sessions) as session:
            _refuse(session, who, action, f"督办 {order_id}", message)
        raise ActionRefused(message)
    _check(who, action, order, f"督办 {order_id}")
    with session_scope(app_context().sessions) as session:
        status = sv.apply(session, order_id, action, note=note or "", actor_id=who.user_id)
        audit.record(session, actor=who, action=AUDIT_ACTIONS[action], target=f"督办 {order_id}",
                     detail=(note or "").strip(), ip=authz.client_ip())
    return sv.ORDER_STATUSES[status]


EXPORT_COLUMNS = [
    Column("编号", "id", "int"), Column("状态", "status_label"), Column("督办事项", "subject"),
    Column("对象", "target_label"), Column("案号", "case_number"), Column("节点", "node_name"),
    Column("团队", "team_name"), Column("承办人", "officer_name"), Column("下发人", "issuer_name"),
    Column("下发时间", "issued_at", "datetime"), Column("办理期限", "due_on", "date"), Column("剩余天数", "days_left", "int"),
    Column("理由", "reason"),
]


def _filter_lines(flt: sv.OrderFilter) -> list[tuple[str, str]]:
    labels = {"status": ("状态", lambda v: STATUS_CHOICES[v].split("（")[0]), "team_id": ("团队", _team_name),
              "officer_id": ("承办人", _officer_name), "case_id": ("案件", lambda v: case_number_of(v) or f"编号 {v}"),
              "target_kind": ("督办对象", lambda v: sv.TARGET_KINDS[v]), "issued_from": ("下发日期从", str),
              "issued_to": ("下发日期至", str), "due_from": ("办理期限从", str), "due_to": ("办理期限至", str),
              "text": ("关键词", str)}
    return [("筛选", f"{label}：{fmt(getattr(flt, key))}") for key, (label, fmt) in labels.items()
            if getattr(flt, key)] or [("筛选", "全部督办")]


def _team_name(team_id: int) -> str:
    return next((t["label"] for t in choices()["team"] if t["value"] == str(team_id)), f"编号 {team_id}")


def _officer_name(officer_id: int) -> str:
    return next((o["label"] for o in choices()["officer"] if o["value"] == str(officer_id)), f"编号 {officer_id}")


def supervision_workbook(query: Mapping[str, Any]) -> tuple[bytes, str]:
    """(.xlsx bytes, file name) of the list /supervision shows for this URL query."""
    found = fetch_orders(SupervisionRequest.parse(query))
    now = dt.datetime.now(zone()).replace(tzinfo=None, microsecond=0)
    rows = list(found.rows)  # dates and times stay dates and times in the cells
    meta = [("数据截至", court_today().isoformat()), ("导出时间", now)]
    sheet = Sheet("督办", "督办清单", EXPORT_COLUMNS, rows, meta, [("说明", line) for line in found.lines])
    return workbook_bytes([sheet]), f"督办清单-{court_today().isoformat()}.xlsx"
