"""督办 (supervision orders): issue → 反馈 → 办结, or 逾期; every step is appended, never deleted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    case,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session, aliased

from db.auth.access import Scope
from db.errors import ValidationError
from db.models import (
    CENTER_KIND,
    Case,
    Officer,
    SupervisionOrder,
    SupervisionStep,
    Team,
    User,
)
from db.session import bump_data_version
from db.sqldates import local_day

ORDER_STATUSES: dict[str, str] = {
    "issued": "已下发",
    "answered": "已反馈",
    "overdue": "逾期",
    "closed": "已办结",
}
TARGET_KINDS: dict[str, str] = {"node": "节点", "case": "案件", "officer": "承办人", "team": "团队"}
OPEN_STATUSES = ("issued", "answered", "overdue")
STEP_ACTIONS: dict[str, str] = {"issued": "退回重办", "answered": "反馈", "closed": "办结", "overdue": "到期未反馈"}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    needs_note: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("answer", "反馈", ("issued", "overdue"), "answered"),
        Transition("close", "办结", ("answered",), "closed"),
        Transition("send_back", "退回重办", ("answered",), "issued"),
        Transition("overdue", "标记逾期", ("issued",), "overdue", needs_note=False),
    )
}


def utcnow() -> dt.datetime:
    """Naive UTC, as stored in DateTime columns."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _local_today(now: dt.datetime, offset_minutes: int) -> dt.date:
    return (now + dt.timedelta(minutes=offset_minutes)).date()


def _require(session: Session, model: Any, ident: int | None, what: str, fld: str) -> Any:
    obj = session.get(model, ident) if ident is not None else None
    if obj is None:
        raise ValidationError(f"{what}“{ident}”不存在", field=fld)
    return obj


def _resolve_target(session: Session, kind: str, ids: dict[str, Any]) -> dict[str, Any]:
    """Check the target exists and fill in the team/officer who must answer."""
    if kind not in TARGET_KINDS:
        raise ValidationError(f"督办对象类型应为 {'/'.join(TARGET_KINDS)} 之一，实际为“{kind}”", field="target_kind")
    if kind in ("node", "case"):
        case_ = _require(session, Case, ids.get("case_id"), "案件", "case_id")
        if kind == "node" and not ids.get("node_key"):
            raise ValidationError("节点督办须指明节点（node_key）", field="node_key")
        return {**ids, "team_id": case_.team_id, "officer_id": case_.officer_id}
    if kind == "officer":
        officer = _require(session, Officer, ids.get("officer_id"), "承办人", "officer_id")
        return {**ids, "team_id": officer.team_id}
    _require(session, Team, ids.get("team_id"), "团队", "team_id")
    return ids


def issue(
    session: Session,
    *,
    target_kind: str,
    subject: str,
    due_on: dt.date,
    actor_id: int,
    reason: str = "",
    case_id: int | None = None,
    node_key: str | None = None,
    team_id: int | None = None,
    officer_id: int | None = None,
    now: dt.datetime | None = None,
    offset_minutes: int = 480,
    today: dt.date | None = None,
) -> int:
    """Create a 督办 (已下发) and its first step; returns the order id.

    `today` (court-local) is what the due date may not precede; default: the local day of `now`."""
    now = now or utcnow()
    _require(session, User, actor_id, "用户", "actor")
    if not subject.strip():
        raise ValidationError("督办事项不能为空", field="subject")
    if due_on < (today or _local_today(now, offset_minutes)):
        raise ValidationError(f"办理期限 {due_on} 不能早于今天", field="due_on")
    ids = {"case_id": case_id, "node_key": node_key, "team_id": team_id, "officer_id": officer_id}
    target = _resolve_target(session, target_kind, ids)
    order = SupervisionOrder(
        target_kind=target_kind, subject=subject.strip(), reason=reason, due_on=due_on,
        status="issued", issued_by=actor_id, issued_at=now, **target,
    )
    session.add(order)
    session.flush()
    session.add(SupervisionStep(order_id=order.id, status="issued", note=reason, actor_id=actor_id, at=now))
    bump_data_version(session)
    return order.id


