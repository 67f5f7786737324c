"""Set-based SQL over `cases`: row filters per counting.md and the grouped aggregate.

One SELECT computes every needed measure for every period as SUM(CASE WHEN … THEN …)
columns, grouped by (court, team, officer); engine.py rolls the groups up to a scope.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FromClause

from db.indicators.dialect import cents, noindex
from db.indicators.period import Period, shift_months
from db.indicators.registry import split_measure
from db.indicators.settings import IndicatorSettings
from db.models import Case, CaseExtension, CasePause
from db.sqldates import add_months, days_between
from db.vocab import CLOSING_METHODS

CASES = Case.__table__
C = CASES.c
GROUPS = (C.court_id, C.team_id, C.officer_id, C.category, C.closing_method)
LEVEL_COLUMNS = {"court": C.court_id, "team": C.team_id, "officer": C.officer_id}
COMPLETED = tuple(k for k, m in CLOSING_METHODS.items() if m.completed)
TERMINATED_THIS_ROUND = tuple(k for k, m in CLOSING_METHODS.items() if m.terminated_this_round)
ACTUAL = tuple(k for k, m in CLOSING_METHODS.items() if m.actual)


@dataclass(frozen=True)
class Need:
    """One measure over one set of case categories."""

    measure: str
    categories: tuple[str, ...]


class CaseContext:
    """Columns and joins the row filters need: pause and extension days per case."""

    def __init__(self, settings: IndicatorSettings, periods: Sequence[Period]) -> None:
        self.settings = settings
        first = min(p.start for p in periods)
        last = max(p.end for p in periods)
        self.pauses = _pause_days(first, last)
        self.extensions = _extension_days()
        self.pause_days = func.coalesce(self.pauses.c.days, 0)
        self.ext_days = func.coalesce(self.extensions.c.days, 0)

    def joined(self, base: FromClause, with_limits: bool) -> FromClause:
        """Return `base` outer-joined to the pause/extension sums when they are needed."""
        if not with_limits:
            return base
        return base.outerjoin(self.pauses, self.pauses.c.case_id == C.id).outerjoin(
            self.extensions, self.extensions.c.case_id == C.id
        )


def _pause_days(first: Any, last: Any) -> Any:
    """Sum of paused days per case closed in [first, last], cut off at the closing date."""
    p = CasePause.__table__.c
    stop = case(
        (or_(p.ended_on.is_(None), p.ended_on > C.closed_on), C.closed_on), else_=p.ended_on
    )
    return (
        select(p.case_id, func.sum(days_between(p.started_on, stop)).label("days"))
        .join(CASES, C.id == p.case_id)
        .where(C.closed_on.between(first, last), p.started_on <= C.closed_on)
        .group_by(p.case_id)
        .subquery("pause_days")
    )


def _extension_days() -> Any:
    e = CaseExtension.__table__.c
    return select(e.case_id, func.sum(e.days).label("days")).group_by(e.case_id).subquery(
        "extension_days"
    )


def _closed(p: Period) -> ColumnElement[bool]:
    return C.closed_on.between(p.start, p.end)


def _limit_days(months: int) -> ColumnElement[int]:
    return days_between(C.filed_on, add_months(C.filed_on, months))


def within_limit_test(ctx: CaseContext) -> ColumnElement[bool]:
    """A closed case took no longer than its legal limit (pauses out, extensions in)."""
    s = ctx.settings
    limit = case(
        (C.non_litigation.is_(True), _limit_days(s.non_litigation_limit_months)),
        else_=_limit_days(s.legal_limit_months),
    )
    net = days_between(C.filed_on, C.closed_on) - ctx.pause_days
    return net <= limit + ctx.ext_days


def _within_limit(p: Period, ctx: CaseContext) -> ColumnElement[bool]:
    return and_(_closed(p), within_limit_test(ctx))


def _pending(p: Period) -> ColumnElement[bool]:
    return and_(C.filed_on <= p.end, or_(C.closed_on.is_(None), C.closed_on > p.end))


def long_pending_cutoff(p: Period, settings: IndicatorSettings) -> Any:
    """Cases filed before this day and open at the end are 超12个月未结."""
    return shift_months(p.end, -settings.long_pending_months)


def _long_pending(p: Period, ctx: CaseContext) -> ColumnElement[bool]:
    return and_(_pending(p), C.filed_on < long_pending_cutoff(p, ctx.settings))


BaseFilter = Callable[[Period, CaseContext], ColumnElement[bool]]
BASE_FILTERS: dict[str, BaseFilter] = {
    "accepted": lambda p, _: and_(
        C.filed_on <= p.end, or_(C.closed_on.is_(None), C.closed_on >= p.start)
    ),
    "carried": lambda p, _: and_(
        C.filed_on < p.start, or_(C.closed_on.is_(None), C.closed_on >= p.start)
    ),
    "new": lambda p, _: C.filed_on.between(p.start, p.end),
    "closed": lambda p, _: _closed(p),
    "pending": lambda p, _: _pending(p),
    "within_limit": _within_limit,
    "long_pending": _long_pending,
}
# Each row set is a base filter, optionally narrowed to some closing methods (结案方式).
ROW_SPECS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    **{base: (base, None) for base in BASE_FILTERS},
    "completed": ("closed", COMPLETED),
    "terminated_this_round": ("closed", TERMINATED_THIS_ROUND),
    "terminated": ("closed", ("terminated",)),
    "actual": ("closed", ACTUAL),
    "preservation_done": ("closed", ("preservation_done",)),
}
VALUES: dict[str, Callable[[CaseContext], ColumnElement[Any]]] = {
    "days": lambda _: days_between(C.filed_on, C.closed_on),
    "days_net": lambda ctx: days_between(C.filed_on, C.closed_on) - ctx.pause_days,
    "target_amount": lambda _: cents(C.target_amount),
    "recovered_amount": lambda _: cents(C.recovered_amount),
}
LIMIT_ROWS = frozenset({"within_limit"})


def needs_limits(measures: Sequence[str]) -> bool:
    """Whether any measure needs the pause/extension joins."""
    return any(
        split_measure(m)[0] in LIMIT_ROWS or split_measure(m)[1] == "days_net" for m in measures
    )


def row_condition(rows: str, p: Period, ctx: CaseContext) -> ColumnElement[bool]:
    """The rows of a measure in a period: base filter and closing methods."""
    base, methods = ROW_SPECS[rows]
    condition = BASE_FILTERS[base](p, ctx)
    if methods is None:
        return condition
    return and_(condition, C.closing_method.in_(methods)) if methods else false()


def case_condition(need: Need, p: Period, ctx: CaseContext) -> ColumnElement[bool]:
    """The WHERE condition of one measure (explain): its rows, in its categories."""
    rows, _ = split_measure(need.measure)
    return and_(C.category.in_(need.categories), row_condition(rows, p, ctx))


def value_expression(measure: str, ctx: CaseContext) -> ColumnElement[Any]:
    _, value = split_measure(measure)
    return literal(1) if value is None else VALUES[value](ctx)


def window(periods: Sequence[Period], categories: set[str]) -> ColumnElement[bool]:
    """Cases that can belong to any measure of any period (prunes the scan)."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    # On SQLite an index range over most of the table is slower than one full scan.
    return and_(
        noindex(C.category).in_(sorted(categories)),
        noindex(C.filed_on) <= last,
        or_(C.closed_on.is_(None), noindex(C.closed_on) >= first),
    )


