"""Users: create, change password, enable/disable, list, authenticate, and the request principal.

Every change writes an audit entry ("user_change") in the caller's transaction; pass `by` (the
principal acting, None for the command line). Errors are ValueError with a Chinese message that
names the field.
"""
from __future__ import annotations

import functools
import re
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from db.auth import audit
from db.auth.access import ROLES, Principal
from db.auth.court_bind import (
    ALL_COURTS,
    CourtRefused,
    check_court,
    court_label,
    manages,
    require_court_choice,
)
from db.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    stamp,
    verify_password,
)
from db.auth.sessions import end_user_sessions
from db.models import Court, Officer, Team, User
from db.org.courts import is_top, subtree_ids

USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")
_SENTINEL = object()


@functools.cache
def _dummy_hash() -> str:
    """A valid hash of nothing anyone can type: unknown usernames still cost one scrypt (no timing
    oracle). Made on first use, so importing this module stays cheap."""
    return hash_password("\x00unused\x00")


def _find(session: Session, username: str, by: Principal | None = None) -> User:
    """The user; for an admin of a court only a user of its courts (one message for a user who
    does not exist and one outside those courts, so the answer does not tell which names exist)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    restricted = by is not None and by.court_ids is not None
    missing = f"用户名：不存在用户“{username}”" + ("或其不在您可管理的法院范围内" if restricted else "")
    if user is None:
        raise ValueError(missing)
    if not manages(by, user.court_id):
        raise CourtRefused(missing)
    return user


def _check_binding(session: Session, role: str, team_id: int | None,
                   officer_id: int | None) -> tuple[int | None, int | None]:
    """Validate role/team/officer together; an officer's team defaults to the officer's team."""
    if role not in ROLES:
        choices = "、".join(f"{key}（{r.label}）" for key, r in ROLES.items() if key != "wall")
        raise ValueError(f"角色：未知角色“{role}”，应为 {choices}")
    if role == "wall":
        raise ValueError("角色：大屏不设用户，请签发大屏令牌（python -m dashboard wall-token issue）")
    if team_id is not None and session.get(Team, team_id) is None:
        raise ValueError(f"团队：不存在编号为 {team_id} 的团队")
    if officer_id is not None:
        officer = session.get(Officer, officer_id)
        if officer is None:
            raise ValueError(f"干警：不存在编号为 {officer_id} 的干警")
        team_id = team_id if team_id is not None else officer.team_id
    if role == "lead" and team_id is None:
        raise ValueError("团队：团队长必须指定所在团队（team_id）")
    if role == "officer" and officer_id is None:
        raise ValueError("干警：承办人必须绑定干警（officer_id）")
    return team_id, officer_id


def create_user(session: Session, username: str, password: str, role: str, *,
                display_name: str = "", team_id: int | None = None, officer_id: int | None = None,
                court_id: int | None = None, by: Principal | None = None) -> User:
    """A new active user; `court_id` is the court it belongs to (None: every court), which an
    admin of a court must set to one of its own courts (CourtRefused otherwise)."""
    require_court_choice(session, by, court_id)
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise ValueError("用户名：应为 2–64 个字母、数字、汉字或 _ . -")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise ValueError(f"用户名：“{username}”已存在")
    team_id, officer_id = _check_binding(session, role, team_id, officer_id)
    check_court(session, court_id, team_id, officer_id)
    problem = password_problem(password, username)
    if problem:
        raise ValueError(f"密码：{problem}")
    user = User(username=username, display_name=(display_name or "").strip()[:64] or username,
                password_hash=hash_password(password), role=role, team_id=team_id,
                officer_id=officer_id, court_id=court_id, active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor=by, action="user_change", target=username,
                 detail=f"新增用户，角色 {ROLES[role].label}，所属法院 {court_label(session, court_id)}"
                        + (f"，团队 {team_id}" if team_id else "")
                        + (f"，干警 {officer_id}" if officer_id else ""))
    return user


def update_user(session: Session, username: str, *, role: str | None = None,
                team_id: object = _SENTINEL, officer_id: object = _SENTINEL,
                court_id: object = _SENTINEL, display_name: str | None = None,
                by: Principal | None = None) -> User:
    """Change role, team, officer, court or display name (unspecified fields stay). A change of
    what the user may see (role, team, officer, court) ends the user's open sessions."""
    user = _find(session, username, by)
    new_role = role or user.role
    new_team = user.team_id if team_id is _SENTINEL else team_id
    new_officer = user.officer_id if officer_id is _SENTINEL else officer_id
    new_court = cast("int | None", user.court_id if court_id is _SENTINEL else court_id)
    require_court_choice(session, by, new_court)
    new_team, new_officer = _check_binding(session, new_role, cast("int | None", new_team),
                                           cast("int | None", new_officer))
    check_court(session, new_court, new_team, new_officer)
    changes = []
    if new_court != user.court_id:
        changes.append(f"所属法院 {court_label(session, user.court_id)}→{court_label(session, new_court)}")
    if new_role != user.role:
        changes.append(f"角色 {ROLES[user.role].label if user.role in ROLES else user.role}→{ROLES[new_role].label}")
    if new_team != user.team_id:
        changes.append(f"团队 {user.team_id}→{new_team}")
    if new_officer != user.officer_id:
        changes.append(f"干警 {user.officer_id}→{new_officer}")
    if display_name is not None and display_name.strip() != user.display_name:
        changes.append(f"姓名 {user.display_name}→{display_name.strip()}")
        user.display_name = display_name.strip()[:64] or user.username
    scope_changed = ((new_role, new_team, new_officer, new_court)
                     != (user.role, user.team_id, user.officer_id, user.court_id))
    user.role, user.team_id, user.officer_id, user.court_id = new_role, new_team, new_officer, new_court
    session.flush()
    if scope_changed:  # what the user may see changed: every open session ends
        end_user_sessions(session, user.id, "changed")
    if changes:
        audit.record(session, actor=by, action="user_change", target=username,
                     detail="修改：" + "；".join(changes))
    return user


