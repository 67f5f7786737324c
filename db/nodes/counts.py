"""Aggregates over node statuses: per team/officer counts, the snapshot summary, action lists."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, text, union_all
from sqlalchemy.orm import Session

from db.models import Case, Officer, Team
from db.nodes.ageing import payment_ageing
from db.nodes.builders import filter_conditions
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


def _open_conditions(today: dt.date, rules: RuleSet) -> list[Any]:
    """An open case of the node rules' categories on `today` (关键节点平均超期数's denominator)."""
    categories = sorted({c for r in rules.nodes for c in r.categories})
    return [Case.category.in_(categories), Case.filed_on <= today,
            or_(Case.closed_on.is_(None), Case.closed_on > today)]


def _open_cases(session: Session, col: Any, today: dt.date, rules: RuleSet,
                ids: tuple[int, ...], *where: Any) -> dict[int, int]:
    stmt = select(col, func.count()).where(*_open_conditions(today, rules), *where).group_by(col)
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


@dataclass
class NodeParts:
    """What the summary's node figures are made of, per team of the case's current holder
    (None: cases of no team): node rows by (node, status), and open cases. Plain counts, sums
    over cases: the refresher moves a recounted case's part in and out of them
    (db/snapshot/node_cases.py)."""

    counts: dict[int | None, dict[tuple[str, str], int]] = field(default_factory=dict)
    open: dict[int | None, int] = field(default_factory=dict)


def _summary_filter(today: dt.date, courts: Sequence[int],
                    teams: Collection[int | None] | None,
                    cases: Collection[int] | None = None) -> NodeFilter | None:
    """The summary's cases (see `node_parts`) narrowed to `teams` and `cases` (None: all);
    None when that leaves nothing."""
    narrowing: dict[str, Any] = {"court_ids": tuple(courts)} if courts else {}
    if teams is not None:
        ids, none = tuple(sorted(t for t in teams if t is not None)), None in teams
        if not ids and not none:
            return None
        narrowing.update(team_ids=ids, no_team=none)
    if cases is not None:
        if not cases:
            return None
        narrowing["case_ids"] = tuple(sorted(cases))
    return NodeFilter(active_since=today - dt.timedelta(days=SUMMARY_WINDOW_DAYS), **narrowing)


def node_parts(session: Session, today: dt.date, rules: RuleSet, *,
               courts: Sequence[int] = (),
               teams: Collection[int | None] | None = None) -> NodeParts:
    """The summary's parts: open cases and cases closed within SUMMARY_WINDOW_DAYS (plus the
    unfinished nodes that rules watch after closing) of `courts` (empty: every court), of
    `teams` only (None: every team; None in it: the cases of no team)."""
    flt = _summary_filter(today, courts, teams)
    if flt is None:
        return NodeParts()
    rows = node_rows(session, rules, today, flt)
    stmt = select(rows.c.team_id, rows.c.node, rows.c.status, func.count()).group_by(
        rows.c.team_id, rows.c.node, rows.c.status)
    parts = NodeParts()
    for team, node, status, n in session.execute(stmt):
        parts.counts.setdefault(team, {})[(node, status)] = int(n)
    # the open cases of the same courts and teams (the filter's narrowing, not its window)
    for team, n in _open_cases(session, Case.team_id, today, rules, (),
                               *filter_conditions(flt, today)).items():
        parts.open[team] = n
    return parts


# One case's part of the summary: its node rows counted by (node, status), sorted, and whether it
# is an open case (`_open_cases`); the case's team beside it.
CaseStatuses = tuple[tuple[tuple[str, str], int], ...]
OPEN_MARK = "*"  # the code of the row that marks an open case in `case_statuses`
_CODE_SEP = ","  # between a case's codes (node:status) in its aggregated string


def case_statuses(session: Session, today: dt.date, rules: RuleSet, *,
                  courts: Sequence[int] = (),
                  teams: Collection[int | None] | None = None,
                  cases: Collection[int] | None = None,
                  ) -> Iterator[tuple[int, int | None, str]]:
    """`node_parts` case by case, in case id order: (case id, its team, its codes), for the
    cases with a node row or open; narrowed to `teams` and `cases` (None: all). The codes are
    the case's node rows as node:status and OPEN_MARK for an open case, joined into one string
    by the database (string_agg / group_concat; `parse_codes` reads them): few distinct strings
    for many cases, parsed once each by the caller. Summed over the cases, the same parts as
    `node_parts` (db/snapshot/node_cases.py keeps them and recounts only the cases that
    changed). Read as a stream (a server-side cursor): the full count has a row per open or
    recently closed case, 700,000 of 1,000,000."""
    flt = _summary_filter(today, courts, teams, cases)
    if flt is None:
        return
    rows = node_rows(session, rules, today, flt)
    code = (rows.c.node + literal(":") + rows.c.status).label("code")
    opened = select(Case.id, Case.team_id, literal(OPEN_MARK)).where(
        *_open_conditions(today, rules), *filter_conditions(flt, today))
    both = union_all(select(rows.c.case_id, rows.c.team_id, code), opened).subquery("case_nodes")
    c = both.c
    stmt = (select(c.case_id, c.team_id, func.aggregate_strings(c.code, _CODE_SEP))
            .group_by(c.case_id, c.team_id).order_by(c.case_id))
    if session.get_bind().dialect.name in ("mysql", "mariadb"):
        # group_concat stops at group_concat_max_len (1 MB by default on MariaDB, 1 KB on MySQL)
        session.execute(text("SET SESSION group_concat_max_len = 4294967295"))
    yield from session.execute(stmt, execution_options={"stream_results": True,
                                                         "yield_per": 5000})


def parse_codes(joined: str) -> tuple[CaseStatuses, bool]:
    """A case's codes (`case_statuses`): its node rows counted by (node, status), sorted, and
    whether it is open."""
    counted: dict[tuple[str, str], int] = {}
    is_open = False
    for code in joined.split(_CODE_SEP):
        if code == OPEN_MARK:
            is_open = True
            continue
        node, status = code.split(":", 1)
        counted[(node, status)] = counted.get((node, status), 0) + 1
    return tuple(sorted(counted.items())), is_open


def _team_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Team.id, Team.name)).all())


def _team_entry(team: int | None, names: dict[int, str], c: dict[str, int], open_cases: int) -> dict[str, Any]:
    return {
        "team_id": team, "name": names.get(team, "未分配") if team else "未分配",
        "overdue": c["overdue"], "due_soon": c["due_soon"], "done_late": c["done_late"],
        "open_cases": open_cases,
        "avg_overdue": round(c["overdue"] / open_cases, 2) if open_cases else 0.0,
    }


def node_summary(session: Session, today: dt.date, rules: RuleSet, *,
                 courts: Sequence[int] = ()) -> dict[str, Any]:
    """The snapshot's "nodes" field: counts by status, by node and by team, plus 督办 and 案款,
    of `courts` (a snapshot's court and its 辖区; empty: every court of the database).

    Covers open cases and cases closed within SUMMARY_WINDOW_DAYS (plus the unfinished nodes that
    rules watch after closing), so its cost follows the live workload, not the archive."""
    return summary_from_parts(session, today, rules, node_parts(session, today, rules,
                                                                courts=courts), courts=courts)


def summary_from_parts(session: Session, today: dt.date, rules: RuleSet, parts: NodeParts, *,
                       courts: Sequence[int] = ()) -> dict[str, Any]:
    """`node_summary` from its node parts; 督办 and 案款 are read here (few rows)."""
    from db.auth.access import Scope
    from db.supervision.orders import status_counts

    totals = {s: 0 for s in STATUSES}
    by_node: dict[str, dict[str, Any]] = {
        r.key: {"key": r.key, "name": r.name, "kind": r.kind, **{s: 0 for s in STATUSES}}
        for r in rules.nodes}
    by_team: dict[int | None, dict[str, int]] = {}
    for team, counts in parts.counts.items():
        for (node, status), n in counts.items():
            totals[status] += n
            by_node[node][status] += n
            by_team.setdefault(team, {s: 0 for s in STATUSES})[status] += n
    names = _team_names(session)
    scope = Scope(court=True, court_ids=frozenset(courts)) if courts else None
    return {
        "as_of": today.isoformat(),
        "rules": rules.digest(),
        "window_days": SUMMARY_WINDOW_DAYS,
        "totals": totals,
        "by_node": list(by_node.values()),
        "by_team": [
            _team_entry(team, names, c, parts.open.get(team, 0) if team else 0)
            for team, c in sorted(by_team.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
        "payments": payment_ageing(session, today, court_ids=tuple(courts)),
        "supervision": status_counts(session, today, scope),
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
