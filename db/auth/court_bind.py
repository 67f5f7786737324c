"""Which court a user or wall token belongs to: validation, and who may manage whom.

A user (or wall token) of a court sees that court and the courts below it (db.org.courts); NULL
means every court of the installation. An admin of a court manages only the users and tokens of
its own courts: nobody outside them, and none without a court (those see every court).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.auth.access import Principal
from db.models import Court, Officer, Team
from db.org.courts import subtree_ids

ALL_COURTS = "本系统全部法院"


class CourtRefused(ValueError):
    """The acting admin may not manage a user or token of this court (the caller audits it:
    `detail` names the court for the audit log; the message shown does not name it)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


def court_label(session: Session, court_id: int | None) -> str:
    """The court's name for messages and audit entries (None: every court)."""
    if court_id is None:
        return ALL_COURTS
    court = session.get(Court, court_id)
    return f"{court.name}（{court.code}）" if court is not None else f"法院 {court_id}"


def court_id_for(session: Session, code: str | None) -> int | None:
    """The id of the court with this 法院代字 (empty: None, every court); ValueError naming the
    field and the known codes otherwise."""
    code = (code or "").strip()
    if not code:
        return None
    found = session.scalar(select(Court.id).where(Court.code == code))
    if found is None:
        known = "、".join(session.scalars(select(Court.code).order_by(Court.sort_order, Court.id)))
        raise ValueError(f"所属法院：不存在代字为“{code}”的法院" + (f"（已有：{known}）" if known else ""))
    return found


def check_court(session: Session, court_id: int | None, team_id: int | None = None,
                officer_id: int | None = None) -> None:
    """The court exists, and the team and officer bound to the user belong to it or below it."""
    if court_id is None:
        return
    if session.get(Court, court_id) is None:
        raise ValueError(f"所属法院：不存在编号为 {court_id} 的法院")
    allowed = subtree_ids(session, court_id)
    team = session.get(Team, team_id) if team_id is not None else None
    if team is not None and team.court_id not in allowed:
        raise ValueError(f"团队：“{team.name}”不属于所属法院{court_label(session, court_id)}及其下级法院")
    officer = session.get(Officer, officer_id) if officer_id is not None else None
    if officer is not None and officer.court_id not in allowed:
        raise ValueError(f"干警：“{officer.name}”不属于所属法院{court_label(session, court_id)}及其下级法院")


def manages(by: Principal | None, court_id: int | None) -> bool:
    """Whether `by` may manage a user or token of `court_id` (None `by`: the command line)."""
    if by is None or by.court_ids is None:
        return True
    return court_id is not None and court_id in by.court_ids


def require_manages(by: Principal | None, court_id: int | None, what: str, detail: str = "") -> None:
    """Refuse unless `by` manages `court_id`; `what` is shown, `detail` goes to the audit log."""
    if not manages(by, court_id):
        message = f"{what}不在您可管理的法院范围内（只能管理本院及下级法院）"
        raise CourtRefused(message, f"{message}；{detail}" if detail else message)


def require_court_choice(session: Session, by: Principal | None, court_id: int | None) -> None:
    """The court given to a user or token must be one `by` manages (the message shows only the
    number: the name of a court outside them is not told)."""
    shown = ALL_COURTS if court_id is None else f"编号 {court_id}"
    require_manages(by, court_id, f"所属法院：{shown}", f"所属法院 {court_label(session, court_id)}")
