"""Check and repair the columns that database triggers keep (migration 0005_case_rollups).

The triggers keep `payments.court_id/team_id/officer_id/category` equal to the payment's case,
`cases.paused_days` equal to the days covered by the case's pauses (their union, migration
0009_trust), `cases.extension_days` equal to the sum of its extensions and
`cases.closed_team_id/closed_officer_id` equal to the holder when the case closed (migration
0010_closed_holder: the latest assignment on or before closed_on, else the current holder;
NULL while open). Only a write that bypasses the triggers (a bulk load with triggers disabled, a
restore into a schema without them) can leave them stale; `check` finds such rows in one
set-based statement per rule and `repair` rewrites exactly those rows, in the caller's
transaction. The indicator engine reads these columns, so stale values would skew it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from db.models import Case, CaseAssignment, CaseExtension, CasePause, Payment
from db.sqldates import days_between

C = Case.__table__.c
P = Payment.__table__.c
HOLDER = ("court_id", "team_id", "officer_id", "category")


class greatest(FunctionElement[Any]):  # noqa: N801
    """The larger of two values (GREATEST; SQLite's two-argument MAX)."""

    inherit_cache = True


@compiles(greatest)
def _greatest(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clause_expr, **kw)[1:-1]})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"MAX({compiler.process(element.clause_expr, **kw)[1:-1]})"


def paused_days_of_case() -> ColumnElement[int]:
    """What `cases.paused_days` must be: the days covered by at least one of the case's pauses
    up to 结案 (migration 0009_trust: the union, so overlapping pauses count once). A sweep in
    start order: each pause adds the days its stop passes both its start and the latest stop
    of the pauses before it."""
    p = CasePause.__table__.alias("pause").c
    q = CasePause.__table__.alias("earlier").c

    def stop(x: Any) -> ColumnElement[Any]:
        return case((or_(x.ended_on.is_(None), x.ended_on > C.closed_on), C.closed_on), else_=x.ended_on)

    earlier = (select(func.max(stop(q)))
               .where(q.case_id == p.case_id, q.started_on <= C.closed_on,
                      or_(q.started_on < p.started_on,
                          and_(q.started_on == p.started_on, q.id < p.id)))
               .scalar_subquery())
    begin = greatest(p.started_on, func.coalesce(earlier, p.started_on))
    total = (select(func.sum(greatest(literal(0), days_between(begin, stop(p)))))
             .where(p.case_id == C.id, C.closed_on.is_not(None), p.started_on <= C.closed_on)
             .scalar_subquery())
    return func.coalesce(total, 0)


def extension_days_of_case() -> ColumnElement[int]:
    """What `cases.extension_days` must be."""
    e = CaseExtension.__table__.alias("extension").c
    return func.coalesce(select(func.sum(e.days)).where(e.case_id == C.id).scalar_subquery(), 0)


CLOSED_HOLDER = (("closed_team_id", "team_id"), ("closed_officer_id", "officer_id"))


def closed_holder_of_case() -> dict[str, ColumnElement[Any]]:
    """What `cases.closed_team_id/closed_officer_id` must be: NULL while the case is open;
    once closed, the holder of its latest assignment on or before closed_on (ties: the
    highest id), or its current holder when it has none (migration 0010_closed_holder)."""
    a = CaseAssignment.__table__.alias("assignment").c

    def latest(column: Any) -> ColumnElement[Any]:
        return (select(column).where(a.case_id == C.id, a.assigned_on <= C.closed_on)
                .order_by(a.assigned_on.desc(), a.id.desc()).limit(1).scalar_subquery())

    return {kept: case((C.closed_on.is_(None), None),
                       (latest(a.id).is_(None), C[source]),
                       else_=latest(a[source]))
            for kept, source in CLOSED_HOLDER}


def _of_case(column: str) -> ColumnElement[Any]:
    return select(C[column]).where(C.id == P.case_id).scalar_subquery()


def _differs(stored: ColumnElement[Any], expected: ColumnElement[Any]) -> ColumnElement[bool]:
    return stored.is_distinct_from(expected)


@dataclass(frozen=True)
class Rule:
    """One kept column set: the table, the columns and what each must equal."""

    label: str
    table: Any
    expected: Callable[[], dict[str, ColumnElement[Any]]]

    def stale(self) -> ColumnElement[bool]:
        return or_(*(_differs(self.table.c[name], value) for name, value in self.expected().items()))


RULES: dict[str, Rule] = {
    "payment_holder": Rule("案款的承办团队/承办人/类别副本", Payment.__table__,
                           lambda: {name: _of_case(name) for name in HOLDER}),
    "paused_days": Rule("案件的扣除期限天数", Case.__table__, lambda: {"paused_days": paused_days_of_case()}),
    "extension_days": Rule("案件的延长期限天数", Case.__table__,
                           lambda: {"extension_days": extension_days_of_case()}),
    "closed_holder": Rule("案件结案时的承办团队/承办人", Case.__table__, closed_holder_of_case),
}


def check(session: Session) -> dict[str, int]:
    """{rule key: number of rows whose kept columns differ from their sources}."""
    return {key: int(session.scalar(select(func.count()).select_from(rule.table).where(rule.stale())) or 0)
            for key, rule in RULES.items()}


def repair(session: Session) -> dict[str, int]:
    """Rewrite the stale rows from their sources; return {rule key: rows rewritten}."""
    found = {}
    for key, rule in RULES.items():
        ids = list(session.scalars(select(rule.table.c.id).where(rule.stale())))
        for start in range(0, len(ids), 1000):
            session.execute(update(rule.table).where(rule.table.c.id.in_(ids[start:start + 1000]))
                            .values(rule.expected()))
        found[key] = len(ids)
    session.flush()
    return found
