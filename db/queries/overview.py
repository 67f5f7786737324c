"""What is loaded: courts, teams and case counts (start page, CLI), narrowed to a principal's scope."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, false, func, select, true
from sqlalchemy.orm import Session

from db.auth.access import Scope
from db.models import Case, Court, Officer, Team

COURT = Scope(court=True)


def _narrow(stmt: Select, scope: Scope, team_col: Any, officer_col: Any | None) -> Select:
    """Keep the rows of the scope: all (court), one team's, or one officer's; nothing otherwise."""
    if scope.court:
        return stmt
    if scope.team_id is not None:
        return stmt.where(team_col == scope.team_id)
    if scope.officer_id is not None and officer_col is not None:
        return stmt.where(officer_col == scope.officer_id)
    return stmt.where(false())


def _in(categories: Sequence[str] | None) -> Any:
    """Cases of these categories (None: every category)."""
    return true() if categories is None else Case.category.in_(list(categories))


def loaded_courts(session: Session, scope: Scope = COURT,
                  categories: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per court with its team, officer and case counts (within the scope; cases of
    `categories` only when given, e.g. the wall's court scope)."""
    def by_court(stmt: Select, team_col: Any, officer_col: Any | None) -> dict[int, int]:
        return dict(session.execute(_narrow(stmt, scope, team_col, officer_col)).all())

    cases = by_court(select(Case.court_id, func.count()).where(_in(categories))
                     .group_by(Case.court_id), Case.team_id, Case.officer_id)
    open_cases = by_court(select(Case.court_id, func.count()).where(Case.closed_on.is_(None), _in(categories))
                          .group_by(Case.court_id), Case.team_id, Case.officer_id)
    teams = by_court(select(Team.court_id, func.count()).group_by(Team.court_id), Team.id, None)
    officers = by_court(select(Officer.court_id, func.count()).group_by(Officer.court_id),
                        Officer.team_id, Officer.id)
    return [
        {
            "id": court.id,
            "code": court.code,
            "name": court.name,
            "cases": cases.get(court.id, 0),
            "open_cases": open_cases.get(court.id, 0),
            "teams": teams.get(court.id, 0),
            "officers": officers.get(court.id, 0),
        }
        for court in session.scalars(select(Court).order_by(Court.id))
    ]


def period_counts(session: Session, start: dt.date, end: dt.date,
                  scope: Scope = COURT, categories: Sequence[str] | None = None) -> dict[int, dict[str, int]]:
    """Per court: cases filed (新收) and closed (结案) in [start, end], within the scope, of
    `categories` (None: all)."""
    def count(column: Any) -> dict[int, int]:
        stmt = (select(Case.court_id, func.count()).where(column.between(start, end), _in(categories))
                .group_by(Case.court_id))
        return dict(session.execute(_narrow(stmt, scope, Case.team_id, Case.officer_id)).all())

    filed = count(Case.filed_on)
    closed = count(Case.closed_on)
    return {
        court_id: {"filed": filed.get(court_id, 0), "closed": closed.get(court_id, 0)}
        for court_id in set(filed) | set(closed)
    }


def court_teams(session: Session, scope: Scope = COURT) -> dict[int, list[dict[str, Any]]]:
    """Per court: its active teams (id, name, kind) in display order (only the scope's own team
    for a team lead, none for an officer)."""
    stmt = (select(Team.court_id, Team.id, Team.name, Team.kind)
            .where(Team.active.is_(True))
            .order_by(Team.court_id, Team.sort_order, Team.id))
    rows = session.execute(_narrow(stmt, scope, Team.id, None)).all()
    teams: dict[int, list[dict[str, Any]]] = {}
    for court_id, team_id, name, kind in rows:
        teams.setdefault(court_id, []).append({"id": team_id, "name": name, "kind": kind})
    return teams
