"""Import bookkeeping: batches, the row images that let a batch be undone, stored column
mappings and the watermarks of the scheduled sync sources (db/imports)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class ImportBatch(Base):
    """One import (a file or one sync run): who, when, what, and the counts per sheet."""

    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_started_at", "started_at"), {"comment": "导入批次"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int | None] = mapped_column(ForeignKey("courts.id"))
    actor: Mapped[str] = mapped_column(String(64), comment="导入人 (用户名或同步源)")
    origin: Mapped[str] = mapped_column(String(16), default="file", comment="file/sync")
    file_name: Mapped[str] = mapped_column(String(256), default="", comment="文件名或同步源名称")
    sha256: Mapped[str] = mapped_column(String(64), default="", comment="文件 SHA-256")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, comment="开始时间 (UTC)")
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, comment="完成时间 (UTC)")
    status: Mapped[str] = mapped_column(String(16), default="done", comment="done/undone")
    counts: Mapped[str] = mapped_column(Text, default="{}", comment="各表新增/更新/未变/拒绝行数 (JSON)")
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime, comment="撤销时间 (UTC)")
    undone_by: Mapped[str | None] = mapped_column(String(64), comment="撤销人")


class ImportChange(Base):
    """One row a batch inserted, updated or deleted, with its image from before the batch."""

    __tablename__ = "import_changes"
    __table_args__ = (
        Index("ix_import_changes_batch", "batch_id"),
        Index("ix_import_changes_row", "table_name", "row_id"),
        {"comment": "导入批次改动的行 (撤销用)"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int] = mapped_column(Integer)
    last_row_id: Mapped[int | None] = mapped_column(Integer, comment="新增行：连续 id 区间的末尾")
    action: Mapped[str] = mapped_column(String(8), comment="insert/update/delete")
    before: Mapped[str | None] = mapped_column(Text, comment="改动前的行 (JSON)；新增行为空")


class ImportMapping(Base):
    """A court's column mapping for workbooks that do not use the standard headers."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("court_id", "name"), {"comment": "导入列映射 (本院设置)"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"))
    name: Mapped[str] = mapped_column(String(64), default="default")
    mapping: Mapped[str] = mapped_column(Text, comment="{工作表: {表头: 字段}} (JSON)")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SyncState(Base):
    """A scheduled sync source: its watermark and its last outcome."""

    __tablename__ = "import_sync_state"
    __table_args__ = {"comment": "定时同步源状态"}

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    watermark: Mapped[str | None] = mapped_column(String(64), comment="已同步到的变更时间")
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0, comment="连续失败次数")
    last_error: Mapped[str] = mapped_column(Text, default="")
