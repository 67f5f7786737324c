"""The change log of the incremental refresh: which teams changed since the last snapshot.

Database triggers (migration 0015_change_tracking) write a row into snapshot_changes for
the old and the new version of every changed case and payment; those of 0018_node_changes a
`nodes_only` row naming the case of every changed event, pause, extension and payment (the
节点管控 section counts them by the case's current team). `pending` reads them in the
build's consistent read; `consume` deletes exactly the rows that build saw after its
snapshot is published (a row committed meanwhile stays for the next build; ids are not
assumed to commit in order).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Case, SnapshotChange

T = SnapshotChange.__table__.c
# team_id of a row asking for a full build (`python -m dashboard rebuild`)
EVERYTHING = -1


@dataclass(frozen=True)
class Pending:
    ids: tuple[int, ...]
    teams: frozenset[int | None] | None  # None: everything (a full build was asked for)
    # the teams whose 节点管控 counts may have changed: `teams` and the current teams of the
    # cases named by nodes_only rows (None: everything)
    node_teams: frozenset[int | None] | None = None


def pending(session: Session) -> Pending:
    """The unread change rows, the teams they name (None: cases of no team) and the teams
    whose nodes they touch. The cases of nodes_only rows are resolved to their current team
    in the same read (a deleted case resolves to nothing: its own row names its team)."""
    ids: list[int] = []
    teams: set[int | None] = set()
    cases = False
    for row in session.execute(select(T.id, T.team_id, T.closed, T.closed_team_id,
                                      T.nodes_only)):
        ids.append(row.id)
        if row.nodes_only:
            cases = True
            continue
        teams.add(row.team_id)
        if row.closed:
            teams.add(row.closed_team_id)
    if EVERYTHING in teams:
        return Pending(tuple(sorted(ids)), None, None)
    nodes = set(teams)
    if cases:
        nodes.update(session.scalars(
            select(Case.team_id).join(SnapshotChange, T.case_id == Case.id)
            .where(T.nodes_only).distinct()))
    return Pending(tuple(sorted(ids)), frozenset(teams), frozenset(nodes))


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
