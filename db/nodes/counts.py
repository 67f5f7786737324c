"""Aggregates over node statuses: per team/officer counts, the snapshot summary, action lists."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from db.models import Case, Officer, Team
from db.nodes.ageing import payment_ageing
from db.nodes.rules import RuleSet
from db.nodes.sql import STATUSES, NodeFilter, node_rows

SCOPES = {"court": "court_id", "team": "team_id", "officer": "officer_id"}


def _zero() -> dict[str, Any]:
    return {**{s: 0 for s in STATUSES}, "overdue_days": 0, "open_cases": 0, "avg_overdue": 0.0}


def _filter_for(scope: str, ids: Iterable[int] | None) -> NodeFilter:
    chosen = tuple(ids or ())
    if scope not in SCOPES:
        raise ValueError(f"统计范围应为 {'/'.join(SCOPES)} 之一，实际为“{scope}”")
    narrowing: dict[str, Any] = {f"{scope}_ids": chosen} if chosen else {}
    return NodeFilter(**narrowing)


def _open_cases(session: Session, col: Any, today: dt.date, rules: RuleSet, ids: tuple[int, ...]) -> dict[int, int]:
    categories = sorted({c for r in rules.nodes for c in r.categories})
    stmt = (
        select(col, func.count())
        .where(Case.category.in_(categories), Case.filed_on <= today,
               or_(Case.closed_on.is_(None), Case.closed_on > today))
        .group_by(col)
    )
    if ids:
        stmt = stmt.where(col.in_(ids))
    return {k: n for k, n in session.execute(stmt) if k is not None}


def node_counts(
    session: Session, scope: str, ids: Iterable[int] | None, today: dt.date, rules: RuleSet
) -> dict[int, dict[str, Any]]:
    """{id: {status: n, overdue_days, open_cases, avg_overdue}} for courts, teams or officers.

    avg_overdue (关键节点平均超期数) = overdue nodes / open cases of that unit, 2 decimals.
    """
    filters = _filter_for(scope, ids)
    rows = node_rows(session, rules, today, filters)
    col = rows.c[SCOPES[scope]]
    over_days = func.sum(case((rows.c.status == "overdue", -rows.c.days_left), else_=0))
    stmt = select(col, rows.c.status, func.count(), over_days).group_by(col, rows.c.status)
    result: dict[int, dict[str, Any]] = {i: _zero() for i in (ids or ())}
    for key, status, n, days in session.execute(stmt):
        if key is None:
            continue
        entry = result.setdefault(key, _zero())
        entry[status] = int(n)
        entry["overdue_days"] += int(days or 0)
    opened = _open_cases(session, getattr(Case, SCOPES[scope]), today, rules, filters_ids(filters, scope))
    for key, n in opened.items():
        result.setdefault(key, _zero())["open_cases"] = n
    for entry in result.values():
        entry["avg_overdue"] = round(entry["overdue"] / entry["open_cases"], 2) if entry["open_cases"] else 0.0
    return result


def filters_ids(filters: NodeFilter, scope: str) -> tuple[int, ...]:
    """The ids a filter restricts `scope` to (empty: all)."""
    return getattr(filters, f"{scope}_ids")


SUMMARY_WINDOW_DAYS = 365


def _by_node_and_team(session: Session, today: dt.date, rules: RuleSet) -> list[tuple[str, int | None, str, int]]:
    since = today - dt.timedelta(days=SUMMARY_WINDOW_DAYS)
    rows = node_rows(session, rules, today, NodeFilter(active_since=since))
    stmt = select(rows.c.node, rows.c.team_id, rows.c.status, func.count()).group_by(
        rows.c.node, rows.c.team_id, rows.c.status
    )
    return [(node, team, status, int(n)) for node, team, status, n in session.execute(stmt)]


def _team_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Team.id, Team.name)).all())


def _team_entry(team: int | None, names: dict[int, str], c: dict[str, int], open_cases: int) -> dict[str, Any]:
    return {
        "team_id": team, "name": names.get(team, "未分配") if team else "未分配",
        "overdue": c["overdue"], "due_soon": c["due_soon"], "done_late": c["done_late"],
        "open_cases": open_cases,
        "avg_overdue": round(c["overdue"] / open_cases, 2) if open_cases else 0.0,
    }


def node_summary(session: Session, today: dt.date, rules: RuleSet) -> dict[str, Any]:
    """The snapshot's "nodes" field: counts by status, by node and by team, plus 督办 and 案款.

    Covers open cases and cases closed within SUMMARY_WINDOW_DAYS (plus the unfinished nodes that
    rules watch after closing), so its cost follows the live workload, not the archive.
    """
    from db.supervision.orders import status_counts

    grouped = _by_node_and_team(session, today, rules)
    totals = {s: 0 for s in STATUSES}
    by_node: dict[str, dict[str, Any]] = {
        r.key: {"key": r.key, "name": r.name, "kind": r.kind, **{s: 0 for s in STATUSES}}
        for r in rules.nodes}
    by_team: dict[int | None, dict[str, int]] = {}
    for node, team, status, n in grouped:
        totals[status] += n
        by_node[node][status] += n
        by_team.setdefault(team, {s: 0 for s in STATUSES})[status] += n
    opened = _open_cases(session, Case.team_id, today, rules, ())
    names = _team_names(session)
    return {
        "as_of": today.isoformat(),
        "rules": rules.digest(),
        "window_days": SUMMARY_WINDOW_DAYS,
        "totals": totals,
        "by_node": list(by_node.values()),
        "by_team": [
            _team_entry(team, names, c, opened.get(team, 0) if team else 0)
            for team, c in sorted(by_team.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
        "payments": payment_ageing(session, today),
        "supervision": status_counts(session, today),
    }


def node_list(
    session: Session,
    today: dt.date,
    rules: RuleSet,
    *,
    filters: NodeFilter | None = None,
    statuses: Iterable[str] = ("overdue", "due_soon"),
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The node rows behind a count, most urgent first, with case number and holder names."""
    rows = node_rows(session, rules, today, filters)
    chosen = tuple(statuses)
    rank = case({s: STATUSES[s].rank for s in STATUSES}, value=rows.c.status, else_=literal(9))
    stmt = (
        select(rows, Case.case_number, Team.name.label("team_name"), Officer.name.label("officer_name"))
        .join(Case, Case.id == rows.c.case_id)
        .outerjoin(Team, Team.id == rows.c.team_id)
        .outerjoin(Officer, and_(Officer.id == rows.c.officer_id))
        .order_by(rank, rows.c.days_left, rows.c.case_id, rows.c.node, rows.c.item_id)
        .limit(limit)
    )
    if chosen:
        stmt = stmt.where(rows.c.status.in_(chosen))
    names = {r.key: r.name for r in rules.nodes}
    return [
        {**row._asdict(), "node_name": names.get(row.node, row.node),
         "status_label": STATUSES[row.status].label}
        for row in session.execute(stmt)
    ]
