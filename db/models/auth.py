"""Sign-in bookkeeping: the append-only audit log, wall-screen tokens and sign-in attempts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


def utcnow() -> dt.datetime:
    """Naive UTC, like every other timestamp column."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class AuditEntry(Base):
    """Who did what, when, from where. Rows are only ever added (see the guards below)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        {"comment": "审计日志（只增不改）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, comment="UTC")
    actor_id: Mapped[int | None] = mapped_column(Integer, comment="users.id（不设外键，用户删除后仍可查）")
    actor: Mapped[str] = mapped_column(String(64), default="", comment="用户名或大屏名称")
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    action: Mapped[str] = mapped_column(String(32), comment="db.audit.ACTIONS 的键")
    target: Mapped[str] = mapped_column(String(256), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="ok", comment="ok/failed/denied")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry through the ORM."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _conn, target: AuditEntry) -> None:  # noqa: ANN001
    raise AppendOnlyError(f"审计日志只能追加，不能修改（第 {target.id} 条）")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _conn, target: AuditEntry) -> None:  # noqa: ANN001
    raise AppendOnlyError(f"审计日志只能追加，不能删除（第 {target.id} 条）")


class BearerToken:
    """The columns every stored bearer secret has (wall tokens, event-API sources): only the
    SHA-256 of the secret, who issued and revoked it and when, and its last use."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="sha256 hex")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str] = mapped_column(String(64), default="")
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class WallToken(BearerToken, Base):
    """A long random token that signs a video-wall browser in; only its SHA-256 is kept."""

    __tablename__ = "wall_tokens"
    __table_args__ = {"comment": "大屏令牌"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen: Mapped[str] = mapped_column(String(64), comment="屏幕名称，如 大厅主屏")
    # the court whose screens it shows (and the courts below it); NULL: every court
    court_id: Mapped[int | None] = mapped_column(Integer, comment="所属法院 (courts.id; NULL: 本系统的全部法院)")


class LoginAttempt(Base):
    """One sign-in attempt; failures within a window lock the username or the address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
        {"comment": "登录尝试（限流）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)


class AuthSession(Base):
    """A signed-in browser, kept on the server: the cookie carries a random secret whose SHA-256
    is this row's id. Ending the row (logout, password change, disable, role change, revoked wall
    token) ends the session however many copies of the cookie exist."""

    __tablename__ = "auth_sessions"
    __table_args__ = (
        Index("ix_auth_sessions_user_id", "user_id"),
        Index("ix_auth_sessions_wall_token_id", "wall_token_id"),
        {"comment": "登录会话（服务端）"},
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, comment="会话密钥的 sha256 hex")
    user_id: Mapped[int | None] = mapped_column(Integer, comment="users.id（大屏会话为空）")
    wall_token_id: Mapped[int | None] = mapped_column(Integer, comment="wall_tokens.id（大屏会话）")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_why: Mapped[str] = mapped_column(String(16), default="", comment="logout/changed/idle/max")
    ip: Mapped[str] = mapped_column(String(64), default="")


class LoginCounter(Base):
    """Failed sign-ins of one username or one address in the current window, counted atomically
    (a conditional UPDATE reserves an attempt before its password is checked)."""

    __tablename__ = "login_counters"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_login_counters_kind_key"),
        {"comment": "登录失败计数（原子限流）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), comment="user 或 ip")
    key: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, comment="窗口起点")
    last_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, comment="最近一次失败")
