"""What is loaded: courts, teams and case counts (start page, CLI)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Case, Court, Officer, Team


def loaded_courts(session: Session) -> list[dict[str, Any]]:
    """One row per court with its team, officer and case counts."""
    cases = dict(session.execute(select(Case.court_id, func.count()).group_by(Case.court_id)).all())
    open_cases = dict(
        session.execute(
            select(Case.court_id, func.count()).where(Case.closed_on.is_(None)).group_by(Case.court_id)
        ).all()
    )
    teams = dict(session.execute(select(Team.court_id, func.count()).group_by(Team.court_id)).all())
    officers = dict(
        session.execute(select(Officer.court_id, func.count()).group_by(Officer.court_id)).all()
    )
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


def period_counts(session: Session, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """Per court: cases filed (新收) and closed (结案) in [start, end], all categories."""
    filed = dict(
        session.execute(
            select(Case.court_id, func.count())
            .where(Case.filed_on.between(start, end))
            .group_by(Case.court_id)
        ).all()
    )
    closed = dict(
        session.execute(
            select(Case.court_id, func.count())
            .where(Case.closed_on.between(start, end))
            .group_by(Case.court_id)
        ).all()
    )
    return {
        court_id: {"filed": filed.get(court_id, 0), "closed": closed.get(court_id, 0)}
        for court_id in set(filed) | set(closed)
    }


def court_teams(session: Session) -> dict[int, list[dict[str, Any]]]:
    """Per court: its active teams (id, name, kind) in display order."""
    rows = session.execute(
        select(Team.court_id, Team.id, Team.name, Team.kind)
        .where(Team.active.is_(True))
        .order_by(Team.court_id, Team.sort_order, Team.id)
    ).all()
    teams: dict[int, list[dict[str, Any]]] = {}
    for court_id, team_id, name, kind in rows:
        teams.setdefault(court_id, []).append({"id": team_id, "name": name, "kind": kind})
    return teams
