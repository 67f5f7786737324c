"""The rows behind an indicator's numerator and denominator, filtered like the aggregate."""
from __future__ import annotations

from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from db.indicators.center import row_select
from db.indicators.payments import (
    OFFICER_LEVELS,
    PAYMENT_LEVELS,
    PAYMENTS,
    judge_condition,
    payment_condition,
    payment_value,
)
from db.indicators.payments import O as OC
from db.indicators.payments import P as PC
from db.indicators.period import Period
from db.indicators.registry import is_money, measure_source, split_measure
from db.indicators.settings import SCOPES, IndicatorSettings, load_indicator_settings
from db.indicators.sql import (
    CASES,
    Need,
    case_condition,
    holder_condition,
    value_expression,
)
from db.indicators.sql import C as CC
from db.indicators.triage import holder_column, triage_condition, triage_value
from db.indicators.triage import source as triage_source
from db.models import Officer, Team

TEAMS = Team.__table__
OFFICERS = Officer.__table__.alias("holder")


def _case_columns() -> list[Any]:
    return [
        CC.id, CC.case_number, CC.filed_on, CC.closed_on, CC.closing_method,
        TEAMS.c.name.label("team"), OFFICERS.c.name.label("officer"),
    ]


def _with_names(base: Any) -> Any:
    return base.outerjoin(TEAMS, TEAMS.c.id == CC.team_id).outerjoin(
        OFFICERS, OFFICERS.c.id == CC.officer_id
    )


def _case_row(row: Any, measure: str) -> dict[str, Any]:
    out = {
        "id": row.id, "case_number": row.case_number,
        "filed_on": row.filed_on.isoformat(),
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "closing_method": row.closing_method, "team": row.team, "officer": row.officer,
    }
    if split_measure(measure)[1] is not None:
        out["value"] = _plain(measure, row.value)
    return out


def _plain(measure: str, raw: Any) -> int | str:
    value = int(raw or 0)
    return _money(value) if is_money(measure) else value


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def _case_rows(
    session: Session, need: Need, scope: str, entity: Any, period: Period,
    settings: IndicatorSettings, subset: list[ColumnElement[bool]],
) -> list[dict[str, Any]]:
    stmt = (
        select(*_case_columns(), value_expression(need.measure).label("value"))
        .select_from(_with_names(CASES))
        .where(case_condition(need, period, settings),
               holder_condition(scope, entity, period), *subset)
        .order_by(CC.filed_on, CC.id)
    )
    return [_case_row(r, need.measure) for r in session.execute(stmt)]


def _payment_rows(
    session: Session, need: Need, scope: str, entity: Any, period: Period,
    settings: IndicatorSettings, subset: list[ColumnElement[bool]],
) -> list[dict[str, Any]]:
    source = _with_names(PAYMENTS.join(CASES, CC.id == PC.case_id))
    stmt = (
        select(*_case_columns(), PC.id.label("payment_id"), PC.received_on, PC.paid_out_on,
               payment_value(need.measure, period).label("value"))
        .select_from(source)
        .where(payment_condition(need, period, settings), PAYMENT_LEVELS[scope] == entity,
               *subset)
        .order_by(PC.received_on, PC.id)
    )
    rows = []
    for r in session.execute(stmt):
        row = _case_row(r, need.measure)
        row.update(payment_id=r.payment_id, received_on=r.received_on.isoformat(),
                   paid_out_on=r.paid_out_on.isoformat() if r.paid_out_on else None)
        rows.append(row)
    return rows


def _officer_rows(session: Session, scope: str, entity: Any) -> list[dict[str, Any]]:
    stmt = (
        select(OC.id, OC.name, OC.role, TEAMS.c.name.label("team"))
        .select_from(Officer.__table__.outerjoin(TEAMS, TEAMS.c.id == OC.team_id))
        .where(judge_condition(), OFFICER_LEVELS[scope] == entity)
        .order_by(OC.id)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def _center_rows(
    session: Session, need: Need, scope: str, entity: Any, period: Period,
    settings: IndicatorSettings,
) -> list[dict[str, Any]]:
    """The center rows (db/indicators/center.py) the aggregate counts for `entity`: the same
    SELECT, filtered by the actor's level, with the case and the actor's name."""
    rows, value = split_measure(need.measure)
    sub = row_select(rows, period, settings, need.categories).subquery()
    level = {"court": sub.c.court_id, "team": sub.c.team_id, "officer": sub.c.actor_id}[scope]
    actor = Officer.__table__.alias("actor_name")
    stmt = (
        select(*_case_columns(), sub.c.ref, sub.c.at, actor.c.name.label("actor"),
               (sub.c[value] if value else literal(1)).label("value"))
        .select_from(_with_names(sub.join(CASES, CC.id == sub.c.case_id)))
        .outerjoin(actor, actor.c.id == sub.c.actor_id)
        .where(level == entity)
        .order_by(sub.c.at, sub.c.ref)
    )
    out = []
    for r in session.execute(stmt):
        row = _case_row(r, need.measure)
        row.update(ref=r.ref, at=r.at.isoformat() if r.at is not None else None,
                   actor=r.actor)
        out.append(row)
    return out


def _triage_rows(session: Session, need: Need, scope: str, entity: Any,
                 period: Period, subset: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
    stmt = (
        select(*_case_columns(), triage_value(need.measure, period).label("value"))
        .select_from(_with_names(triage_source()))
        .where(triage_condition(need, period), holder_column(need.measure, scope) == entity,
               *subset)
        .order_by(CC.filed_on, CC.id)
    )
    return [_case_row(r, need.measure) for r in session.execute(stmt)]


def _rows(session: Session, measure: str, cats: tuple[str, ...], scope: str, entity: Any,
          period: Period, settings: IndicatorSettings,
          cases_where: ColumnElement[bool] | None = None) -> list[dict[str, Any]]:
    source = measure_source(measure)
    need = Need(measure, cats)
    subset = [] if cases_where is None else [cases_where]
    if source == "cases":
        return _case_rows(session, need, scope, entity, period, settings, subset)
    if source == "payments":
        return _payment_rows(session, need, scope, entity, period, settings, subset)
    if source == "center":
        if subset:
            raise ValueError("中心事务指标不能按案件范围统计")
        return _center_rows(session, need, scope, entity, period, settings)
    if source == "triage":
        return _triage_rows(session, need, scope, entity, period, subset)
    if subset:
        raise ValueError("该指标含员额法官人数，不能按案件范围统计")
    return _officer_rows(session, scope, entity)


def explain(
    session: Session, key: str, scope: str, id: Any, period: Period,  # noqa: A002
    settings: IndicatorSettings | None = None, cases_where: ColumnElement[bool] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Return {"numerator": rows, "denominator": rows}; counts equal the aggregate's.

    `cases_where` (a condition on `cases`) lists only those cases, as compute(cases_where=…).

    Count measures: len(rows) equals the number. Sum measures (days, amounts): each row
    carries "value" and their sum equals the number. 员额法官 rows are officers.
    """
    settings = settings or load_indicator_settings(None)
    if key not in settings.indicators:
        raise ValueError(f"未知的指标“{key}”")
    if scope not in SCOPES:
        raise ValueError(f"统计层级“{scope}”无效，应为 court/team/officer")
    ind = settings.indicators[key]
    cats = settings.categories(ind, scope)
    return {
        "numerator": _rows(session, ind.numerator, cats, scope, id, period, settings, cases_where),
        "denominator": (
            _rows(session, ind.denominator, cats, scope, id, period, settings, cases_where)
            if ind.denominator else []
        ),
    }
