"""The entities of a scope level (courts, teams, officers) with their names."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, null, or_, select
from sqlalchemy.orm import Session

from db.models import CENTER_KIND, Court, Officer, Team


def case_team(kind: Any) -> Any:
    """Teams that handle cases: every kind but the center (NULL: an officer with no team)."""
    return or_(kind.is_(None), kind != CENTER_KIND)


@dataclass(frozen=True)
class Level:
    """How to list the entities of one scope level: the query and its `active` flag."""

    query: Callable[[], Select[Any, Any, Any, Any]]  # (id, name, team kind, team name), ordered
    active: Callable[[], Any] | None  # None: every entity is listed (courts)


LEVELS: dict[str, Level] = {
    "court": Level(lambda: select(Court.id, Court.name, null(), null()).order_by(Court.id), None),
    "team": Level(
        lambda: select(Team.id, Team.name, Team.kind, null()).order_by(Team.sort_order, Team.id),
        lambda: and_(Team.active.is_(True), case_team(Team.kind)),
    ),
    "officer": Level(
        lambda: select(Officer.id, Officer.name, null(), Team.name)
        .outerjoin(Team, Team.id == Officer.team_id).order_by(Officer.id),
        lambda: and_(Officer.active.is_(True), case_team(Team.kind)),
    ),
}


def scope_entities(
    session: Session, scope: str, ids: Sequence[int] | None, with_cases: set[Any]
) -> list[dict[str, Any]]:
    """Return [{"id", "name", "team_kind", "team"}] for ids, or every active entity or holder.

    Without ids the center's team and staff are listed only when they have figures (they hold
    no cases: a list of case-handling teams does not show the center with zeros, a list of the
    center's own indicators does show it).

    `team` is the officer's current team name (None for courts and teams).
    """
    level = LEVELS[scope]
    stmt = level.query()
    column = stmt.selected_columns[0]
    if ids is not None:
        stmt = stmt.where(column.in_(list(ids)))
    elif level.active is not None:
        holders = [i for i in with_cases if i is not None]
        stmt = stmt.where(or_(level.active(), column.in_(holders)))
    return [{"id": r[0], "name": r[1], "team_kind": r[2], "team": r[3]}
            for r in session.execute(stmt)]
