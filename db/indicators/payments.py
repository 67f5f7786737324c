"""Measures outside `cases`: 案款 (payments) and 员额法官 (officers), grouped like cases.

Each payment row carries its case's holder and category (court_id, team_id, officer_id,
category: copies kept by database triggers, migration 0005_case_rollups), so the pass reads
`payments` alone; joining `cases` cost more than a full scan of the case table."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import partial
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.buckets import SqlOps
from db.indicators.dialect import cents, noindex
from db.indicators.grouping import choice_key, grouped_sums
from db.indicators.period import Period
from db.indicators.registry import split_measure
from db.indicators.settings import IndicatorSettings
from db.indicators.sql import Need, holder_keys, holders_in, team_in
from db.models import Case, Officer, Payment
from db.sqldates import days_between

PAYMENTS = Payment.__table__
P = PAYMENTS.c
O = Officer.__table__.c  # noqa: E741
PAYMENT_LEVELS = {"court": P.court_id, "team": P.team_id, "officer": P.officer_id}
OFFICER_LEVELS = {"court": O.court_id, "team": O.team_id, "officer": O.id}


def _payment_days() -> ColumnElement[int]:
    return days_between(P.received_on, P.paid_out_on)


def _paid(p: Period, o: Any) -> Any:
    return o.between("paid", p.start, p.end)


def _unpaid_at_end(p: Period, o: Any) -> Any:
    return o.all(o.le("received", p.end), o.null_or_gt("paid", p.end))


# Payment rows per period, written against buckets.Ops like the case filters (sql.py).
# 应发放 counts money unpaid at the end that arrived more than `limit` days before it
# (end − received > limit, i.e. received before end − limit).
PaymentFilter = Callable[[Period, int, Any], Any]
PAYMENT_FILTERS: dict[str, PaymentFilter] = {
    "payments_paid": lambda p, _, o: _paid(p, o),
    "payments_timely": lambda p, _, o: _paid(p, o),
    "payments_due": lambda p, limit, o: o.any(_paid(p, o), o.all(
        _unpaid_at_end(p, o), o.lt("received", p.end - dt.timedelta(days=limit)))),
    "payments_pending": lambda p, _, o: _unpaid_at_end(p, o),
    # paid out by the end, maybe only in part: the unpaid remainder is still 待发放 (below)
    "payments_short": lambda p, _, o: o.le("paid", p.end),
}
PAYMENT_DATES = {"received": P.received_on, "paid": P.paid_out_on}
PAYMENT_OPS = SqlOps(PAYMENT_DATES)
# Per-payment conditions that do not depend on the period.
PAYMENT_FLAGS: dict[str, Callable[[int], ColumnElement[bool]]] = {
    "payments_timely": lambda limit: _payment_days() <= limit,
}
def _short() -> ColumnElement[bool]:
    """Paid out for less than was received (paid_amount < amount)."""
    return and_(P.paid_amount.is_not(None), P.paid_amount < P.amount)


PAYMENT_VALUES: dict[str, Callable[[], ColumnElement[Any]]] = {
    "days": lambda: func.coalesce(_payment_days(), 0),
    "amount": lambda: cents(P.amount),
    # of a partly paid receipt: 1, and its unpaid remainder in cents (0 for the others)
    "short": lambda: case((_short(), 1), else_=0),
    "remainder": lambda: case((_short(), cents(P.amount) - cents(P.paid_amount)), else_=0),
}
# 待发放 (payments_pending) = received and unpaid at the end, plus the unpaid remainder of
# receipts paid out in part by the end: (count, amount) of the second part come from these.
SHORT_PARTS: dict[str | None, str] = {None: "short", "amount": "remainder"}


def _rows_condition(rows: str, p: Period, limit: int) -> Any:
    condition = PAYMENT_FILTERS[rows](p, limit, PAYMENT_OPS)
    return and_(condition, PAYMENT_FLAGS[rows](limit)) if rows in PAYMENT_FLAGS else condition


def payment_condition(need: Need, p: Period, settings: IndicatorSettings) -> Any:
    rows, _ = split_measure(need.measure)
    condition = _rows_condition(rows, p, settings.payment_limit_days)
    if rows == "payments_pending":
        condition = or_(condition, and_(_rows_condition("payments_short", p, 0), _short()))
    return and_(P.category.in_(need.categories), condition)


def payment_value(measure: str, p: Period | None = None) -> ColumnElement[Any]:
    """A row's value; 待发放 amounts of a period are the remainder of rows paid out by its end."""
    rows, value = split_measure(measure)
    if rows == "payments_pending" and value == "amount" and p is not None:
        return case((P.paid_out_on <= p.end, PAYMENT_VALUES["remainder"]()),
                    else_=PAYMENT_VALUES["amount"]())
    return literal(1) if value is None else PAYMENT_VALUES[value]()


