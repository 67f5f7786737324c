"""今日待办: a team lead's or officer's work list, one row per thing to do, most urgent first.

Five kinds of item, each a SELECT with the same columns, joined by UNION ALL and ordered in SQL:

- 节点 (node): an event or term node of the process-node rules (db.nodes) that is overdue or due soon;
- 续封 (renewal): a seizure/freeze whose expiry is past or near without a renewal or release;
- 案款 (payment): money received and not yet paid out (every receipt, due or not);
- 督办 (supervision): a 督办 order still waiting for the team's answer (已下发 or 逾期);
- 终本 (termination): an open 首执/恢复 case three months old without property found — check the
  终本 conditions before its statutory term (6 months, 3 for 非诉, plus approved extensions) ends.

days_left = deadline − today: negative is days overdue. Rows are ordered by actionability, then
days_left (overdue first, by how much), then the deadline.

"Can no longer be acted on" (the 「已无法处理/需核实」 group, `stale`), per kind:

- 续封: the seizure expired more than RENEWAL_GRACE_DAYS ago — it can no longer be renewed (the
  measure has lapsed); what is left is to check whether a renewal was made and not recorded, or to
  seize again;
- 节点: the case is closed (only rules watching closed cases keep such a node) — nothing to do in
  the case any more; check the record;
- 案款, 督办, 终本: never — the money is still on the court's account, the order still waits for an
  answer, the case is still open.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.models import Case, CaseEvent, CaseExtension, Officer, Payment, SupervisionOrder
from db.nodes.rules import RuleSet
from db.nodes.sql import STATUSES, NodeFilter, node_rows
from db.queries.queue import PROPERTY_FOUND, TERMINABLE, add_months
from db.sqldates import add_days, datediff, months

RENEWAL_GRACE_DAYS = 30  # a seizure that lapsed longer ago than this can no longer be renewed
SUPERVISION_SOON_DAYS = 3  # a 督办 due within this many days is 临期
TERM_SOON_DAYS = 30  # a 终本 check whose statutory term ends within this many days is 临期
WORK_SCOPES = ("team", "officer")


@dataclass(frozen=True)
class WorkKind:
    key: str
    label: str  # short name of the kind: the group and the filter
    rank: int  # tie-break between kinds with the same days left
    action: str  # what to do


WORK_KINDS: dict[str, WorkKind] = {
    k.key: k
    for k in (
        WorkKind("node", "节点", 0, "办理该流程节点"),
        WorkKind("renewal", "续封", 1, "届满前办理续封或解除"),
        WorkKind("payment", "案款", 2, "核对权利人并发放案款"),
        WorkKind("supervision", "督办", 3, "按督办要求办理并反馈"),
        WorkKind("termination", "终本", 4, "审查终本条件：网络查控、财产调查、限高失信、约谈"),
    )
}


def _today(today: dt.date) -> ColumnElement[Any]:
    return literal(today, Date)


def _scope(column_team: Any, column_officer: Any, scope: str, scope_id: int) -> ColumnElement[bool]:
    return (column_team if scope == "team" else column_officer) == scope_id


def _node_part(session: Session, rules: RuleSet, scope: str, scope_id: int, today: dt.date) -> Select[Any]:
    """节点, 续封 and 案款 items from the node rows of the scope."""
    expiry = [r.key for r in rules.nodes if r.kind == "expiry"] or [""]
    payment = [r.key for r in rules.nodes if r.kind == "payment"] or [""]
    # pending: wanted below are overdue / due soon nodes and unpaid receipts (案款 watches closed
    # cases, so its rows are all kept), so cases closed by today can be skipped from the start
    narrowing = (NodeFilter.pending(today, team_ids=(scope_id,)) if scope == "team"
                 else NodeFilter.pending(today, officer_ids=(scope_id,)))
    nr = node_rows(session, rules, today, narrowing)
    kind = case((nr.c.node.in_(expiry), literal("renewal")), (nr.c.node.in_(payment), literal("payment")),
                else_=literal("node"))
    closed = and_(Case.closed_on.isnot(None), Case.closed_on <= _today(today))
    stale = case(
        (and_(nr.c.node.in_(expiry), nr.c.days_left < -RENEWAL_GRACE_DAYS), literal(1)),
        (and_(~nr.c.node.in_(expiry), ~nr.c.node.in_(payment), closed), literal(1)),
        else_=literal(0),
    )
    wanted = or_(nr.c.status.in_(("overdue", "due_soon")),
                 and_(nr.c.node.in_(payment), nr.c.status == "not_due"))
    return (
        select(
            kind.label("kind"), nr.c.case_id, Case.case_number, Case.officer_id,
            nr.c.node.label("ref"), nr.c.item_id, nr.c.deadline, nr.c.days_left.label("days_left"),
            Payment.amount.label("amount"),
            case((nr.c.node.in_(payment), datediff(_today(today), nr.c.start_on)), else_=null()).label("waiting"),
            nr.c.status.label("status"), (nr.c.status == "due_soon").label("soon"), stale.label("stale"),
            Case.closed_on.label("closed_on"),
        )
        .select_from(nr)
        .join(Case, Case.id == nr.c.case_id)
        .outerjoin(Payment, and_(nr.c.node.in_(payment), Payment.id == nr.c.item_id))
        .where(wanted)
    )


def _supervision_part(scope: str, scope_id: int, today: dt.date) -> Select[Any]:
    """督办 orders waiting for the team's answer (已下发, or its due day past: 逾期)."""
    o = SupervisionOrder
    status = case((and_(o.status == "issued", o.due_on < _today(today)), literal("overdue")), else_=o.status)
    days = datediff(o.due_on, _today(today))
    return (
        select(
            literal("supervision").label("kind"), o.case_id, Case.case_number,
            func.coalesce(o.officer_id, Case.officer_id).label("officer_id"),
            cast(o.subject, String).label("ref"), o.id.label("item_id"), o.due_on.label("deadline"),
            days.label("days_left"), cast(null(), Case.target_amount.type).label("amount"),
            cast(null(), Integer).label("waiting"), status.label("status"),
            (days <= SUPERVISION_SOON_DAYS).label("soon"), literal(0).label("stale"),
            Case.closed_on.label("closed_on"),
        )
        .select_from(o)
        .outerjoin(Case, Case.id == o.case_id)
        .where(o.status.in_(("issued", "overdue")), _scope(o.team_id, o.officer_id, scope, scope_id))
    )


