"""Measures outside `cases`: 案款 (payments) and 员额法官 (officers), grouped like cases."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.dialect import cents, noindex
from db.indicators.period import Period
from db.indicators.registry import split_measure
from db.indicators.settings import IndicatorSettings
from db.indicators.sql import CASES, LEVEL_COLUMNS, Need
from db.indicators.sql import C as CC
from db.models import Officer, Payment
from db.sqldates import days_between

PAYMENTS = Payment.__table__
P = PAYMENTS.c
O = Officer.__table__.c  # noqa: E741
OFFICER_LEVELS = {"court": O.court_id, "team": O.team_id, "officer": O.id}


def _paid(p: Period) -> ColumnElement[bool]:
    return P.paid_out_on.between(p.start, p.end)


def _payment_days() -> ColumnElement[int]:
    return days_between(P.received_on, P.paid_out_on)


def _overdue_at_end(p: Period, limit: int) -> ColumnElement[bool]:
    unpaid = or_(P.paid_out_on.is_(None), P.paid_out_on > p.end)
    return and_(P.received_on <= p.end, unpaid, days_between(P.received_on, p.end) > limit)


PaymentFilter = Callable[[Period, int], ColumnElement[bool]]
PAYMENT_FILTERS: dict[str, PaymentFilter] = {
    "payments_paid": lambda p, _: _paid(p),
    "payments_timely": lambda p, limit: and_(_paid(p), _payment_days() <= limit),
    "payments_due": lambda p, limit: or_(_paid(p), _overdue_at_end(p, limit)),
    "payments_pending": lambda p, _: and_(
        P.received_on <= p.end, or_(P.paid_out_on.is_(None), P.paid_out_on > p.end)),
}
PAYMENT_VALUES: dict[str, Callable[[], ColumnElement[Any]]] = {
    "days": lambda: func.coalesce(_payment_days(), 0),
    "amount": lambda: cents(P.amount),
}


def payment_condition(need: Need, p: Period, settings: IndicatorSettings) -> Any:
    rows, _ = split_measure(need.measure)
    return and_(
        CC.category.in_(need.categories), PAYMENT_FILTERS[rows](p, settings.payment_limit_days)
    )


def payment_value(measure: str) -> ColumnElement[Any]:
    _, value = split_measure(measure)
    return literal(1) if value is None else PAYMENT_VALUES[value]()


def _payment_column(measure: str, p: Period, settings: IndicatorSettings, label: str) -> Any:
    rows, _ = split_measure(measure)
    condition = PAYMENT_FILTERS[rows](p, settings.payment_limit_days)
    return func.sum(case((condition, payment_value(measure)), else_=0)).label(label)


def payment_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    settings: IndicatorSettings, scope: str | None = None, ids: Sequence[int] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): sum}} over payments.

    SQL sums each (period, measure) per (holder, case category); the categories of each
    need are added up here.
    """
    if not needs:
        return {}
    cols = sorted({(i, n.measure) for i in range(len(periods)) for n in needs})
    position = {col: j for j, col in enumerate(cols)}
    groups = [noindex(col) for col in (CC.court_id, CC.team_id, CC.officer_id, CC.category)]
    first = min(p.start for p in periods)
    where = [
        noindex(P.received_on) <= max(p.end for p in periods),
        or_(P.paid_out_on.is_(None), noindex(P.paid_out_on) >= first),
        noindex(CC.category).in_(sorted({c for n in needs for c in n.categories})),
    ]
    if scope is not None and ids is not None:
        where.append(LEVEL_COLUMNS[scope].in_(list(ids)))
    stmt = (
        select(*groups, *(_payment_column(m, periods[i], settings, f"m{j}")
                          for j, (i, m) in enumerate(cols)))
        .select_from(PAYMENTS.join(CASES, CC.id == P.case_id))
        .where(*where).group_by(*groups)
    )
    out: dict[tuple[Any, ...], dict[tuple[int, Need], int]] = {}
    for row in session.execute(stmt):
        sums = out.setdefault(tuple(row[:3]), {})
        for need in needs:
            if row[3] not in need.categories:
                continue
            for i in range(len(periods)):
                value = int(row[4 + position[(i, need.measure)]] or 0)
                sums[(i, need)] = sums.get((i, need), 0) + value
    return out


def judge_condition() -> ColumnElement[bool]:
    """员额法官: an active officer whose role is judge."""
    return and_(O.active.is_(True), O.role == "judge")


def officer_sums(
    session: Session, periods: Sequence[Period], needs: Sequence[Need],
    scope: str | None = None, ids: Sequence[int] | None = None,
) -> dict[tuple[Any, ...], dict[tuple[int, Need], int]]:
    """Return {(court, team, officer): {(period index, need): 1}} for each 员额法官."""
    if not needs:
        return {}
    where = [judge_condition()]
    if scope is not None and ids is not None:
        where.append(OFFICER_LEVELS[scope].in_(list(ids)))
    stmt = select(O.court_id, O.team_id, O.id, func.count()).where(*where).group_by(
        O.court_id, O.team_id, O.id
    )
    return {
        tuple(row[:3]): {(i, n): int(row[3]) for i in range(len(periods)) for n in needs}
        for row in session.execute(stmt)
    }
