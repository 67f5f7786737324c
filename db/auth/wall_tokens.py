"""Wall-screen tokens: a long random secret bound to a screen name; only its SHA-256 is stored.

A token signs a browser in as role "wall" (read-only, the wall only). Issue and revoke write audit
entries in the caller's transaction.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from db.auth import audit
from db.auth.access import Principal
from db.auth.court_bind import (
    ALL_COURTS,
    check_court,
    court_label,
    require_court_choice,
    require_manages,
)
from db.auth.sessions import end_wall_sessions
from db.auth.tokens import clean_label, new_secret, token_hash
from db.models import Court
from db.models.auth import WallToken, utcnow
from db.org.courts import subtree_ids


def issue_wall_token(session: Session, screen: str, by: Principal | None,
                     court_id: int | None = None) -> tuple[int, str]:
    """(token_id, plaintext); the plaintext is shown once and never stored. The token shows
    `court_id` and the courts below it (None: every court); an admin of a court issues tokens
    of its own courts only (CourtRefused)."""
    require_court_choice(session, by, court_id)
    screen = clean_label(screen, "屏幕名称")
    check_court(session, court_id)
    plaintext, digest = new_secret()
    token = WallToken(screen=screen, token_hash=digest, court_id=court_id,
                      created_by=by.username if by else "命令行")
    session.add(token)
    session.flush()
    audit.record(session, actor=by, action="wall_token_issue", target=f"令牌 {token.id}",
                 detail=f"屏幕 {screen}，所属法院 {court_label(session, court_id)}")
    return token.id, plaintext


def list_wall_tokens(session: Session, include_revoked: bool = True,
                     court_ids: frozenset[int] | None = None) -> list[dict]:
    """Tokens by id with their court's name; given `court_ids` (an admin of a court), only the
    tokens of those courts."""
    query = (select(WallToken, Court.name).outerjoin(Court, Court.id == WallToken.court_id)
             .order_by(WallToken.id))
    if not include_revoked:
        query = query.where(WallToken.revoked_at.is_(None))
    if court_ids is not None:
        query = query.where(WallToken.court_id.in_(sorted(court_ids)))
    return [{
        "id": t.id, "screen": t.screen, "created_at": t.created_at, "created_by": t.created_by,
        "revoked_at": t.revoked_at, "revoked_by": t.revoked_by, "last_used_at": t.last_used_at,
        "active": t.revoked_at is None, "court_id": t.court_id, "court": court or ALL_COURTS,
    } for t, court in session.execute(query)]


def revoke_wall_token(session: Session, token_id: int, by: Principal | None) -> None:
    token = session.get(WallToken, token_id)
    # an admin of a court gets one answer for a token that does not exist and one of another court
    require_manages(by, token.court_id if token is not None else -1, f"大屏令牌 {token_id}")
    if token is None:
        raise ValueError(f"令牌编号：不存在编号为 {token_id} 的大屏令牌")
    if token.revoked_at is not None:
        raise ValueError(f"令牌编号：大屏令牌 {token_id} 已于 {token.revoked_at:%Y-%m-%d %H:%M} 吊销")
    token.revoked_at = utcnow()
    token.revoked_by = by.username if by else "命令行"
    session.flush()
    end_wall_sessions(session, token_id, "revoked")
    audit.record(session, actor=by, action="wall_token_revoke", target=f"令牌 {token_id}",
                 detail=f"屏幕 {token.screen}")


def wall_principal(token: WallToken) -> Principal:
    """A wall screen's principal; a token of a court shows that court and the courts below it."""
    db = object_session(token)
    court = token.court_id
    courts = (None if court is None else subtree_ids(db, court) if db is not None else frozenset({court}))
    return Principal(user_id=None, username=f"大屏:{token.screen}", display_name=token.screen,
                     role="wall", screen=token.screen, extra={"wall_token_id": token.id},
                     court_id=court, court_ids=courts)


def use_wall_token(session: Session, plaintext: str) -> WallToken | None:
    """The active token for this plaintext (its last use noted), else None."""
    if not plaintext or len(plaintext) > 200:
        return None
    token = session.scalars(select(WallToken).where(WallToken.token_hash == token_hash(plaintext))).first()
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    session.flush()
    return token


def all_active(session: Session) -> dict[int, bool]:
    """Every wall token's validity in one query (the per-process sign-in re-check)."""
    return {tid: revoked is None for tid, revoked in session.execute(select(WallToken.id, WallToken.revoked_at))}


def token_active(session: Session, token_id: int) -> bool:
    """Whether a signed wall session's token is still valid (the periodic re-check)."""
    revoked = session.execute(
        select(WallToken.revoked_at).where(WallToken.id == token_id)).first()
    return revoked is not None and revoked[0] is None
