"""督办 (supervision orders): issue → 反馈 → 办结, or 逾期; every step is appended, never deleted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import Case, Officer, SupervisionOrder, SupervisionStep, Team, User
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
) -> int:
    """Create a 督办 (已下发) and its first step; returns the order id."""
    now = now or utcnow()
    _require(session, User, actor_id, "用户", "actor")
    if not subject.strip():
        raise ValidationError("督办事项不能为空", field="subject")
    if due_on < _local_today(now, offset_minutes):
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


def sweep_overdue(session: Session, today: dt.date, now: dt.datetime | None = None) -> list[int]:
    """Record 逾期 for every 已下发 order whose due date has passed; returns their ids."""
    ids = list(session.scalars(
        select(SupervisionOrder.id).where(SupervisionOrder.status == "issued", SupervisionOrder.due_on < today)
        .order_by(SupervisionOrder.id)
    ))
    for order_id in ids:
        apply(session, order_id, "overdue", note="到期未反馈（系统记录）", now=now)
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


def status_counts(session: Session, today: dt.date) -> dict[str, int]:
    """Orders by effective status, plus the number still open."""
    status = _effective_status(today)
    found = dict(session.execute(select(status, func.count()).group_by(status)).all())
    counts = {key: int(found.get(key, 0)) for key in ORDER_STATUSES}
    counts["open"] = sum(counts[s] for s in OPEN_STATUSES)
    return counts


def team_stats(session: Session, today: dt.date, offset_minutes: int = 480) -> list[dict[str, Any]]:
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


def list_orders(
    session: Session,
    today: dt.date,
    *,
    status: str | None = None,
    team_id: int | None = None,
    officer_id: int | None = None,
    case_id: int | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Orders with their effective status, target names and case number, newest first."""
    o = SupervisionOrder
    eff = _effective_status(today).label("effective_status")
    stmt = (
        select(o, eff, Case.case_number, Team.name.label("team_name"), Officer.name.label("officer_name"))
        .outerjoin(Case, Case.id == o.case_id)
        .outerjoin(Team, Team.id == o.team_id)
        .outerjoin(Officer, Officer.id == o.officer_id)
        .order_by(o.issued_at.desc(), o.id.desc())
        .limit(limit)
    )
    wanted = {"team_id": team_id, "officer_id": officer_id, "case_id": case_id}
    stmt = stmt.where(*[getattr(o, k) == v for k, v in wanted.items() if v is not None])
    if status:
        stmt = stmt.where(_effective_status(today) == status)
    return [_order_dict(row) for row in session.execute(stmt)]


def _order_dict(row: Any) -> dict[str, Any]:
    order = row[0]
    return {
        "id": order.id, "target_kind": order.target_kind, "subject": order.subject,
        "reason": order.reason, "due_on": order.due_on, "status": row.effective_status,
        "status_label": ORDER_STATUSES[row.effective_status], "stored_status": order.status,
        "case_id": order.case_id, "case_number": row.case_number, "node_key": order.node_key,
        "team_id": order.team_id, "team_name": row.team_name, "officer_id": order.officer_id,
        "officer_name": row.officer_name, "issued_by": order.issued_by, "issued_at": order.issued_at,
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
    return [
        {"id": r.id, "status": r.status, "status_label": ORDER_STATUSES.get(r.status, r.status),
         "note": r.note, "at": r.at, "actor_id": r.actor_id,
         "actor": (r.display_name or r.username) if r.actor_id else "系统"}
        for r in session.execute(stmt)
    ]
