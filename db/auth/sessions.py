"""Server-side sign-in sessions: start, look up, end (one or every session of a user or wall token).

The browser's cookie holds a random secret; only its SHA-256 is stored (`auth_sessions.id`), so a
copy of the table signs nobody in. A session is live while its row has no `ended_at`. Ending is one
UPDATE, so logout, password change, disable, role change and token revocation end every copy of
every cookie of that user (or screen) at once. The caller owns the transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from db.models.auth import AuthSession, utcnow
from db.session import affected

SECRET_BYTES = 32
# why a session ended (auth_sessions.ended_why)
WHY = ("logout", "changed", "idle", "max", "revoked")


def session_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start_session(session: Session, *, user_id: int | None = None, wall_token_id: int | None = None,
                  ip: str = "", keep: dt.timedelta = dt.timedelta(days=2)) -> str:
    """A new live session; returns the secret for the cookie (shown nowhere else). Desk sessions
    ended, or started more than `keep` ago, are deleted on the way (walls are kept until ended)."""
    if (user_id is None) == (wall_token_id is None):
        raise ValueError("会话：须且只能属于一个用户或一个大屏令牌")
    now = utcnow()
    session.execute(delete(AuthSession).where(or_(
        AuthSession.ended_at < now - dt.timedelta(hours=1),
        (AuthSession.user_id.is_not(None)) & (AuthSession.created_at < now - keep))))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    session.add(AuthSession(id=session_key(secret), user_id=user_id, wall_token_id=wall_token_id,
                            created_at=now, ended_why="", ip=(ip or "")[:64]))
    session.flush()
    return secret


def live_sessions(session: Session) -> dict[str, tuple[int | None, int | None]]:
    """Every live session: key → (user_id, wall_token_id), in one query (the per-process re-check)."""
    rows = session.execute(select(AuthSession.id, AuthSession.user_id, AuthSession.wall_token_id)
                           .where(AuthSession.ended_at.is_(None)))
    return {r.id: (r.user_id, r.wall_token_id) for r in rows}


def session_owner(session: Session, key: str) -> tuple[int | None, int | None] | None:
    """(user_id, wall_token_id) of a live session, or None when it is unknown or ended."""
    row = session.execute(select(AuthSession.user_id, AuthSession.wall_token_id)
                          .where(AuthSession.id == key, AuthSession.ended_at.is_(None))).first()
    return None if row is None else (row.user_id, row.wall_token_id)


def _end(session: Session, condition: Any, why: str) -> int:
    if why not in WHY:
        raise ValueError(f"未知的会话结束原因“{why}”")
    result = session.execute(update(AuthSession).where(condition, AuthSession.ended_at.is_(None))
                             .values(ended_at=utcnow(), ended_why=why))
    return affected(result)


def end_session(session: Session, key: str, why: str) -> int:
    return _end(session, AuthSession.id == key, why)


def end_user_sessions(session: Session, user_id: int, why: str = "changed") -> int:
    """End every live session of a user; how many ended."""
    return _end(session, AuthSession.user_id == user_id, why)


def end_wall_sessions(session: Session, wall_token_id: int, why: str = "revoked") -> int:
    return _end(session, AuthSession.wall_token_id == wall_token_id, why)