Column = tuple[int, str, str | None]  # (period index, base filter, value)


def _column(need: Need, index: int) -> Column:
    rows, value = split_measure(need.measure)
    return index, ROW_SPECS[rows][0], value


def _sum_column(col: Column, periods: Sequence[Period], ctx: CaseContext, label: str) -> Any:
    index, base, value = col
    then = literal(1) if value is None else VALUES[value](ctx)
    return func.sum(case((BASE_FILTERS[base](periods[index], ctx), then), else_=0)).label(label)


def _matches(need: Need, category: str, method: str | None) -> bool:
    methods = ROW_SPECS[split_measure(need.measure)[0]][1]
    return category in need.categories and (methods is None or method in methods)


def case_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): sum}} from one grouped query.

    SQL sums each (period, base filter, value) per (holder, category, 结案方式); adding
    those few groups up per measure here keeps the per-row work small.
    """
    if not needs:
        return {}
    ctx = CaseContext(settings, periods)
    cols = sorted({_column(n, i) for i in range(len(periods)) for n in needs},
                  key=lambda c: (c[0], c[1], c[2] or ""))
    position = {col: j for j, col in enumerate(cols)}
    groups = [noindex(col) for col in GROUPS]  # grouping by an index means random reads
    where = [window(periods, {c for n in needs for c in n.categories})]
    if scope is not None and ids is not None:
        where.append(LEVEL_COLUMNS[scope].in_(list(ids)))
    source = ctx.joined(CASES, needs_limits([n.measure for n in needs]))
    stmt = (
        select(*groups, *(_sum_column(c, periods, ctx, f"m{j}") for j, c in enumerate(cols)))
        .select_from(source).where(*where).group_by(*groups)
    )
    out: dict[tuple[Any, ...], dict[tuple[int, Need], int]] = {}
    for row in session.execute(stmt):
        sums = out.setdefault(tuple(row[:3]), {})
        for need in needs:
            if not _matches(need, row[3], row[4]):
                continue
            for i in range(len(periods)):
                value = int(row[5 + position[_column(need, i)]] or 0)
                sums[(i, need)] = sums.get((i, need), 0) + value
    return out
