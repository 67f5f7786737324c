"""Teams and officers as choices for the admin pages (id, label), active first."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.cases.vocab import OFFICER_ROLES
from db.models import Officer, Team


def team_choices(session: Session, court_ids: frozenset[int] | None = None) -> list[dict[str, object]]:
    """Every team (given `court_ids`, an admin of a court: only its courts' teams)."""
    stmt = select(Team.id, Team.name, Team.active).order_by(Team.active.desc(), Team.sort_order, Team.id)
    if court_ids is not None:
        stmt = stmt.where(Team.court_id.in_(sorted(court_ids)))
    return [{"value": tid, "label": name + ("" if active else "（已撤销）")}
            for tid, name, active in session.execute(stmt)]


def officer_choices(session: Session, court_ids: frozenset[int] | None = None) -> list[dict[str, object]]:
    """Every officer with team and role (given `court_ids`: only its courts' officers)."""
    stmt = (select(Officer.id, Officer.name, Officer.role, Team.name)
            .outerjoin(Team, Team.id == Officer.team_id)
            .order_by(Officer.active.desc(), Team.sort_order, Officer.id))
    if court_ids is not None:
        stmt = stmt.where(Officer.court_id.in_(sorted(court_ids)))
    out = []
    for oid, name, role, team in session.execute(stmt):
        label = OFFICER_ROLES.get(role, role)
        out.append({"value": oid, "label": f"{name}（{team or '未分配团队'} · {label}）"})
    return out
