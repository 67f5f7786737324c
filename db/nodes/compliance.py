"""终本合格 checks (domain.md §2.4) that the case data can show, per case and as 终本合格率."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import ColumnElement, Subquery

from db.cases.vocab import CLOSING_METHODS
from db.models import Case, CaseEvent
from db.sqldates import local_day, months

TERMINATION_METHODS = tuple(k for k, m in CLOSING_METHODS.items() if m.terminated_this_round)


@dataclass(frozen=True)
class Check:
    """One 终本 condition: an event of `kinds` before closing (optionally in a window),
    or a minimum time since 立案."""

    key: str
    label: str
    source: str
    kinds: tuple[str, ...] = ()
    window_months: int | None = None  # the event must fall within N months before closing
    min_months_filed: int | None = None  # closing at least N months after 立案


CHECKS: dict[str, Check] = {
    c.key: c
    for c in (
        Check("notice", "已发出执行通知书", "终本规定 第一条（一）", kinds=("notice_issued",)),
        Check("property_order", "已责令报告财产", "终本规定 第一条（一）", kinds=("property_order",)),
        Check("online_query", "结案前三个月内完成网络查控", "终本规定 第三条；终本合格审查口径",
              kinds=("online_query_started", "online_query_result"), window_months=3),
        Check("consumption_ban", "已发布限制消费令", "终本规定 第一条（二）", kinds=("consumption_ban",)),
        Check("interview", "已约谈申请执行人", "终本规定 第五条", kinds=("interview",)),
        Check("three_months", "立案满三个月", "终本规定 第一条（四）", min_months_filed=3),
        Check("ruling", "已作出终本裁定", "民诉法解释 第517条", kinds=("termination_ruling",)),
    )
}


def _check_expr(check: Check, offset_minutes: int) -> ColumnElement[bool]:
    if check.min_months_filed is not None:
        return Case.closed_on >= months(Case.filed_on, check.min_months_filed)
    ev = aliased(CaseEvent)
    day = local_day(ev.occurred_at, offset_minutes)
    conds = [ev.case_id == Case.id, ev.kind.in_(check.kinds), day <= Case.closed_on]
    if check.window_months is not None:
        conds.append(day >= months(Case.closed_on, -check.window_months))
    return exists().where(and_(*conds))


def _flags(
    start: dt.date,
    end: dt.date,
    *,
    categories: Iterable[str],
    team_ids: Iterable[int] = (),
    officer_ids: Iterable[int] = (),
    offset_minutes: int = 480,
) -> Subquery:
    """One row per 终本 case closed in [start, end] with a 0/1 flag per check."""
    flags = [case((_check_expr(c, offset_minutes), 1), else_=0).label(k) for k, c in CHECKS.items()]
    stmt = select(
        Case.id.label("case_id"), Case.case_number, Case.court_id, Case.team_id, Case.officer_id,
        Case.filed_on, Case.closed_on, *flags,
    ).where(
        Case.closing_method.in_(TERMINATION_METHODS),
        Case.closed_on >= start,
        Case.closed_on <= end,
        Case.category.in_(tuple(categories)),
    )
    if team_ids := tuple(team_ids):
        stmt = stmt.where(Case.team_id.in_(team_ids))
    if officer_ids := tuple(officer_ids):
        stmt = stmt.where(Case.officer_id.in_(officer_ids))
    return stmt.subquery("termination_flags")


def _all_pass(flags: Subquery) -> ColumnElement[Any]:
    return and_(*[flags.c[k] == 1 for k in CHECKS])


def rate_pct(numerator: int, denominator: int) -> str | None:
    """A percentage truncated to 2 decimals (the counting rules' ROUND_DOWN), as text."""
    if not denominator:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_DOWN)
    return str(value)


def compliance_summary(
    session: Session, start: dt.date, end: dt.date, *, categories: Iterable[str] = ("first", "resumed"),
    team_ids: Iterable[int] = (), officer_ids: Iterable[int] = (),
) -> dict[str, Any]:
    """终本合格率 for the period: cases, compliant cases, rate and failures per check."""
    flags = _flags(start, end, categories=categories, team_ids=team_ids, officer_ids=officer_ids)
    cols = [func.count().label("cases"), func.sum(case((_all_pass(flags), 1), else_=0)).label("ok")]
    cols += [func.sum(1 - flags.c[k]).label(k) for k in CHECKS]
    row = session.execute(select(*cols)).one()
    total, ok = int(row.cases), int(row.ok or 0)
    return {
        "start": start.isoformat(), "end": end.isoformat(), "cases": total, "compliant": ok,
        "rate": rate_pct(ok, total),
        "failing_by_check": [
            {"key": k, "label": c.label, "failing": int(getattr(row, k) or 0)} for k, c in CHECKS.items()
        ],
    }


def compliance_counts(
    session: Session, scope: str, ids: Iterable[int] | None, start: dt.date, end: dt.date,
    *, categories: Iterable[str] = ("first", "resumed"),
) -> dict[int, dict[str, Any]]:
    """{id: {cases, compliant, rate}} per court, team or officer (for the indicator registry)."""
    column = {"court": "court_id", "team": "team_id", "officer": "officer_id"}.get(scope)
    if column is None:
        raise ValueError(f"统计范围应为 court/team/officer 之一，实际为“{scope}”")
    flags = _flags(start, end, categories=categories)
    key = flags.c[column]
    stmt = select(key, func.count(), func.sum(case((_all_pass(flags), 1), else_=0))).group_by(key)
    chosen = tuple(ids or ())
    if chosen:
        stmt = stmt.where(key.in_(chosen))
    result: dict[int, dict[str, Any]] = {i: {"cases": 0, "compliant": 0, "rate": None} for i in chosen}
    for ident, n, ok in session.execute(stmt):
        if ident is not None:
            result[ident] = {"cases": int(n), "compliant": int(ok or 0), "rate": rate_pct(int(ok or 0), int(n))}
    return result


def compliance_cases(
    session: Session, start: dt.date, end: dt.date, *, categories: Iterable[str] = ("first", "resumed"),
    team_ids: Iterable[int] = (), officer_ids: Iterable[int] = (), failing_only: bool = True,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The 终本 cases of the period with the checks each one fails (failing cases by default)."""
    flags = _flags(start, end, categories=categories, team_ids=team_ids, officer_ids=officer_ids)
    stmt = select(flags).order_by(flags.c.closed_on, flags.c.case_id).limit(limit)
    if failing_only:
        stmt = stmt.where(~_all_pass(flags))
    rows = []
    for row in session.execute(stmt):
        failing = [k for k in CHECKS if not getattr(row, k)]
        rows.append({
            "case_id": row.case_id, "case_number": row.case_number, "team_id": row.team_id,
            "officer_id": row.officer_id, "filed_on": row.filed_on, "closed_on": row.closed_on,
            "failing": failing, "failing_labels": [CHECKS[k].label for k in failing],
        })
    return rows