def _termination_part(scope: str, scope_id: int, today: dt.date) -> Select[Any]:
    """Open 首执/恢复 cases three months old without property found: check the 终本 conditions
    before the statutory term (6 months, 3 for 非诉, plus extensions) ends."""
    found = exists().where(CaseEvent.case_id == Case.id, CaseEvent.kind.in_(PROPERTY_FOUND))
    extension = (select(func.coalesce(func.sum(CaseExtension.days), 0))
                 .where(CaseExtension.case_id == Case.id).scalar_subquery())
    term = case((Case.non_litigation == true(), months(Case.filed_on, 3)), else_=months(Case.filed_on, 6))
    deadline = add_days(term, extension)
    days = datediff(deadline, _today(today))
    return (
        select(
            literal("termination").label("kind"), Case.id.label("case_id"), Case.case_number, Case.officer_id,
            literal("").label("ref"), Case.id.label("item_id"), deadline.label("deadline"),
            days.label("days_left"), cast(null(), Case.target_amount.type).label("amount"),
            cast(null(), Integer).label("waiting"), literal("check").label("status"), (days <= TERM_SOON_DAYS).label("soon"), literal(0).label("stale"),
            Case.closed_on.label("closed_on"),
        )
        .where(Case.closed_on.is_(None), Case.category.in_(TERMINABLE),
               Case.filed_on <= add_months(today, -3), ~found,
               _scope(Case.team_id, Case.officer_id, scope, scope_id))
    )


def _items(session: Session, scope: str, scope_id: int, today: dt.date, rules: RuleSet) -> Any:
    if scope not in WORK_SCOPES:
        raise ValueError(f"待办范围应为 {'/'.join(WORK_SCOPES)} 之一，实际为“{scope}”")
    return union_all(
        _node_part(session, rules, scope, scope_id, today),
        _supervision_part(scope, scope_id, today),
        _termination_part(scope, scope_id, today),
    ).subquery("work_items")


