"""Field-event intake: the systems that report events (执行110, the enforcement APP), which of
their events arrived (idempotency by source and external id), and the API's rate-limit ledger."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.auth import BearerToken, utcnow


class EventSource(BearerToken, Base):
    """A reporting system and its bearer token; only the token's SHA-256 is kept."""

    __tablename__ = "event_sources"
    __table_args__ = {"comment": "事件接口来源（执行110、执法APP…）及其令牌摘要"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), comment="来源名称，如 执行110")


class EventReceipt(Base):
    """One event a source reported: (source, external id) is unique, so a resend is recognised."""

    __tablename__ = "event_receipts"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_event_receipts_source_external"),
        {"comment": "已接收的上报事件（来源+外部编号唯一，保证幂等）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("event_sources.id"))
    external_id: Mapped[str] = mapped_column(String(64), comment="来源系统的事件编号")
    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), comment="事件内容的 sha256，重发时比对")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EventApiCall(Base):
    """One call to the event API within the rate-limit window (key: source or address)."""

    __tablename__ = "event_api_calls"
    __table_args__ = (
        Index("ix_event_api_calls_key_at", "key", "at"),
        {"comment": "事件接口调用（限流）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), comment="source:<id> 或 ip:<地址>")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
