"""Node statuses for all cases at once: one set-based SELECT per rule, joined by UNION ALL.

Every rule becomes rows (case, node, item, start, deadline, done, status, days_left), where
days_left = deadline − (done date, or today): positive means days left (or finished early),
negative means days over. No Python loop touches individual cases.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, Subquery, column

from db.models import Case, Payment
from db.nodes.builders import BUILDERS, Ctx, NodeFilter, blank, case_date_pass
from db.nodes.rules import NodeRule, RuleSet
from db.sqldates import add_days, as_date, datediff, months


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


# Where the event rules that start on a case date read one shared pass (builders.case_date_pass):
# PostgreSQL and SQLite compute a CTE read several times once; MariaDB merges it into each reader,
# so there the wider shared pass only costs (bench/nodes.py at 100,000 cases, 6 December: shared /
# per rule 0.88 on PostgreSQL, 0.95 on SQLite, 1.10 on MariaDB).
SHARED_PASS_DIALECTS = frozenset({"postgresql", "sqlite"})


def _add_limit(rule: NodeRule, start: Any, n: int) -> ColumnElement[Any]:
    return months(start, n) if rule.unit == "months" else add_days(start, literal(n))


def _deadline(rule: NodeRule, inner: Subquery, ctx: Ctx) -> tuple[ColumnElement[Any], Any]:
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


def _rule_rows(rule: NodeRule, ctx: Ctx) -> Select[Any]:
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
        datediff(staged.c.deadline, func.coalesce(staged.c.done_on, literal(ctx.today, Date)))
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
        (datediff(c.deadline, literal(today, Date)) <= warn, literal("due_soon")),
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
    ctx = Ctx(rules, today, filters, _first_day(session, rules))
    chosen = [r for r in rules.nodes if not filters.nodes or r.key in filters.nodes]
    if not chosen:
        return select(*_empty_columns()).where(false()).subquery("node_rows")
    if session.get_bind().dialect.name in SHARED_PASS_DIALECTS:
        ctx = replace(ctx, case_dates=case_date_pass(chosen, ctx))
    return union_all(*[_rule_rows(rule, ctx) for rule in chosen]).subquery("node_rows")


def _empty_columns() -> list[ColumnElement[Any]]:
    names = ("case_id", "team_id", "officer_id", "court_id")
    return [
        *[blank(n, Integer) for n in names], literal("").label("node"), blank("item_id", Integer),
        blank("start_on", Date), blank("deadline", Date), blank("done_on", Date),
        literal("").label("status"), blank("days_left", Integer),
    ]


__all__ = ["STATUSES", "NodeFilter", "Status", "node_rows"]