def _rank(column: Any) -> ColumnElement[int]:
    return case({k.key: k.rank for k in WORK_KINDS.values()}, value=column, else_=literal(9))


def work_counts(session: Session, scope: str, scope_id: int, *, today: dt.date,
                rules: RuleSet) -> dict[str, dict[str, int]]:
    """{kind: {"open": actionable items, "overdue": of them overdue, "stale": 已无法处理/需核实}}."""
    items = _items(session, scope, scope_id, today, rules)
    overdue = func.sum(case((and_(items.c.stale == 0, items.c.days_left < 0), 1), else_=0))
    stmt = select(items.c.kind, items.c.stale, func.count(), overdue).group_by(items.c.kind, items.c.stale)
    out = {k: {"open": 0, "overdue": 0, "stale": 0} for k in WORK_KINDS}
    for kind, stale, n, late in session.execute(stmt):
        entry = out[kind]
        entry["stale" if stale else "open"] += int(n)
        entry["overdue"] += int(late or 0)
    return out


def _status_text(row: Any) -> str:
    if row.kind == "payment":
        return f"已到账 {row.waiting} 天未发放"
    if row.kind == "supervision":
        return "逾期未反馈" if row.status == "overdue" else "已下发待反馈"
    if row.kind == "termination":
        return "满3个月未发现财产，待审查终本条件"
    if row.stale and row.kind == "renewal":
        return f"查封/冻结已于 {row.deadline.isoformat()} 届满，已无法续封：核实是否已续封未录入，或重新查封"
    if row.stale:
        return "案件已结，节点无法再办理：核实登记"
    return "届满未续封" if row.kind == "renewal" and row.status == "overdue" else STATUSES[row.status].label


def _tone(row: Any) -> str:
    """What the 剩余/超期天数 colour means: bad overdue, warn due soon, muted stale, "" fine."""
    if row.stale:
        return "muted"
    if row.days_left < 0:
        return "bad"
    return "warn" if row.soon else ""


def _item_text(row: Any, node_names: dict[str, str]) -> str:
    kind = WORK_KINDS[row.kind]
    if row.kind in ("node", "renewal"):
        return f"{kind.label}：{node_names.get(row.ref, row.ref)}"
    if row.kind == "supervision":
        return f"督办：{row.ref}"
    return {"payment": "案款：发放", "termination": "终本：审查终本条件"}[row.kind]


def work_list(session: Session, scope: str, scope_id: int, *, today: dt.date, rules: RuleSet,
              limit: int = 500) -> list[dict[str, Any]]:
    """The work list of a team or officer: actionable items first, overdue first by how much,
    then due soonest; then the 已无法处理/需核实 items (`stale`), most recent first."""
    items = _items(session, scope, scope_id, today, rules)
    order_days = case((items.c.stale == 1, -items.c.days_left), else_=items.c.days_left)
    stmt = (
        select(items, Officer.name.label("officer"))
        .outerjoin(Officer, Officer.id == items.c.officer_id)
        .order_by(items.c.stale, order_days, items.c.deadline, _rank(items.c.kind), items.c.case_id,
                  items.c.item_id)
        .limit(limit)
    )
    names = {r.key: r.name for r in rules.nodes}
    out = []
    for row in session.execute(stmt):
        kind = WORK_KINDS[row.kind]
        out.append({
            "kind": row.kind, "kind_label": kind.label, "item": _item_text(row, names), "action": kind.action,
            "case_id": row.case_id, "case_number": row.case_number or "", "officer_id": row.officer_id,
            "officer": row.officer or "", "node_key": row.ref if row.kind in ("node", "renewal") else None,
            "item_id": row.item_id, "deadline": row.deadline, "days_left": int(row.days_left),
            "amount": row.amount, "waiting_days": None if row.waiting is None else int(row.waiting),
            "status": row.status, "status_text": _status_text(row), "tone": _tone(row),
            "stale": bool(row.stale),
        })
    return out
