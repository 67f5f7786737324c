"""The action-queue counts of a team or officer (the 待办统计 cards) and the cases behind each.

Each queue kind is a registry entry with its SQL (one query per kind for the whole scope);
process-node alerts (节点管控, db.nodes) are counted by status. The work list itself, one row per
thing to do, is db.queries.worklist.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, select, true
from sqlalchemy.orm import Session

from db.cases.event_kinds import EVENT_KINDS
from db.models import Case, CaseEvent, CaseExtension, CasePause, Payment
from db.nodes.counts import node_list
from db.nodes.rules import RuleSet
from db.nodes.sql import NodeFilter

OPEN_CATEGORIES = ("first", "resumed", "preservation")  # execution implementation cases, not 审查
TERMINABLE = ("first", "resumed")  # 终本 applies to these
# A control or realisation event means property was found (查封/扣押/冻结/划拨/拍卖…).
PROPERTY_FOUND = tuple(k.key for k in EVENT_KINDS.values() if k.group in ("control", "realisation"))
SCOPES = ("court", "team", "officer")


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable


def _scope_filter(scope: str, scope_id: int | None) -> Any:
    column = {"court": Case.court_id, "team": Case.team_id, "officer": Case.officer_id}[scope]
    return column == scope_id if scope_id is not None else true()


def _long_open(months_min: int, months_max: int | None) -> Callable[[dt.date], Select]:
    def build(today: dt.date) -> Select:
        cond = [Case.closed_on.is_(None), Case.category.in_(OPEN_CATEGORIES),
                Case.filed_on <= add_months(today, -months_min)]
        if months_max is not None:
            cond.append(Case.filed_on > add_months(today, -months_max))
        return select(Case.id, Case.filed_on.label("since"), Case.target_amount.label("amount")).where(*cond)
    return build


def _unpaid(today: dt.date) -> Select:
    return (
        select(Payment.case_id.label("id"), func.min(Payment.received_on).label("since"),
               func.sum(Payment.amount).label("amount"))
        .join(Case, Case.id == Payment.case_id)
        .where(Payment.paid_out_on.is_(None), Payment.received_on <= today)
        .group_by(Payment.case_id)
    )


def _near_termination(today: dt.date) -> Select:
    found = exists().where(CaseEvent.case_id == Case.id, CaseEvent.kind.in_(PROPERTY_FOUND))
    return select(Case.id, Case.filed_on.label("since"), Case.target_amount.label("amount")).where(
        Case.closed_on.is_(None), Case.category.in_(TERMINABLE),
        Case.filed_on <= add_months(today, -3), ~found,
    )


@dataclass(frozen=True)
class QueueKind:
    key: str
    label: str
    rank: int  # lower = more urgent
    action: str  # what the officer should do
    query: Callable[[dt.date], Select] | None = None  # None: rows come from db.nodes
    date_label: str = "立案日期"


QUEUE_KINDS: dict[str, QueueKind] = {
    k.key: k
    for k in (
        QueueKind("unpaid", "案款已到账未发放", 1, "核对权利人并发放案款", _unpaid, "最早到账日期"),
        QueueKind("long12", "超12个月未结", 2, "列入长期未结清理，逐案研判", _long_open(12, None)),
        QueueKind("long6", "超6个月未结", 3, "核查是否已超法定期限，及时结案或报批延长", _long_open(6, 12)),
        QueueKind("near_termination", "满3个月未发现财产（可审查终本条件）", 4,
                  "核查终本条件：网络查控、财产调查、限高失信、约谈", _near_termination),
    )
}


def _scoped(kind: QueueKind, scope: str, scope_id: int | None, today: dt.date) -> Select:
    assert kind.query is not None, kind.key
    return kind.query(today).where(_scope_filter(scope, scope_id))


def queue_counts(session: Session, scope: str, scope_id: int | None, *, today: dt.date) -> dict[str, int]:
    """Number of cases per queue kind in the scope."""
    counts = {}
    for kind in QUEUE_KINDS.values():
        sub = _scoped(kind, scope, scope_id, today).subquery()
        counts[kind.key] = session.scalar(select(func.count()).select_from(sub)) or 0
    return counts


def queue_case_ids(session: Session, kind_key: str, scope: str, scope_id: int | None, *,
                   today: dt.date) -> list[int]:
    """Ids of the cases behind one queue count, oldest first."""
    sub = _scoped(QUEUE_KINDS[kind_key], scope, scope_id, today).subquery()
    return [r[0] for r in session.execute(select(sub.c.id).order_by(sub.c.since, sub.c.id))]


def legal_deadlines(session: Session, scope: str, scope_id: int | None, *,
                    today: dt.date) -> list[dict[str, Any]]:
    """Open cases with their 法定执行期限: 6 months (3 for 非诉) + extensions + paused days."""
    where = and_(Case.closed_on.is_(None), Case.category.in_(OPEN_CATEGORIES), _scope_filter(scope, scope_id))
    cases = session.execute(
        select(Case.id, Case.case_number, Case.filed_on, Case.non_litigation).where(where).order_by(Case.filed_on)
    ).all()
    ext = dict(session.execute(
        select(CaseExtension.case_id, func.sum(CaseExtension.days))
        .join(Case, Case.id == CaseExtension.case_id).where(where).group_by(CaseExtension.case_id)
    ).all())
    paused: dict[int, int] = {}
    for cid, start, end in session.execute(
        select(CasePause.case_id, CasePause.started_on, CasePause.ended_on)
        .join(Case, Case.id == CasePause.case_id).where(where)
    ):
        paused[cid] = paused.get(cid, 0) + max(((end or today) - start).days, 0)
    rows = []
    for cid, number, filed, non_lit in cases:
        base = add_months(filed, 3 if non_lit else 6)
        deadline = base + dt.timedelta(days=int(ext.get(cid) or 0) + paused.get(cid, 0))
        rows.append({"case_id": cid, "case_number": number, "filed_on": filed, "deadline": deadline,
                     "extension_days": int(ext.get(cid) or 0), "paused_days": paused.get(cid, 0),
                     "remaining": (deadline - today).days})
    rows.sort(key=lambda r: (r["remaining"], r["case_id"]))
    return rows


NODE_ALERTS: dict[str, QueueKind] = {
    k.key: k
    for k in (
        QueueKind("overdue", "流程节点超期未完成", 0, "立即办理该节点，并说明超期原因", None, "节点期限"),
        QueueKind("due_soon", "流程节点临期", 1, "在期限前完成该节点", None, "节点期限"),
    )
}


def _node_filter(scope: str, scope_id: int | None, today: dt.date) -> NodeFilter:
    narrowing: dict[str, Any] = {f"{scope}_ids": (scope_id,)} if scope_id is not None else {}
    return NodeFilter.pending(today, **narrowing)


def node_alerts(session: Session, scope: str, scope_id: int | None, *, today: dt.date,
                rules: RuleSet) -> dict[str, list[dict[str, Any]]]:
    """Overdue and due-soon process-node rows of the scope, by status, most urgent first.

    One node query serves the counts, the action queue and the lists behind the counts, so a
    count always equals the length of its list.
    """
    rows = node_list(session, today, rules, filters=_node_filter(scope, scope_id, today),
                     statuses=tuple(NODE_ALERTS), limit=1_000_000)
    found: dict[str, list[dict[str, Any]]] = {key: [] for key in NODE_ALERTS}
    for row in rows:
        found[row["status"]].append(row)
    return found
