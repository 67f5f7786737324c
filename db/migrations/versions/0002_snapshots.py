"""snapshot history and leader lock

Revision ID: 0002_snapshots
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_snapshots"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_version", sa.Integer(), nullable=False, comment="快照版本号"),
        sa.Column("computed_at", sa.DateTime(), nullable=False, comment="快照计算时间 (UTC)"),
        sa.Column("period", sa.String(length=16), nullable=False, comment="ytd/mtd"),
        sa.Column("scope", sa.String(length=16), nullable=False, comment="court/team"),
        sa.Column("scope_id", sa.Integer(), nullable=False, comment="法院或团队 ID"),
        sa.Column("key", sa.String(length=48), nullable=False, comment="指标键"),
        sa.Column("value", sa.Numeric(precision=20, scale=4, asdecimal=False), nullable=True,
                  comment="指标值"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_history")),
        comment="指标历史值 (快照追加，按保留天数清理)",
    )
    op.create_index("ix_indicator_history_series", "indicator_history",
                    ["scope", "scope_id", "key", "computed_at"])
    op.create_index("ix_indicator_history_computed_at", "indicator_history", ["computed_at"])
    op.create_index("ix_indicator_history_version", "indicator_history", ["snapshot_version"])
    op.create_table(
        "leader_locks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False,
                  comment="持有者 (主机:进程:随机)"),
        sa.Column("expires_at", sa.DateTime(), nullable=False, comment="租约到期时间 (UTC)"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leader_locks")),
        comment="调度进程主控锁",
    )


def downgrade() -> None:
    op.drop_table("leader_locks")
    op.drop_index("ix_indicator_history_version", table_name="indicator_history")
    op.drop_index("ix_indicator_history_computed_at", table_name="indicator_history")
    op.drop_index("ix_indicator_history_series", table_name="indicator_history")
    op.drop_table("indicator_history")
