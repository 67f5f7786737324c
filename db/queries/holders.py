"""Who holds a team, officer or case: the few columns a scope check needs (one small query)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, Officer


def officer_team(session: Session, officer_id: int) -> tuple[bool, int | None]:
    """(exists, current team id) of an officer."""
    row = session.execute(select(Officer.team_id).where(Officer.id == officer_id)).first()
    return (row is not None, row[0] if row else None)


def case_holder(session: Session, case_id: int) -> tuple[int | None, int | None] | None:
    """(team id, officer id) of a case, or None when there is no such case."""
    row = session.execute(select(Case.team_id, Case.officer_id).where(Case.id == case_id)).first()
    return (row[0], row[1]) if row else None
