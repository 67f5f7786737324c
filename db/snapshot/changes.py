"""The change log of the incremental refresh: which teams and cases changed since the last snapshot.

Database triggers (migration 0015_change_tracking) write a row into snapshot_changes for
the old and the new version of every changed case and payment: its teams, and for a case its id
(0019_case_changes); those of 0018_node_changes a `nodes_only` row naming the case of every changed
event and payment (a pause or an extension rewrites its case's row). The indicator core recounts
the teams, the 节点管控 section the cases (or, past a bound, their teams: `node_teams`).
`pending` reads them in the build's consistent read; `consume` deletes exactly the rows that
build saw after its snapshot is published (a row committed meanwhile stays for the next build; ids are not
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
    # the cases whose 节点管控 statuses may have changed: named by a case's own row or by a
    # nodes_only row (None: everything; 0015's payment rows name no case, their 0018 rows do)
    node_cases: frozenset[int] | None = None
    # some rows are nodes_only (their cases' teams: `node_teams`, read only when asked)
    nodes_named: bool = False


def pending(session: Session) -> Pending:
    """The unread change rows, the teams they name (None: cases of no team) and the cases they
    name."""
    ids: list[int] = []
    teams: set[int | None] = set()
    named: set[int] = set()
    cases = False
    for row in session.execute(select(T.id, T.team_id, T.closed, T.closed_team_id,
                                      T.nodes_only, T.case_id)):
        ids.append(row.id)
        if row.case_id is not None:
            named.add(row.case_id)
        if row.nodes_only:
            cases = True
            continue
        teams.add(row.team_id)
        if row.closed:
            teams.add(row.closed_team_id)
    if EVERYTHING in teams:
        return Pending(tuple(sorted(ids)), None, None)
    return Pending(tuple(sorted(ids)), frozenset(teams), frozenset(named), cases)


def node_teams(session: Session, seen: Pending) -> frozenset[int | None]:
    """The teams whose 节点管控 counts may have changed since `seen`: its teams and the current
    teams of the cases its nodes_only rows name, resolved in the build's consistent read (a
    deleted case resolves to nothing: its own row names its team); a `seen` that asks for a
    full build has none to read (ValueError). Only a recount by team asks
    (db/snapshot/nodes.py): at 1,000,000 cases this join costs 0.3 s that a recount of the
    named cases does not need."""
    if seen.teams is None:
        raise ValueError("a full build was asked for: every team changed")
    if not seen.nodes_named:
        return seen.teams
    # the same rows as `seen`: the build's consistent read sees none committed since
    return seen.teams | frozenset(session.scalars(
        select(Case.team_id).join(SnapshotChange, T.case_id == Case.id)
        .where(T.nodes_only).distinct()))


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
