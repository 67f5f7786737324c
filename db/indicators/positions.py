"""case_sums for one period and its comparison: group cases by where their dates fall.

Per period, each case gets a small position code: filed before / in / after the period,
closed before / in / after / not at all, filed before the 超12个月 cutoff, and (once) whether
it closed within its legal limit. SQL groups by holder, category, 结案方式 and these codes
with count(*) and value sums; every base filter of sql.BASE_FILTERS is then a predicate on
the codes (POSITION_TESTS), so far fewer expressions run per case row.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.dialect import noindex
from db.indicators.period import Period
from db.indicators.registry import split_measure
from db.indicators.settings import IndicatorSettings
from db.indicators.sql import (
    CASES,
    GROUPS,
    LEVEL_COLUMNS,
    ROW_SPECS,
    VALUES,
    C,
    CaseContext,
    Need,
    long_pending_cutoff,
    needs_limits,
    window,
    within_limit_test,
)

BEFORE, IN, AFTER, OPEN = 0, 1, 2, 3


def _n(value: int) -> ColumnElement[int]:
    """An integer written into the SQL (not a bind parameter): same text in GROUP BY."""
    return literal_column(str(int(value)))


def _filed_position(p: Period) -> ColumnElement[int]:
    return case((C.filed_on < p.start, _n(BEFORE)), (C.filed_on <= p.end, _n(IN)), else_=_n(AFTER))


def _closed_position(p: Period) -> ColumnElement[int]:
    return case(
        (C.closed_on.is_(None), _n(OPEN)), (C.closed_on < p.start, _n(BEFORE)),
        (C.closed_on <= p.end, _n(IN)), else_=_n(AFTER),
    )


def _position(p: Period, settings: IndicatorSettings) -> ColumnElement[int]:
    """(filed position × 4 + closed position) × 2 + filed before the long-pending cutoff."""
    old = case((C.filed_on < long_pending_cutoff(p, settings), _n(1)), else_=_n(0))
    return (_filed_position(p) * _n(4) + _closed_position(p)) * _n(2) + old


def _within(periods: Sequence[Period], ctx: CaseContext) -> ColumnElement[int]:
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    closed = C.closed_on.between(first, last)
    return case((and_(closed, within_limit_test(ctx)), _n(1)), else_=_n(0))


Test = Callable[[int, int, int, int], bool]  # filed position, closed position, old, within
POSITION_TESTS: dict[str, Test] = {
    "accepted": lambda f, c, _o, _w: f <= IN and c != BEFORE,
    "carried": lambda f, c, _o, _w: f == BEFORE and c != BEFORE,
    "new": lambda f, _c, _o, _w: f == IN,
    "closed": lambda _f, c, _o, _w: c == IN,
    "pending": lambda f, c, _o, _w: f <= IN and c in (AFTER, OPEN),
    "within_limit": lambda _f, c, _o, w: c == IN and w == 1,
    "long_pending": lambda f, c, o, _w: f <= IN and c in (AFTER, OPEN) and o == 1,
}


def _statement(
    periods: Sequence[Period], needs: Sequence[Need], settings: IndicatorSettings,
    values: list[str], with_limits: bool, scope: str | None, ids: Sequence[int] | None,
) -> Any:
    ctx = CaseContext(settings, periods)
    keys = [noindex(col) for col in GROUPS]
    keys += [_position(p, settings) for p in periods]
    if with_limits:
        keys.append(_within(periods, ctx))
    sums = [func.count()] + [func.sum(VALUES[v](ctx)) for v in values]
    where = [window(periods, {c for n in needs for c in n.categories})]
    if scope is not None and ids is not None:
        where.append(LEVEL_COLUMNS[scope].in_(list(ids)))
    source = ctx.joined(CASES, with_limits)
    labelled = [k.label(f"k{i}") for i, k in enumerate(keys)]
    return select(*labelled, *sums).select_from(source).where(*where).group_by(*labelled)


def position_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): sum}} (see module docstring)."""
    values = sorted({v for n in needs if (v := split_measure(n.measure)[1])})
    with_limits = needs_limits([n.measure for n in needs])
    stmt = _statement(periods, needs, settings, values, with_limits, scope, ids)
    n = len(periods)
    plans = [_plan(need) for need in needs]
    first_sum = 5 + n + (1 if with_limits else 0)
    raw: dict[tuple[Any, ...], dict[tuple[int, int], int]] = {}
    for row in session.execute(stmt):
        within = int(row[5 + n]) if with_limits else 0
        codes = [int(code) for code in row[5:5 + n]]
        spots = [(i, c // 8, (c // 2) % 4, c % 2) for i, c in enumerate(codes)]
        totals = dict(zip(["", *values], row[first_sum:], strict=True))
        sums = raw.setdefault(tuple(row[:3]), {})
        for j, (test, categories, methods, value) in enumerate(plans):
            if row[3] not in categories or (methods is not None and row[4] not in methods):
                continue
            add = int(totals[value] or 0)
            for i, filed, closed, old in spots:
                if add and test(filed, closed, old, within):
                    sums[(i, j)] = sums.get((i, j), 0) + add
    return {
        group: {(i, needs[j]): v for (i, j), v in sums.items()} for group, sums in raw.items()
    }


def _plan(need: Need) -> tuple[Test, frozenset[str], tuple[str, ...] | None, str]:
    rows, value = split_measure(need.measure)
    base, methods = ROW_SPECS[rows]
    return POSITION_TESTS[base], frozenset(need.categories), methods, value or ""
