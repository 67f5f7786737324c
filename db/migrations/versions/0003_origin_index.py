"""Index cases.origin_case_id (执恢 → origin case lookups and deletes).

Revision ID: 0003_origin_index
Revises: 0002_snapshots
Create Date: 2026-11-26
"""
from __future__ import annotations

from alembic import op

revision = "0003_origin_index"
down_revision = "0002_snapshots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_index("ix_cases_origin_case_id", ["origin_case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_origin_case_id")
