"""Sign-in bookkeeping: the append-only audit log, wall-screen tokens and sign-in attempts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, event
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


class WallToken(Base):
    """A long random token that signs a video-wall browser in; only its SHA-256 is kept."""

    __tablename__ = "wall_tokens"
    __table_args__ = {"comment": "大屏令牌"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screen: Mapped[str] = mapped_column(String(64), comment="屏幕名称，如 大厅主屏")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="sha256 hex")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str] = mapped_column(String(64), default="")
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


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
