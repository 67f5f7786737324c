"""Refresher bookkeeping: the indicator history of published snapshots and the leader lock."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IndicatorHistory(Base):
    """One indicator value of one scope in one published snapshot (for trend lines)."""

    __tablename__ = "indicator_history"
    __table_args__ = (
        Index("ix_indicator_history_series", "scope", "scope_id", "key", "computed_at"),
        Index("ix_indicator_history_computed_at", "computed_at"),
        Index("ix_indicator_history_version", "snapshot_version"),
        {"comment": "指标历史值 (快照追加，按保留天数清理)"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_version: Mapped[int] = mapped_column(Integer, comment="快照版本号")
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, comment="快照计算时间 (UTC)")
    period: Mapped[str] = mapped_column(String(16), comment="ytd/mtd")
    scope: Mapped[str] = mapped_column(String(16), comment="court/team")
    scope_id: Mapped[int] = mapped_column(Integer, comment="法院或团队 ID")
    key: Mapped[str] = mapped_column(String(48), comment="指标键")
    value: Mapped[float | None] = mapped_column(
        Numeric(20, 4, asdecimal=False), comment="指标值"
    )


class LeaderLock(Base):
    """A named lease: the holder renews it before `expires_at` or loses it."""

    __tablename__ = "leader_locks"
    __table_args__ = {"comment": "调度进程主控锁"}

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128), comment="持有者 (主机:进程:随机)")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, comment="租约到期时间 (UTC)")
