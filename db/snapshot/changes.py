"""The change log of the incremental refresh: which teams changed since the last snapshot.

Database triggers (migration 0015_change_tracking) write a row into snapshot_changes for
the old and the new version of every changed case and payment. `pending` reads them in the
build's consistent read; `consume` deletes exactly the rows that build saw after its
snapshot is published (a row committed meanwhile stays for the next build; ids are not
assumed to commit in order).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import SnapshotChange

T = SnapshotChange.__table__.c
# team_id of a row asking for a full build (`python -m dashboard rebuild`)
EVERYTHING = -1


@dataclass(frozen=True)
class Pending:
    ids: tuple[int, ...]
    teams: frozenset[int | None] | None  # None: everything (a full build was asked for)


def pending(session: Session) -> Pending:
    """The unread change rows and the teams they name (None: cases of no team)."""
    ids: list[int] = []
    teams: set[int | None] = set()
    for row in session.execute(select(T.id, T.team_id, T.closed, T.closed_team_id)):
        ids.append(row.id)
        teams.add(row.team_id)
        if row.closed:
            teams.add(row.closed_team_id)
    return Pending(tuple(sorted(ids)), None if EVERYTHING in teams else frozenset(teams))


def request_full(session: Session) -> None:
    """Ask the refresher (in whatever process) for a full build at its next tick."""
    session.add(SnapshotChange(team_id=EVERYTHING, closed=False))


def ranges(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ids as runs of consecutive ids [(first, last), ...]."""
    out: list[tuple[int, int]] = []
    for i in ids:
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def consume(session: Session, ids: Sequence[int]) -> None:
    """Delete the rows a published build read (by runs of ids: few statements)."""
    for first, last in ranges(sorted(ids)):
        session.execute(delete(SnapshotChange).where(T.id.between(first, last)))
