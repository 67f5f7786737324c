"""法定期限内结案: pause (扣除) and extension (延长) days per case, and the limit test.

Pauses and extensions are summed per case once (no join with `cases`); a pause that runs
past the closing date is cut off there by an exact per-case sum, which only the few
cases with such a pause need.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, literal, null, or_, select, union_all
from sqlalchemy.sql.expression import ColumnElement, FromClause

from db.indicators.settings import IndicatorSettings
from db.models import Case, CaseExtension, CasePause
from db.sqldates import add_months, days_between

C = Case.__table__.c
PAUSES = CasePause.__table__
EXTENSIONS = CaseExtension.__table__


class CaseContext:
    """Columns and joins the row filters need: pause and extension days per case."""

    def __init__(self, settings: IndicatorSettings, adjusted: bool = True,
                 per_case: bool = False) -> None:
        """`adjusted=False`: every case counts as having no pause and no extension.
        `per_case=True`: each case's sums are looked up by case (no join; for few cases)."""
        self.settings = settings
        self.adjusted = adjusted or per_case
        self.per_case = per_case
        self.totals = _adjustments()
        if per_case:
            self.pause_days, self.ext_days = _exact_pause_days(), _case_extension_days()
        elif adjusted:
            self.pause_days = _pause_days(self.totals)
            self.ext_days = func.coalesce(self.totals.c.ext_days, 0)
        else:
            self.pause_days = self.ext_days = literal(0)

    def joined(self, base: FromClause, with_limits: bool) -> Any:
        """Return `base` outer-joined to the per-case pause/extension totals when needed."""
        if not with_limits or not self.adjusted or self.per_case:
            return base
        return base.outerjoin(self.totals, self.totals.c.case_id == C.id)


def _adjustments() -> Any:
    """Per case with any pause or extension: pause totals and extension days, in one row."""
    p, e = PAUSES.c, EXTENSIONS.c
    zero = literal(0)
    rows = union_all(
        select(p.case_id.label("case_id"), days_between(p.started_on, p.ended_on).label("days"),
               p.started_on.label("start"), p.ended_on.label("end"),
               case((p.ended_on.is_(None), 1), else_=0).label("open"), zero.label("ext")),
        select(e.case_id, zero, null(), null(), zero, e.days),
    ).subquery("adjustment_rows")
    r = rows.c
    return (
        select(r.case_id, func.sum(r.days).label("pause_days"),
               func.max(r.start).label("last_start"), func.max(r.end).label("last_end"),
               func.sum(r.open).label("open"), func.sum(r.ext).label("ext_days"),
               func.count(r.start).label("pauses"))
        .group_by(r.case_id)
        .subquery("adjustments")
    )


def _pause_days(totals: Any) -> ColumnElement[int]:
    """Paused days of a case up to its closing date (each pause cut off at 结案)."""
    t = totals.c
    before_closing = and_(t.open == 0, t.last_end <= C.closed_on, t.last_start <= C.closed_on)
    return case((or_(t.case_id.is_(None), t.pauses == 0), 0), (before_closing, t.pause_days),
                else_=_exact_pause_days())


def _exact_pause_days() -> ColumnElement[int]:
    """The same, summed pause by pause for the case at hand (a correlated subquery)."""
    p = PAUSES.alias("pause").c
    stop = case((or_(p.ended_on.is_(None), p.ended_on > C.closed_on), C.closed_on),
                else_=p.ended_on)
    exact = (select(func.sum(days_between(p.started_on, stop)))
             .where(p.case_id == C.id, p.started_on <= C.closed_on).scalar_subquery())
    return func.coalesce(exact, 0)


def _case_extension_days() -> ColumnElement[int]:
    e = EXTENSIONS.alias("extension").c
    return func.coalesce(select(func.sum(e.days)).where(e.case_id == C.id).scalar_subquery(), 0)


def has_adjustment() -> ColumnElement[bool]:
    """The case has a pause or an extension (the only cases they change). Two IN lists:
    PostgreSQL hashes each id list once, SQLite looks the ids up by primary key."""
    return or_(C.id.in_(select(PAUSES.c.case_id)), C.id.in_(select(EXTENSIONS.c.case_id)))


def within_limit_test(ctx: CaseContext) -> ColumnElement[bool]:
    """A closed case took no longer than its legal limit (pauses out, extensions in)."""
    s = ctx.settings
    if not ctx.adjusted:
        # Without pauses and extensions "结案用时 ≤ limit" is "结案 ≤ 立案 + N months".
        last_day = case(
            (C.non_litigation.is_(True), add_months(C.filed_on, s.non_litigation_limit_months)),
            else_=add_months(C.filed_on, s.legal_limit_months),
        )
        return C.closed_on <= last_day
    limit = case(
        (C.non_litigation.is_(True), _limit_days(s.non_litigation_limit_months)),
        else_=_limit_days(s.legal_limit_months),
    )
    net = days_between(C.filed_on, C.closed_on) - ctx.pause_days
    return net <= limit + ctx.ext_days


def _limit_days(months: int) -> ColumnElement[int]:
    return days_between(C.filed_on, add_months(C.filed_on, months))
