"""Who holds a team, officer or case: the few columns a scope check needs (one small query)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, ImportBatch, Officer, Team


def officer_team(session: Session, officer_id: int) -> tuple[bool, int | None]:
    """(exists, current team id) of an officer."""
    row = session.execute(select(Officer.team_id).where(Officer.id == officer_id)).first()
    return (row is not None, row[0] if row else None)


def officer_court(session: Session, officer_id: int) -> int | None:
    """The court an officer belongs to (None: no such officer)."""
    return session.scalar(select(Officer.court_id).where(Officer.id == officer_id))


def team_court(session: Session, team_id: int) -> int | None:
    """The court a team belongs to (None: no such team)."""
    return session.scalar(select(Team.court_id).where(Team.id == team_id))


def case_holder(session: Session, case_id: int) -> tuple[int | None, int | None, int | None] | None:
    """(team id, officer id, court id) of a case, or None when there is no such case."""
    row = session.execute(select(Case.team_id, Case.officer_id, Case.court_id).where(Case.id == case_id)).first()
    return (row[0], row[1], row[2]) if row else None


def batch_courts(session: Session, batch_ids: list[int]) -> dict[int, int | None]:
    """The court of each import batch (None: a batch of no one court, or unknown)."""
    if not batch_ids:
        return {}
    rows = session.execute(select(ImportBatch.id, ImportBatch.court_id).where(ImportBatch.id.in_(batch_ids)))
    return {bid: court for bid, court in rows}
