"""法定期限内结案: the legal limit test, pauses (扣除) out and extensions (延长) in.

Every case row carries its paused days up to 结案 and its extension days
(`cases.paused_days`, `cases.extension_days`), kept exact by database triggers
(migration 0005_case_rollups), so the test and the net duration read the case row alone:
no join and no second pass.
"""
from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.settings import IndicatorSettings
from db.models import Case
from db.sqldates import add_months, days_between

C = Case.__table__.c


def net_days() -> ColumnElement[int]:
    """结案用时 without the paused days: 立案 → 结案 minus 扣除期限."""
    return days_between(C.filed_on, C.closed_on) - C.paused_days


def within_limit_test(settings: IndicatorSettings) -> ColumnElement[bool]:
    """A closed case took no longer than its legal limit (pauses out, extensions in)."""
    limit = case(
        (C.non_litigation.is_(True), _limit_days(settings.non_litigation_limit_months)),
        else_=_limit_days(settings.legal_limit_months),
    )
    return net_days() <= limit + C.extension_days


def _limit_days(months: int) -> ColumnElement[int]:
    return days_between(C.filed_on, add_months(C.filed_on, months))
