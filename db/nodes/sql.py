"""Node statuses for all cases at once: one set-based SELECT per rule, joined by UNION ALL.

Every rule becomes rows (case, node, item, start, deadline, done, status, days_left), where
days_left = deadline − (done date, or today): positive means days left (or finished early),
negative means days over. No Python loop touches individual cases.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
    values,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import ColumnElement, Subquery, column

from db.models import Case, CaseEvent, CaseExtension, CasePause, Payment
from db.nodes.dates import add_days, as_date, days_between, local_day, months
from db.nodes.rules import NodeRule, RuleSet


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    rank: int  # sort order in action lists: most urgent first


STATUSES: dict[str, Status] = {
    s.key: s
    for s in (
        Status("overdue", "超期未完成", 0),
        Status("due_soon", "临期", 1),
        Status("not_due", "未到期", 2),
        Status("done_late", "超期完成", 3),
        Status("done_on_time", "按期完成", 4),
    )
}


@dataclass(frozen=True)
class NodeFilter:
    """Optional narrowing of the cases whose nodes are computed."""

    case_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    officer_ids: tuple[int, ...] = ()
    court_ids: tuple[int, ...] = ()
    nodes: tuple[str, ...] = ()
    # Skip cases closed before this day (except for rules that watch closed cases).
    active_since: dt.date | None = None


@dataclass(frozen=True)
class _Ctx:
    rules: RuleSet
    today: dt.date
    filters: NodeFilter
    first_day: dt.date | None  # earliest start day a working-day map must cover


_CASE_COLS = ("team_id", "officer_id", "court_id", "closed_on", "closing_method", "non_litigation")


def _case_columns() -> list[ColumnElement[Any]]:
    return [Case.id.label("case_id")] + [getattr(Case, c).label(c) for c in _CASE_COLS]


def _case_conditions(rule: NodeRule, ctx: _Ctx) -> list[ColumnElement[bool]]:
    f = ctx.filters
    conds = [Case.category.in_(rule.categories), Case.filed_on <= ctx.today]
    optional = (
        (rule.case_types, Case.type_code),
        (f.case_ids, Case.id),
        (f.team_ids, Case.team_id),
        (f.officer_ids, Case.officer_id),
        (f.court_ids, Case.court_id),
    )
    conds += [col.in_(vals) for vals, col in optional if vals]
    if f.active_since and not rule.after_closing:
        conds.append(or_(Case.closed_on.is_(None), Case.closed_on >= f.active_since))
    return conds


def _event_day(event: Any, ctx: _Ctx) -> ColumnElement[Any]:
    return local_day(event.occurred_at, ctx.rules.utc_offset_minutes)


def _blank(name: str, type_: Any) -> ColumnElement[Any]:
    return cast(null(), type_).label(name)


def _event_rule(rule: NodeRule, ctx: _Ctx) -> Select[Any]:
    """Start at a case date or the first start event; done at the first done event after it.

    The first done event comes from a join + GROUP BY on the case id alone (not a correlated
    subquery): the aggregate is computed once (never inlined into each later reference) and
    PostgreSQL can hash-join it; the case columns are joined back by primary key.
    """
    if rule.starts_on_case_date:
        cols = [getattr(Case, name) for name in rule.start]
        start = cols[0] if len(cols) == 1 else func.coalesce(*cols)
        done = _first_done(rule, ctx, Case.__table__, Case.id, start, _case_conditions(rule, ctx))
        source: Any = Case.__table__.join(done, done.c.case_id == Case.id)
    else:
        first = _first_events(rule.start, ctx)
        start = first.c.start_on
        done = _first_done(rule, ctx, first, first.c.case_id, start, [])
        source = Case.__table__.join(first, first.c.case_id == Case.id).join(
            done, done.c.case_id == Case.id
        )
    return (
        select(*_case_columns(), _blank("item_id", Integer), start.label("start_on"),
               done.c.done_on, literal(0).label("shift"), _blank("deadline_raw", Date))
        .select_from(source)
        .where(*_case_conditions(rule, ctx))
    )


def _first_done(
    rule: NodeRule, ctx: _Ctx, source: Any, case_id: Any, start: Any, conds: list[Any]
) -> Subquery:
    """Per case: the local day of its first `done` event in [start, today] (NULL if none)."""
    ev = aliased(CaseEvent)
    day = _event_day(ev, ctx)
    joined = and_(ev.case_id == case_id, ev.kind.in_(rule.done), day >= start, day <= ctx.today)
    return (
        select(case_id.label("case_id"), func.min(day).label("done_on"))
        .select_from(source)
        .outerjoin(ev, joined)
        .where(*conds)
        .group_by(case_id)
        .subquery()
    )


def _first_events(kinds: Iterable[str], ctx: _Ctx) -> Subquery:
    ev = aliased(CaseEvent)
    day = _event_day(ev, ctx)
    return (
        select(ev.case_id.label("case_id"), func.min(day).label("start_on"))
        .where(ev.kind.in_(tuple(kinds)), day <= ctx.today)
        .group_by(ev.case_id)
        .subquery()
    )


def _term_rule(rule: NodeRule, ctx: _Ctx) -> Select[Any]:
    """执行期限: from 立案, minus pauses (to their end or today), plus approved extensions."""
    today = ctx.today
    pause_end = case((CasePause.ended_on <= today, CasePause.ended_on), else_=literal(today, Date))
    pauses = (
        select(CasePause.case_id, func.sum(days_between(pause_end, CasePause.started_on)).label("d"))
        .where(CasePause.started_on <= today)
        .group_by(CasePause.case_id)
        .subquery()
    )
    extensions = (
        select(CaseExtension.case_id, func.sum(CaseExtension.days).label("d"))
        .where(CaseExtension.approved_on <= today)
        .group_by(CaseExtension.case_id)
        .subquery()
    )
    shift = func.coalesce(pauses.c.d, 0) + func.coalesce(extensions.c.d, 0)
    return (
        select(*_case_columns(), _blank("item_id", Integer), Case.filed_on.label("start_on"),
               case((Case.closed_on <= today, Case.closed_on)).label("done_on"),
               shift.label("shift"), _blank("deadline_raw", Date))
        .outerjoin(pauses, pauses.c.case_id == Case.id)
        .outerjoin(extensions, extensions.c.case_id == Case.id)
        .where(*_case_conditions(rule, ctx))
    )


def _payment_rule(rule: NodeRule, ctx: _Ctx) -> Select[Any]:
    """案款: each receipt must be paid out within the limit."""
    paid = case((Payment.paid_out_on <= ctx.today, Payment.paid_out_on))
    return (
        select(*_case_columns(), Payment.id.label("item_id"),
               Payment.received_on.label("start_on"), paid.label("done_on"),
               literal(0).label("shift"), _blank("deadline_raw", Date))
        .join(Case, Case.id == Payment.case_id)
        .where(*_case_conditions(rule, ctx), Payment.received_on <= ctx.today)
    )


def _expiry_rule(rule: NodeRule, ctx: _Ctx) -> Select[Any]:
    """续封: each seizure/freeze must be renewed or released before it expires."""
    measure, follow = aliased(CaseEvent), aliased(CaseEvent)
    follow_day = _event_day(follow, ctx)
    joined = and_(
        follow.case_id == measure.case_id,
        follow.kind.in_(rule.done),
        follow.occurred_at > measure.occurred_at,
        follow.id != measure.id,
        follow_day <= ctx.today,
    )
    start = _event_day(measure, ctx)
    done = (
        select(measure.id.label("event_id"), func.min(follow_day).label("done_on"))
        .select_from(measure)
        .outerjoin(follow, joined)
        .where(measure.kind.in_(rule.start), measure.expires_on.isnot(None), start <= ctx.today)
        .group_by(measure.id)
        .subquery()
    )
    item = aliased(CaseEvent)
    return (
        select(*_case_columns(), item.id.label("item_id"),
               _event_day(item, ctx).label("start_on"), done.c.done_on,
               literal(0).label("shift"), item.expires_on.label("deadline_raw"))
        .select_from(Case)
        .join(item, item.case_id == Case.id)
        .join(done, done.c.event_id == item.id)
        .where(*_case_conditions(rule, ctx))
    )


BUILDERS: dict[str, Callable[[NodeRule, _Ctx], Select[Any]]] = {
    "event": _event_rule,
    "term": _term_rule,
    "payment": _payment_rule,
    "expiry": _expiry_rule,
}


def _add_limit(rule: NodeRule, start: Any, n: int) -> ColumnElement[Any]:
    return months(start, n) if rule.unit == "months" else add_days(start, literal(n))


def _deadline(rule: NodeRule, inner: Subquery, ctx: _Ctx) -> tuple[ColumnElement[Any], Any]:
    """The deadline expression and the FROM clause it needs."""
    if rule.kind == "expiry":
        return inner.c.deadline_raw, inner
    if rule.unit == "workdays":
        first = ctx.first_day or ctx.today
        pairs = ctx.rules.calendar.deadline_map(first, ctx.today, rule.limit)
        wd = values(column("d", Date), column("dl", Date), name=f"wd_{rule.key}").data(pairs)
        cte = wd.cte(f"wd_{rule.key}")
        return as_date(cte.c.dl), inner.join(cte, cte.c.d == inner.c.start_on)
    base = _add_limit(rule, inner.c.start_on, rule.limit)
    if rule.limit_non_litigation is not None:
        other = _add_limit(rule, inner.c.start_on, rule.limit_non_litigation)
        base = case((inner.c.non_litigation == true(), other), else_=base)
    if rule.kind == "term":
        base = add_days(base, inner.c.shift)
    return base, inner


def _rule_rows(rule: NodeRule, ctx: _Ctx) -> Select[Any]:
    """Uniform rows for one rule, with its status and days left."""
    inner = BUILDERS[rule.kind](rule, ctx).subquery(f"n_{rule.key}")
    deadline, from_ = _deadline(rule, inner, ctx)
    staged = select(inner, deadline.label("deadline")).select_from(from_).subquery(f"d_{rule.key}")
    keep_closed = _keep_closed(rule, staged)
    return select(
        staged.c.case_id, staged.c.team_id, staged.c.officer_id, staged.c.court_id,
        literal(rule.key).label("node"), staged.c.item_id, staged.c.start_on,
        staged.c.deadline, staged.c.done_on,
        _status(staged, ctx.today, rule.warn).label("status"),
        days_between(staged.c.deadline, func.coalesce(staged.c.done_on, literal(ctx.today, Date)))
        .label("days_left"),
    ).where(
        staged.c.start_on <= ctx.today,
        staged.c.deadline.isnot(None),
        or_(staged.c.done_on.isnot(None), staged.c.closed_on.is_(None),
            staged.c.closed_on > ctx.today, keep_closed),
    )


def _keep_closed(rule: NodeRule, staged: Subquery) -> ColumnElement[bool]:
    """Whether an unfinished node of a closed case still counts (案款, 终本 cases' 续封)."""
    if not rule.after_closing:
        return false()
    if rule.after_closing_methods:
        return staged.c.closing_method.in_(rule.after_closing_methods)
    return true()


def _status(staged: Subquery, today: dt.date, warn: int) -> ColumnElement[str]:
    c = staged.c
    return case(
        (and_(c.done_on.isnot(None), c.done_on <= c.deadline), literal("done_on_time")),
        (c.done_on.isnot(None), literal("done_late")),
        (c.deadline < literal(today, Date), literal("overdue")),
        (days_between(c.deadline, literal(today, Date)) <= warn, literal("due_soon")),
        else_=literal("not_due"),
    )


def _first_day(session: Session, rules: RuleSet) -> dt.date | None:
    """Earliest start a working-day map must cover (only queried when a rule needs it)."""
    if not any(r.unit == "workdays" for r in rules.nodes):
        return None
    row = session.execute(
        select(func.min(Case.received_on), func.min(Case.filed_on))
    ).one()
    paid = session.execute(select(func.min(Payment.received_on))).scalar()
    found = [d for d in (*row, paid) if d is not None]
    return min(found) - dt.timedelta(days=31) if found else None


def node_rows(
    session: Session, rules: RuleSet, today: dt.date, filters: NodeFilter | None = None
) -> Subquery:
    """A subquery with one row per (case, node, item) and its status, for all rules."""
    filters = filters or NodeFilter()
    ctx = _Ctx(rules, today, filters, _first_day(session, rules))
    chosen = [r for r in rules.nodes if not filters.nodes or r.key in filters.nodes]
    if not chosen:
        return select(*_empty_columns()).where(false()).subquery("node_rows")
    return union_all(*[_rule_rows(rule, ctx) for rule in chosen]).subquery("node_rows")


def _empty_columns() -> list[ColumnElement[Any]]:
    names = ("case_id", "team_id", "officer_id", "court_id")
    return [
        *[_blank(n, Integer) for n in names], literal("").label("node"), _blank("item_id", Integer),
        _blank("start_on", Date), _blank("deadline", Date), _blank("done_on", Date),
        literal("").label("status"), _blank("days_left", Integer),
    ]


__all__ = ["STATUSES", "NodeFilter", "Status", "node_rows"]