def apply(
    session: Session,
    order_id: int,
    action: str,
    *,
    note: str = "",
    actor_id: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Move an order along its life cycle and append the step; returns the new status."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError(f"未知的督办操作“{action}”", field="action")
    order = session.get(SupervisionOrder, order_id, with_for_update=True)
    if order is None:
        raise ValidationError(f"督办“{order_id}”不存在", field="order_id")
    if order.status not in step.sources:
        label = ORDER_STATUSES.get(order.status, order.status)
        raise ValidationError(f"督办 {order_id} 当前状态为“{label}”，不能{step.label}", field="status")
    if step.needs_note:
        _require(session, User, actor_id, "用户", "actor")
        if not note.strip():
            raise ValidationError(f"{step.label}内容不能为空", field="note")
    order.status = step.target
    session.add(SupervisionStep(order_id=order.id, status=step.target, note=note.strip(),
                                actor_id=actor_id, at=now or utcnow()))
    bump_data_version(session)
    return step.target


def answer(session: Session, order_id: int, note: str, actor_id: int, now: dt.datetime | None = None) -> str:
    """The officer reports what was done (已反馈)."""
    return apply(session, order_id, "answer", note=note, actor_id=actor_id, now=now)


def close(session: Session, order_id: int, note: str, actor_id: int, now: dt.datetime | None = None) -> str:
    """The command center accepts the answer (已办结)."""
    return apply(session, order_id, "close", note=note, actor_id=actor_id, now=now)


def send_back(session: Session, order_id: int, note: str, actor_id: int, now: dt.datetime | None = None) -> str:
    """The command center rejects the answer; the order is 已下发 again."""
    return apply(session, order_id, "send_back", note=note, actor_id=actor_id, now=now)


SWEEP_NOTE = "到期未反馈（系统记录）"
_SWEEP_CHUNK = 900  # ids per IN (...) list: well under SQLite's bound-parameter limit


def sweep_overdue(session: Session, today: dt.date, now: dt.datetime | None = None) -> list[int]:
    """Record 逾期 for every 已下发 order whose due date has passed; returns their ids.

    Set-based: one UPDATE and one multi-row INSERT of steps per 900 orders, so a backlog of
    thousands costs a few statements, not one round trip per order."""
    o, when = SupervisionOrder, now or utcnow()
    ids = list(session.scalars(
        select(o.id).where(o.status == "issued", o.due_on < today).order_by(o.id).with_for_update()
    ))
    for i in range(0, len(ids), _SWEEP_CHUNK):
        chunk = ids[i : i + _SWEEP_CHUNK]
        session.execute(update(o).where(o.id.in_(chunk), o.status == "issued").values(status="overdue")
                        .execution_options(synchronize_session="fetch"))
        session.execute(insert(SupervisionStep), [
            {"order_id": oid, "status": "overdue", "note": SWEEP_NOTE, "actor_id": None, "at": when} for oid in chunk
        ])
    if ids:
        bump_data_version(session)
    return ids


def _effective_status(today: dt.date) -> Any:
    """逾期 is also derived live, so lists are right even before the sweep has run."""
    o = SupervisionOrder
    return case((and_(o.status == "issued", o.due_on < today), literal("overdue")), else_=o.status)


def _answered_on(offset_minutes: int) -> Any:
    s = SupervisionStep
    return (
        select(s.order_id, func.min(local_day(s.at, offset_minutes)).label("answered_on"))
        .where(s.status == "answered")
        .group_by(s.order_id)
        .subquery()
    )


def order_court() -> Any:
    """The court an order belongs to: its case's, else its officer's, else its team's."""
    o = SupervisionOrder
    return func.coalesce(
        select(Case.court_id).where(Case.id == o.case_id).correlate(o).scalar_subquery(),
        select(Officer.court_id).where(Officer.id == o.officer_id).correlate(o).scalar_subquery(),
        select(Team.court_id).where(Team.id == o.team_id).correlate(o).scalar_subquery(),
    )


def _scope_clause(scope: Scope | None) -> Any:
    """Orders a scope may see: every court's or (a 辖区 user) its courts', one team's, or one
    officer's; None means no narrowing."""
    o = SupervisionOrder
    if scope is None or (scope.court and scope.court_ids is None):
        return true()
    if scope.court:
        return order_court().in_(sorted(scope.court_ids or ())) if scope.court_ids else false()
    if scope.team_id is not None:
        return o.team_id == scope.team_id
    if scope.officer_id is not None:
        return o.officer_id == scope.officer_id
    return false()


def status_counts(session: Session, today: dt.date, scope: Scope | None = None,
                  flt: OrderFilter | None = None, offset_minutes: int = 480) -> dict[str, int]:
    """Orders by effective status, plus the number still open; `flt` narrows them like the
    list page's filters (e.g. one team's or one officer's orders)."""
    status = _effective_status(today)
    where = [_scope_clause(scope), *(_filter_clauses(flt, today, offset_minutes) if flt else [])]
    found: dict[str, int] = dict(session.execute(select(status, func.count()).where(*where).group_by(status)).all())
    counts = {key: int(found.get(key, 0)) for key in ORDER_STATUSES}
    counts["open"] = sum(counts[s] for s in OPEN_STATUSES)
    return counts


def team_stats(session: Session, today: dt.date, offset_minutes: int = 480,
               scope: Scope | None = None) -> list[dict[str, Any]]:
    """Per team: open, overdue, answered, closed, closed on time (answered by the due date)."""
    o, answered = SupervisionOrder, _answered_on(offset_minutes)
    status = _effective_status(today)
    on_time = and_(o.status == "closed", answered.c.answered_on <= o.due_on)
    cols = {
        "total": func.count(),
        **{key: func.sum(case((status == key, 1), else_=0)) for key in ORDER_STATUSES},
        "closed_on_time": func.sum(case((on_time, 1), else_=0)),
    }
    stmt = (
        select(o.team_id, Team.name, *[c.label(k) for k, c in cols.items()])
        .outerjoin(Team, Team.id == o.team_id)
        .outerjoin(answered, answered.c.order_id == o.id)
        .where(_scope_clause(scope))
        .group_by(o.team_id, Team.name)
        .order_by(o.team_id)
    )
    result = []
    for row in session.execute(stmt):
        entry = {"team_id": row.team_id, "name": row.name or "未分配"}
        entry.update({k: int(getattr(row, k) or 0) for k in cols})
        entry["open"] = sum(entry[s] for s in OPEN_STATUSES)
        result.append(entry)
    return result


@dataclass(frozen=True)
class OrderFilter:
    """What the 督办 list shows; every field is optional (dates are court-local, both ends included)."""

    status: str | None = None  # an effective status key, or "open" (未办结)
    team_id: int | None = None
    officer_id: int | None = None
    case_id: int | None = None
    order_id: int | None = None
    target_kind: str | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    text: str = ""  # in 事项, 理由 or 案号


def _like(text: str) -> str:
    escaped = text.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _filter_clauses(flt: OrderFilter, today: dt.date, offset_minutes: int) -> list[Any]:
    o = SupervisionOrder
    eff = _effective_status(today)
    issued_day = local_day(o.issued_at, offset_minutes)
    clauses: list[Any] = [getattr(o, k) == getattr(flt, k) for k in ("team_id", "officer_id", "case_id",
                                                                       "target_kind") if getattr(flt, k)]
    if flt.order_id is not None:
        clauses.append(o.id == flt.order_id)
    if flt.status == "open":
        clauses.append(eff.in_(OPEN_STATUSES))
    elif flt.status:
        clauses.append(eff == flt.status)
    bounds = ((flt.issued_from, issued_day, ">="), (flt.issued_to, issued_day, "<="),
              (flt.due_from, o.due_on, ">="), (flt.due_to, o.due_on, "<="))
    clauses += [col >= day if op == ">=" else col <= day for day, col, op in bounds if day is not None]
    if flt.text.strip():
        pattern = _like(flt.text.strip())
        clauses.append(or_(*[func.lower(col).like(pattern, escape="/")
                             for col in (o.subject, o.reason, Case.case_number)]))
    return clauses


def list_orders(
    session: Session,
    today: dt.date,
    *,
    status: str | None = None,
    team_id: int | None = None,
    officer_id: int | None = None,
    case_id: int | None = None,
    flt: OrderFilter | None = None,
    scope: Scope | None = None,
    offset_minutes: int = 480,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Orders with their effective status, target names and case number, newest first.

    `flt` holds the list page's filters (the keyword shortcuts fill in its first fields);
    `scope` narrows to what a principal may see (None: no narrowing, for the CLI)."""
    flt = flt or OrderFilter(status=status, team_id=team_id, officer_id=officer_id, case_id=case_id)
    o = SupervisionOrder
    issuer = aliased(User)
    eff = _effective_status(today).label("effective_status")
    stmt = (
        select(o, eff, Case.case_number, Team.name.label("team_name"), Officer.name.label("officer_name"),
               func.coalesce(issuer.display_name, issuer.username).label("issuer_name"),
               order_court().label("court_id"))
        .outerjoin(Case, Case.id == o.case_id)
        .outerjoin(Team, Team.id == o.team_id)
        .outerjoin(Officer, Officer.id == o.officer_id)
        .outerjoin(issuer, issuer.id == o.issued_by)
        .where(_scope_clause(scope), *_filter_clauses(flt, today, offset_minutes))
        .order_by(o.issued_at.desc(), o.id.desc())
        .limit(limit)
    )
    return [_order_dict(row) for row in session.execute(stmt)]


def get_order(session: Session, order_id: int, today: dt.date, scope: Scope | None = None,
              offset_minutes: int = 480) -> dict[str, Any] | None:
    """One order as the list shows it, or None when it does not exist or is outside `scope`."""
    found = list_orders(session, today, flt=OrderFilter(order_id=order_id), scope=scope,
                        offset_minutes=offset_minutes, limit=1)
    return found[0] if found else None


def _order_dict(row: Any) -> dict[str, Any]:
    order = row[0]
    return {
        "id": order.id, "target_kind": order.target_kind, "target_label": TARGET_KINDS[order.target_kind],
        "subject": order.subject,
        "reason": order.reason, "due_on": order.due_on, "status": row.effective_status,
        "status_label": ORDER_STATUSES[row.effective_status], "stored_status": order.status,
        "case_id": order.case_id, "case_number": row.case_number, "node_key": order.node_key,
        "team_id": order.team_id, "team_name": row.team_name, "officer_id": order.officer_id,
        "officer_name": row.officer_name, "issued_by": order.issued_by, "issued_at": order.issued_at,
        "issuer_name": row.issuer_name, "court_id": row.court_id,
    }


def order_steps(session: Session, order_id: int) -> list[dict[str, Any]]:
    """The audit trail of one order, oldest first, with who and when."""
    s = SupervisionStep
    stmt = (
        select(s.id, s.status, s.note, s.at, s.actor_id, User.display_name, User.username)
        .outerjoin(User, User.id == s.actor_id)
        .where(s.order_id == order_id)
        .order_by(s.at, s.id)
    )
    rows = [
        {"id": r.id, "status": r.status, "status_label": ORDER_STATUSES.get(r.status, r.status),
         "note": r.note, "at": r.at, "actor_id": r.actor_id,
         "actor": (r.display_name or r.username) if r.actor_id else "系统"}
        for r in session.execute(stmt)
    ]
    for i, row in enumerate(rows):  # the action that led to the status: 已下发 again is a 退回
        row["action_label"] = "下发" if i == 0 else STEP_ACTIONS.get(row["status"], row["status_label"])
    return rows


def target_choices(session: Session, scope: Scope | None = None) -> dict[str, list[dict[str, Any]]]:
    """Active teams and officers (with their team) for the filters and the issue form, within
    `scope` (None: the whole court): a lead sees the own team and its officers, an officer the own
    team and only himself or herself — never the names of all staff."""
    # 督办 goes to the case-handling teams and their officers, not to the 执行指挥中心 itself
    team_q = select(Team.id, Team.name).where(Team.active.is_(True), Team.kind != CENTER_KIND).order_by(Team.id)
    officer_q = (select(Officer.id, Officer.name, Team.name.label("team")).outerjoin(Team, Team.id == Officer.team_id)
                 .where(Officer.active.is_(True), or_(Team.kind.is_(None), Team.kind != CENTER_KIND))
                 .order_by(Officer.team_id, Officer.id))
    if scope is not None and scope.court and scope.court_ids is not None:
        courts = sorted(scope.court_ids)
        team_q = team_q.where(Team.court_id.in_(courts))
        officer_q = officer_q.where(Officer.court_id.in_(courts))
    elif scope is not None and not scope.court:
        if scope.team_id is not None:
            team_q = team_q.where(Team.id == scope.team_id)
            officer_q = officer_q.where(Officer.team_id == scope.team_id)
        elif scope.officer_id is not None:
            own_team = select(Officer.team_id).where(Officer.id == scope.officer_id).scalar_subquery()
            team_q = team_q.where(Team.id == own_team)
            officer_q = officer_q.where(Officer.id == scope.officer_id)
        else:
            team_q, officer_q = team_q.where(false()), officer_q.where(false())
    teams = session.execute(team_q)
    officers = session.execute(officer_q)
    return {"teams": [{"id": t.id, "name": t.name} for t in teams],
            "officers": [{"id": o.id, "name": o.name, "team": o.team or "未分配"} for o in officers]}


def case_id_by_number(session: Session, case_number: str, scope: Scope | None = None) -> int:
    """The id of the case with this 案号 (ValidationError naming the field when there is none);
    given a 辖区 `scope`, a case of another court is answered as if it did not exist."""
    stmt = select(Case.id).where(Case.case_number == case_number.strip())
    if scope is not None and scope.court_ids is not None:
        stmt = stmt.where(Case.court_id.in_(sorted(scope.court_ids)))
    found = session.scalar(stmt)
    if found is None:
        raise ValidationError(f"案号“{case_number.strip()}”不存在", field="case_number")
    return found


def target_court(session: Session, kind: str, case_id: int | None = None, team_id: int | None = None,
                 officer_id: int | None = None) -> int | None:
    """The court of a 督办's target (case, officer or team), None when there is no such target."""
    found: dict[str, tuple[Any, Any, int | None]] = {
        "node": (Case.court_id, Case.id, case_id), "case": (Case.court_id, Case.id, case_id),
        "officer": (Officer.court_id, Officer.id, officer_id), "team": (Team.court_id, Team.id, team_id)}
    if kind not in found or found[kind][2] is None:
        return None
    court_col, id_col, ident = found[kind]
    return session.scalar(select(court_col).where(id_col == ident))
