"""The 数据导入 page's jobs: an uploaded file kept between preview, dry run and confirm, and the
state of the background run any worker can read (progress itself is in the shared cache)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.auth import utcnow

# MariaDB's BLOB holds 64 KB; uploads and rejects workbooks need LONGBLOB there.
Blob = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


class ImportJob(Base):
    """One dry run or import of an uploaded file, run in the background."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_created_at", "created_at"), {"comment": "页面导入任务（上传文件、试导入与导入）"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), comment="dry_run/import")
    status: Mapped[str] = mapped_column(String(16), default="queued", comment="queued/running/done/failed")
    actor: Mapped[str] = mapped_column(String(64), default="")
    file_name: Mapped[str] = mapped_column(String(256), default="")
    content: Mapped[bytes | None] = mapped_column(Blob, comment="上传的文件（导入完成后清除）")
    skip_invalid: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(Integer, comment="导入所依据的试导入任务")
    result: Mapped[str] = mapped_column(Text, default="", comment="结果 (JSON)")
    rejects: Mapped[bytes | None] = mapped_column(Blob, comment="问题行工作簿 (xlsx)")
    message: Mapped[str] = mapped_column(Text, default="", comment="失败原因")
    batch_id: Mapped[int | None] = mapped_column(Integer, comment="写入的导入批次")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