def set_password(session: Session, username: str, password: str, *,
                 by: Principal | None = None) -> User:
    """A new password; the user's open sessions end (their password stamp no longer matches)."""
    user = _find(session, username, by)
    problem = password_problem(password, username)
    if problem:
        raise ValueError(f"密码：{problem}")
    user.password_hash = hash_password(password)
    session.flush()
    end_user_sessions(session, user.id, "changed")
    audit.record(session, actor=by, action="user_change", target=username, detail="重设密码")
    return user


def set_active(session: Session, username: str, active: bool, *,
               by: Principal | None = None) -> User:
    user = _find(session, username, by)
    if user.active != bool(active):
        user.active = bool(active)
        session.flush()
        if not active:
            end_user_sessions(session, user.id, "changed")
        audit.record(session, actor=by, action="user_change", target=username,
                     detail="启用" if active else "停用")
    return user


def list_users(session: Session, court_ids: frozenset[int] | None = None) -> list[dict]:
    """Every user with role label, team/officer and court names, by username; given `court_ids`
    (an admin of a court), only the users of those courts."""
    stmt = (
        select(User, Team.name, Officer.name, Court.name)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(Officer, Officer.id == User.officer_id)
        .outerjoin(Court, Court.id == User.court_id)
        .order_by(User.username)
    )
    if court_ids is not None:
        stmt = stmt.where(User.court_id.in_(sorted(court_ids)))
    rows = session.execute(stmt).all()
    return [{
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "role": user.role, "role_label": ROLES[user.role].label if user.role in ROLES else user.role,
        "team_id": user.team_id, "team": team or "", "officer_id": user.officer_id,
        "officer": officer or "", "active": user.active, "created_at": user.created_at,
        "court_id": user.court_id, "court": court or ALL_COURTS,
    } for user, team, officer, court in rows]


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (same cost either way).

    A hash in an older format (the hand-written scrypt of earlier versions) or with weaker
    parameters is replaced by a current one on the way (flushed; the caller commits)."""
    user = session.scalars(select(User).where(User.username == (username or "").strip())).first()
    if user is None or not user.password_hash:
        verify_password(password or "", _dummy_hash())
        return None
    if not verify_password(password or "", user.password_hash) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def principal_for(user: User) -> Principal:
    """The principal of a signed-in user; a user of a court sees it and the courts below it."""
    db, court = object_session(user), user.court_id
    courts = (None if court is None else subtree_ids(db, court) if db is not None else frozenset({court}))
    return Principal(user_id=user.id, username=user.username,
                     display_name=user.display_name or user.username, role=user.role,
                     team_id=user.team_id, officer_id=user.officer_id,
                     extra={"stamp": stamp(user.password_hash)},
                     court_id=court, court_ids=courts,
                     top_court=court is not None and db is not None and is_top(db, court))


def all_states(session: Session) -> dict[int, tuple | None]:
    """`current_state` of every user in one query (the per-process sign-in re-check)."""
    rows = session.execute(select(User.id, User.username, User.role, User.team_id, User.officer_id,
                                  User.password_hash, User.active, User.court_id))
    return {r.id: (r.username, r.role, r.team_id, r.officer_id, stamp(r.password_hash), r.court_id)
            if r.active else None for r in rows}


def current_state(session: Session, user_id: int) -> tuple | None:
    """What a signed session must still match: (username, role, team, officer, password stamp,
    court); None when the user is gone or disabled. One small query (the sign-in re-check)."""
    row = session.execute(
        select(User.username, User.role, User.team_id, User.officer_id, User.password_hash,
               User.active, User.court_id).where(User.id == user_id)
    ).first()
    if row is None or not row.active:
        return None
    return (row.username, row.role, row.team_id, row.officer_id, stamp(row.password_hash), row.court_id)
