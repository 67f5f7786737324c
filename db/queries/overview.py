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


def _narrow(stmt: Select, scope: Scope, team_col: Any, officer_col: Any | None,
            court_col: Any | None = None) -> Select:
    """Keep the rows of the scope: every court's or (a 辖区 user) its courts', one team's, or one
    officer's; nothing otherwise. A restricted court scope without a court column sees nothing."""
    if scope.court and scope.court_ids is None:
        return stmt
    if scope.court:
        if court_col is None or not scope.court_ids:
            return stmt.where(false())
        return stmt.where(court_col.in_(sorted(scope.court_ids)))
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
    def by_court(stmt: Select, team_col: Any, officer_col: Any | None, court_col: Any) -> dict[int, int]:
        return dict(session.execute(_narrow(stmt, scope, team_col, officer_col, court_col)).all())

    cases = by_court(select(Case.court_id, func.count()).where(_in(categories))
                     .group_by(Case.court_id), Case.team_id, Case.officer_id, Case.court_id)
    open_cases = by_court(select(Case.court_id, func.count()).where(Case.closed_on.is_(None), _in(categories))
                          .group_by(Case.court_id), Case.team_id, Case.officer_id, Case.court_id)
    teams = by_court(select(Team.court_id, func.count()).where(Team.kind != "center")
                     .group_by(Team.court_id), Team.id, None, Team.court_id)
    officers = by_court(select(Officer.court_id, func.count()).group_by(Officer.court_id),
                        Officer.team_id, Officer.id, Officer.court_id)
    listed = select(Court).order_by(Court.id)
    if scope.court and scope.court_ids is not None:  # a 辖区 user: not even another court's name
        listed = listed.where(Court.id.in_(sorted(scope.court_ids)))
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
        for court in session.scalars(listed)
    ]


def period_counts(session: Session, start: dt.date, end: dt.date,
                  scope: Scope = COURT, categories: Sequence[str] | None = None) -> dict[int, dict[str, int]]:
    """Per court: cases filed (新收) and closed (结案) in [start, end], within the scope, of
    `categories` (None: all)."""
    def count(column: Any) -> dict[int, int]:
        stmt = (select(Case.court_id, func.count()).where(column.between(start, end), _in(categories))
                .group_by(Case.court_id))
        return dict(session.execute(_narrow(stmt, scope, Case.team_id, Case.officer_id, Case.court_id)).all())

    filed = count(Case.filed_on)
    closed = count(Case.closed_on)
    return {
        court_id: {"filed": filed.get(court_id, 0), "closed": closed.get(court_id, 0)}
        for court_id in set(filed) | set(closed)
    }


def court_teams(session: Session, scope: Scope = COURT) -> dict[int, list[dict[str, Any]]]:
    """Per court: its active case-handling teams (id, name, kind; not the 执行指挥中心, which
    has /center) in display order (only the scope's own team
    for a team lead, none for an officer)."""
    stmt = (select(Team.court_id, Team.id, Team.name, Team.kind)
            .where(Team.active.is_(True), Team.kind != "center")  # the center has its own page
            .order_by(Team.court_id, Team.sort_order, Team.id))
    rows = session.execute(_narrow(stmt, scope, Team.id, None, Team.court_id)).all()
    teams: dict[int, list[dict[str, Any]]] = {}
    for court_id, team_id, name, kind in rows:
        teams.setdefault(court_id, []).append({"id": team_id, "name": name, "kind": kind})
    return teams


def center_staff(session: Session, court_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """The 执行指挥中心 (active teams of kind "center") and its active staff with their duty
    (officers.duty: query/service/funds/dispatch), in display order — for /center only
    (`court_id`: that court's center only)."""
    mine = [Team.court_id == court_id] if court_id is not None else []
    units = session.execute(
        select(Team.id, Team.name).where(Team.kind == "center", Team.active.is_(True), *mine)
        .order_by(Team.sort_order, Team.id)).all()
    people = session.execute(
        select(Officer.id, Officer.name, Officer.duty, Officer.role, Team.name.label("team"))
        .join(Team, Team.id == Officer.team_id)
        .where(Team.kind == "center", Team.active.is_(True), Officer.active.is_(True), *mine)
        .order_by(Officer.team_id, Officer.id)).all()
    return {"units": [{"id": u.id, "name": u.name} for u in units],
            "people": [{"id": p.id, "name": p.name, "duty": p.duty, "role": p.role,
                        "team": p.team} for p in people]}
