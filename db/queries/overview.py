"""What is loaded: courts, teams and case counts (start page, CLI)."""
from __future__ import annotations

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