def payment_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
    teams: Collection[int | None] | None = None,
    cases_where: ColumnElement[bool] | None = None,
    officer_courts: Collection[int] | None = None,
    holders: Mapping[str, Collection[int]] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): sum}} over payments.

    `teams`: only the payments of the listed teams (None: no team), as in sql.case_sums.
    `holders`: only the groups of these entities (sql.holders_in; per scope, ids).
    `cases_where` (a condition on `cases`): only payments of those cases.
    `officer_courts`: grouped by officer only in these courts (sql.holder_keys).

    One grouped pass (grouping.py) sums per (holder, case category) for every (period,
    payment filter); the categories of each need are added up here.
    """
    if not needs:
        return {}
    limit = settings.payment_limit_days
    rows_of = {n: split_measure(n.measure)[0] for n in needs}
    sums_of = {n: (r if r in PAYMENT_FLAGS else None, split_measure(n.measure)[1])
               for n, r in rows_of.items()}
    short_of = {n: SHORT_PARTS[split_measure(n.measure)[1]] for n, r in rows_of.items()
                if r == "payments_pending" and split_measure(n.measure)[1] in SHORT_PARTS}
    sums = sorted(set(sums_of.values()) | {(None, v) for v in short_of.values()},
                  key=lambda c: (c[0] or "", c[1] or ""))
    column_of = {n: sums.index(c) for n, c in sums_of.items()}
    short_column = {n: sums.index((None, v)) for n, v in short_of.items()}
    wanted: dict[Any, set[int]] = {}
    for n, rows in rows_of.items():
        for i in range(len(periods)):
            wanted.setdefault((i, rows), set()).add(column_of[n])
            if n in short_column:
                wanted.setdefault((i, "payments_short"), set()).add(short_column[n])
    filter_rows = set(rows_of.values()) | ({"payments_short"} if short_of else set())
    categories = sorted({c for n in needs for c in n.categories})
    grouped = grouped_sums(
        session, select_from=PAYMENTS,
        keys=[*holder_keys(session, scope, PAYMENT_LEVELS, officer_courts=officer_courts),
              choice_key(noindex(P.category), categories)],
        dates=PAYMENT_DATES, wanted=wanted,
        filters={(i, rows): partial(PAYMENT_FILTERS[rows], p, limit)
                 for i, p in enumerate(periods) for rows in filter_rows},
        values=[_value(PAYMENT_FLAGS[f](limit) if f else None, v) for f, v in sums],
        where=[*_where(periods, categories, scope, ids), *team_in(P.team_id, teams),
               *holders_in(PAYMENT_LEVELS, holders),
               *([] if cases_where is None else [of_cases(cases_where)])],
    )
    out: dict[tuple[Any, ...], dict[tuple[int, Need], int]] = {}
    for (*holder, category), by_filter in grouped.items():
        target = out.setdefault(tuple(holder), {})
        for need in needs:
            if category not in need.categories:
                continue
            rows, j = rows_of[need], column_of[need]
            for i in range(len(periods)):
                found = by_filter.get((i, rows))
                if found is not None:
                    target[(i, need)] = target.get((i, need), 0) + found[j]
                short = by_filter.get((i, "payments_short")) if need in short_column else None
                if short is not None:
                    target[(i, need)] = target.get((i, need), 0) + short[short_column[need]]
    return out



def of_cases(cases_where: ColumnElement[bool]) -> ColumnElement[bool]:
    """Payments of the cases that meet a condition on `cases` (a subquery on case ids)."""
    return P.case_id.in_(select(Case.id).where(cases_where).correlate(None))


def _value(flag: ColumnElement[bool] | None, value: str | None) -> Any:
    then = literal(1) if value is None else PAYMENT_VALUES[value]()
    return then if flag is None else case((flag, then), else_=0)


def _where(periods: Sequence[Period], categories: Sequence[str], scope: str | None,
           ids: Sequence[int] | None) -> list[Any]:
    """Payments that can count in any period (prunes the scan; the test that rejects most
    rows first, as sql.window)."""
    where = [
        or_(P.paid_out_on.is_(None), noindex(P.paid_out_on) >= min(p.start for p in periods)),
        noindex(P.received_on) <= max(p.end for p in periods),
        noindex(P.category).in_(categories),
    ]
    if scope is not None and ids is not None:
        where.append(noindex(PAYMENT_LEVELS[scope]).in_(list(ids)))  # a full scan, as above
    return where


def judge_condition() -> ColumnElement[bool]:
    """员额法官: an active officer whose role is judge."""
    return and_(O.active.is_(True), O.role == "judge")


def officer_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    scope: str | None = None, ids: Sequence[int] | None = None,
    teams: Collection[int | None] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): 1}} for each 员额法官."""
    if not needs:
        return {}
    where = [judge_condition(), *team_in(O.team_id, teams)]
    if scope is not None and ids is not None:
        where.append(OFFICER_LEVELS[scope].in_(list(ids)))
    stmt = select(O.court_id, O.team_id, O.id, func.count()).where(*where).group_by(
        O.court_id, O.team_id, O.id
    )
    return {
        tuple(row[:3]): {(i, n): int(row[3]) for i in range(len(periods)) for n in needs}
        for row in session.execute(stmt)
    }
