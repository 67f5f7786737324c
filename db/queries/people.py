"""Teams and officers as choices for the admin pages (id, label), active first."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.cases.vocab import OFFICER_ROLES
from db.models import Officer, Team


def team_choices(session: Session) -> list[dict[str, object]]:
    rows = session.execute(select(Team.id, Team.name, Team.active)
                           .order_by(Team.active.desc(), Team.sort_order, Team.id))
    return [{"value": tid, "label": name + ("" if active else "（已撤销）")} for tid, name, active in rows]


def officer_choices(session: Session) -> list[dict[str, object]]:
    rows = session.execute(
        select(Officer.id, Officer.name, Officer.role, Team.name)
        .outerjoin(Team, Team.id == Officer.team_id)
        .order_by(Officer.active.desc(), Team.sort_order, Officer.id)
    )
    out = []
    for oid, name, role, team in rows:
        label = OFFICER_ROLES.get(role, role)
        out.append({"value": oid, "label": f"{name}（{team or '未分配团队'} · {label}）"})
    return out
