"""Refresher bookkeeping: the indicator history of published snapshots, the leader lock and
the change log of the incremental refresh."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, Numeric, String, false
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


class SnapshotChange(Base):
    """A holder whose figures changed: written by database triggers on cases and payments
    (migration 0015_change_tracking), read and deleted by the refresher (db/snapshot/changes.py).

    One row per old and per new version of a changed row: its team, and for a closed case
    its team at 结案 (closed_team_id, which may be NULL: figures of no team). Events and
    payments also write a `nodes_only` row naming their case (migration 0018_node_changes), and
    a case's own rows name it too (0019_case_changes): the 节点管控 section recounts those cases
    (a pause or an extension rewrites its case's rollup columns, so the case's row names it)."""

    __tablename__ = "snapshot_changes"
    __table_args__ = {"comment": "快照增量刷新的变更记录 (触发器写入，刷新后删除)"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(Integer, comment="承办团队 (NULL: 无团队)")
    closed: Mapped[bool] = mapped_column(Boolean, default=False, comment="已结案 (结案团队有效)")
    closed_team_id: Mapped[int | None] = mapped_column(Integer, comment="结案时的承办团队")
    # the changed case (0019_case_changes), or the case of a changed event or payment (0018)
    case_id: Mapped[int | None] = mapped_column(
        Integer, comment="变更的事件或案款所属案件 (节点管控按其当前团队重算)")
    nodes_only: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), comment="只涉及节点管控 (指标不读这些表)")
