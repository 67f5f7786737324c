"""Field-event API: event sources (hashed bearer tokens), receipts (idempotency), call ledger;
the 数据导入 page's background jobs (import_jobs).

Revision ID: 0007_event_sources
Revises: 0008_sessions
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

BLOB = sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")

revision = "0007_event_sources"
down_revision = "0008_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False, comment="来源名称，如 执行110"),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="sha256 hex"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_sources")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_event_sources_token_hash")),
        comment="事件接口来源（执行110、执法APP…）及其令牌摘要",
    )
    op.create_table(
        "event_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False, comment="来源系统的事件编号"),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False, comment="事件内容的 sha256，重发时比对"),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["case_events.id"], ondelete="CASCADE",
                                name=op.f("fk_event_receipts_event_id_case_events")),
        sa.ForeignKeyConstraint(["source_id"], ["event_sources.id"],
                                name=op.f("fk_event_receipts_source_id_event_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_receipts")),
        sa.UniqueConstraint("source_id", "external_id", name="uq_event_receipts_source_external"),
        comment="已接收的上报事件（来源+外部编号唯一，保证幂等）",
    )
    with op.batch_alter_table("event_receipts", schema=None) as batch_op:
        batch_op.create_index("ix_event_receipts_event_id", ["event_id"], unique=False)
    op.create_table(
        "event_api_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False, comment="source:<id> 或 ip:<地址>"),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_api_calls")),
        comment="事件接口调用（限流）",
    )
    with op.batch_alter_table("event_api_calls", schema=None) as batch_op:
        batch_op.create_index("ix_event_api_calls_key_at", ["key", "at"], unique=False)
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="dry_run/import"),
        sa.Column("status", sa.String(length=16), nullable=False, comment="queued/running/done/failed"),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=256), nullable=False),
        sa.Column("content", BLOB, nullable=True, comment="上传的文件（导入完成后清除）"),
        sa.Column("skip_invalid", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True, comment="导入所依据的试导入任务"),
        sa.Column("result", sa.Text(), nullable=False, comment="结果 (JSON)"),
        sa.Column("rejects", BLOB, nullable=True, comment="问题行工作簿 (xlsx)"),
        sa.Column("message", sa.Text(), nullable=False, comment="失败原因"),
        sa.Column("batch_id", sa.Integer(), nullable=True, comment="写入的导入批次"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        comment="页面导入任务（上传文件、试导入与导入）",
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_import_jobs_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    # dropping a table drops its indexes (MariaDB refuses to drop an FK's index on its own)
    op.drop_table("import_jobs")
    op.drop_table("event_api_calls")
    op.drop_table("event_receipts")
    op.drop_table("event_sources")
