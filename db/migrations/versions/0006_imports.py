"""Imports: batches, their row images (undo), stored column mappings, sync watermarks;
officers.staff_no (工号) and payments.ref (案款编号), the keys an import upserts by.

The two new columns are added with plain ADD COLUMN (no table rebuild), so the triggers of
0005_case_rollups on `payments` stay in place on SQLite.

Revision ID: 0006_imports
Revises: 0005_case_rollups
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_imports"
down_revision = "0005_case_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("officers", sa.Column("staff_no", sa.String(length=32), nullable=True,
                                        comment="工号 (导入的键)"))
    op.add_column("payments", sa.Column("ref", sa.String(length=64), nullable=True,
                                        comment="案款编号/流水号 (导入的键)"))
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False, comment="导入人 (用户名或同步源)"),
        sa.Column("origin", sa.String(length=16), nullable=False, comment="file/sync"),
        sa.Column("file_name", sa.String(length=256), nullable=False, comment="文件名或同步源名称"),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="文件 SHA-256"),
        sa.Column("started_at", sa.DateTime(), nullable=False, comment="开始时间 (UTC)"),
        sa.Column("finished_at", sa.DateTime(), nullable=True, comment="完成时间 (UTC)"),
        sa.Column("status", sa.String(length=16), nullable=False, comment="done/undone"),
        sa.Column("counts", sa.Text(), nullable=False, comment="各表新增/更新/未变/拒绝行数 (JSON)"),
        sa.Column("undone_at", sa.DateTime(), nullable=True, comment="撤销时间 (UTC)"),
        sa.Column("undone_by", sa.String(length=64), nullable=True, comment="撤销人"),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"],
                                name=op.f("fk_import_batches_court_id_courts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        comment="导入批次",
    )
    op.create_index("ix_import_batches_started_at", "import_batches", ["started_at"])
    op.create_table(
        "import_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("last_row_id", sa.Integer(), nullable=True, comment="新增行：连续 id 区间的末尾"),
        sa.Column("action", sa.String(length=8), nullable=False, comment="insert/update/delete"),
        sa.Column("before", sa.Text(), nullable=True, comment="改动前的行 (JSON)；新增行为空"),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"],
                                name=op.f("fk_import_changes_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_changes")),
        comment="导入批次改动的行 (撤销用)",
    )
    op.create_index("ix_import_changes_batch", "import_changes", ["batch_id"])
    op.create_index("ix_import_changes_row", "import_changes", ["table_name", "row_id"])
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False, comment="{工作表: {表头: 字段}} (JSON)"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"],
                                name=op.f("fk_import_mappings_court_id_courts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("court_id", "name", name=op.f("uq_import_mappings_court_id")),
        comment="导入列映射 (本院设置)",
    )
    op.create_table(
        "import_sync_state",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("watermark", sa.String(length=64), nullable=True, comment="已同步到的变更时间"),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, comment="连续失败次数"),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_import_sync_state")),
        comment="定时同步源状态",
    )


def downgrade() -> None:
    op.drop_table("import_sync_state")
    op.drop_table("import_mappings")
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key needs.
    op.drop_table("import_changes")
    op.drop_table("import_batches")
    op.drop_column("payments", "ref")
    op.drop_column("officers", "staff_no")
