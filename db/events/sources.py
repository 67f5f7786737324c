"""Event sources: a reporting system (执行110, 执法APP…) with a long random bearer token.

Only the token's SHA-256 is stored; the plaintext is shown once at issue. A source token can do
one thing, write events through the event API: it is no user, no wall token, has no role with a
permission and no session. Issue and revoke write audit entries in the caller's transaction.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.auth import audit
from db.auth.access import Principal
from db.auth.tokens import clean_label, new_secret, token_hash
from db.models.auth import utcnow
from db.models.events import EventSource

MAX_TOKEN_LENGTH = 200
SOURCE_ROLE = "source"  # the audit log's actor role of a reporting system (no permissions)


def issue_source_token(session: Session, name: str, by: Principal | None) -> tuple[int, str]:
    """(source_id, plaintext) for a new source; the plaintext is shown once and never stored."""
    name = clean_label(name, "来源名称")
    plaintext, digest = new_secret()
    source = EventSource(name=name, token_hash=digest,
                         created_by=by.username if by else "命令行")
    session.add(source)
    session.flush()
    audit.record(session, actor=by, action="event_source_issue", target=f"事件来源 {source.id}",
                 detail=f"来源 {name}")
    return source.id, plaintext


def list_sources(session: Session) -> list[dict]:
    return [{
        "id": s.id, "name": s.name, "created_at": s.created_at, "created_by": s.created_by,
        "revoked_at": s.revoked_at, "revoked_by": s.revoked_by, "last_used_at": s.last_used_at,
        "active": s.revoked_at is None,
    } for s in session.scalars(select(EventSource).order_by(EventSource.id))]


def revoke_source(session: Session, source_id: int, by: Principal | None) -> None:
    source = session.get(EventSource, source_id)
    if source is None:
        raise ValueError(f"来源编号：不存在编号为 {source_id} 的事件来源")
    if source.revoked_at is not None:
        raise ValueError(f"来源编号：事件来源 {source_id} 的令牌已于 {source.revoked_at:%Y-%m-%d %H:%M} 吊销")
    source.revoked_at = utcnow()
    source.revoked_by = by.username if by else "命令行"
    session.flush()
    audit.record(session, actor=by, action="event_source_revoke", target=f"事件来源 {source_id}",
                 detail=f"来源 {source.name}")


def source_for_token(session: Session, plaintext: str) -> EventSource | None:
    """The active source this bearer token belongs to (its last use noted), else None.

    The row is read FOR UPDATE, as the transaction's first statement: concurrent calls of one
    source queue here, and (MariaDB's REPEATABLE READ taking its snapshot at the first plain
    read) the rate-limit count that follows sees the calls committed meanwhile."""
    if not plaintext or len(plaintext) > MAX_TOKEN_LENGTH:
        return None
    source = session.scalars(
        select(EventSource).where(EventSource.token_hash == token_hash(plaintext)).with_for_update()).first()
    if source is None or source.revoked_at is not None:
        return None
    source.last_used_at = utcnow()
    session.flush()
    return source


def source_principal(source: EventSource | None, ip: str) -> Principal:
    """Who the audit log names for an API call: the source, or an unknown caller."""
    if source is None:
        return Principal(user_id=None, username="接口:未认证", display_name="未认证调用方",
                         role=SOURCE_ROLE, extra={"ip": ip})
    return Principal(user_id=None, username=f"接口:{source.name}"[:64], display_name=source.name,
                     role=SOURCE_ROLE, extra={"ip": ip, "source_id": source.id})
