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
from sqlalchemy.orm import Session

from db.auth import audit
from db.auth.access import ROLES, Principal
from db.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    stamp,
    verify_password,
)
from db.auth.sessions import end_user_sessions
from db.models import Officer, Team, User

USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")
_SENTINEL = object()


@functools.cache
def _dummy_hash() -> str:
    """A valid hash of nothing anyone can type: unknown usernames still cost one scrypt (no timing
    oracle). Made on first use, so importing this module stays cheap."""
    return hash_password("\x00unused\x00")


def _find(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise ValueError(f"用户名：不存在用户“{username}”")
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
                by: Principal | None = None) -> User:
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise ValueError("用户名：应为 2–64 个字母、数字、汉字或 _ . -")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise ValueError(f"用户名：“{username}”已存在")
    team_id, officer_id = _check_binding(session, role, team_id, officer_id)
    problem = password_problem(password, username)
    if problem:
        raise ValueError(f"密码：{problem}")
    user = User(username=username, display_name=(display_name or "").strip()[:64] or username,
                password_hash=hash_password(password), role=role, team_id=team_id,
                officer_id=officer_id, active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor=by, action="user_change", target=username,
                 detail=f"新增用户，角色 {ROLES[role].label}"
                        + (f"，团队 {team_id}" if team_id else "")
                        + (f"，干警 {officer_id}" if officer_id else ""))
    return user


def update_user(session: Session, username: str, *, role: str | None = None,
                team_id: object = _SENTINEL, officer_id: object = _SENTINEL,
                display_name: str | None = None, by: Principal | None = None) -> User:
    """Change role, team, officer or display name (unspecified fields stay)."""
    user = _find(session, username)
    new_role = role or user.role
    new_team = user.team_id if team_id is _SENTINEL else team_id
    new_officer = user.officer_id if officer_id is _SENTINEL else officer_id
    new_team, new_officer = _check_binding(session, new_role, cast("int | None", new_team),
                                           cast("int | None", new_officer))
    changes = []
    if new_role != user.role:
        changes.append(f"角色 {ROLES[user.role].label if user.role in ROLES else user.role}→{ROLES[new_role].label}")
    if new_team != user.team_id:
        changes.append(f"团队 {user.team_id}→{new_team}")
    if new_officer != user.officer_id:
        changes.append(f"干警 {user.officer_id}→{new_officer}")
    if display_name is not None and display_name.strip() != user.display_name:
        changes.append(f"姓名 {user.display_name}→{display_name.strip()}")
        user.display_name = display_name.strip()[:64] or user.username
    scope_changed = (new_role, new_team, new_officer) != (user.role, user.team_id, user.officer_id)
    user.role, user.team_id, user.officer_id = new_role, new_team, new_officer
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
    user = _find(session, username)
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
    user = _find(session, username)
    if user.active != bool(active):
        user.active = bool(active)
        session.flush()
        if not active:
            end_user_sessions(session, user.id, "changed")
        audit.record(session, actor=by, action="user_change", target=username,
                     detail="启用" if active else "停用")
    return user


def list_users(session: Session) -> list[dict]:
    """Every user with role label and team/officer names, by username."""
    rows = session.execute(
        select(User, Team.name, Officer.name)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(Officer, Officer.id == User.officer_id)
        .order_by(User.username)
    ).all()
    return [{
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "role": user.role, "role_label": ROLES[user.role].label if user.role in ROLES else user.role,
        "team_id": user.team_id, "team": team or "", "officer_id": user.officer_id,
        "officer": officer or "", "active": user.active, "created_at": user.created_at,
    } for user, team, officer in rows]


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
    return Principal(user_id=user.id, username=user.username,
                     display_name=user.display_name or user.username, role=user.role,
                     team_id=user.team_id, officer_id=user.officer_id,
                     extra={"stamp": stamp(user.password_hash)})


def all_states(session: Session) -> dict[int, tuple | None]:
    """`current_state` of every user in one query (the per-process sign-in re-check)."""
    rows = session.execute(select(User.id, User.username, User.role, User.team_id, User.officer_id,
                                  User.password_hash, User.active))
    return {r.id: (r.username, r.role, r.team_id, r.officer_id, stamp(r.password_hash)) if r.active else None
            for r in rows}


def current_state(session: Session, user_id: int) -> tuple | None:
    """What a signed session must still match: (username, role, team, officer, password stamp);
    None when the user is gone or disabled. One small query (the sign-in re-check)."""
    row = session.execute(
        select(User.username, User.role, User.team_id, User.officer_id, User.password_hash,
               User.active).where(User.id == user_id)
    ).first()
    if row is None or not row.active:
        return None
    return (row.username, row.role, row.team_id, row.officer_id, stamp(row.password_hash))
