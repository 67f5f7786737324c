"""Courts form a tree (高院 → 中院 → 基层法院); users and wall tokens belong to a court.

`courts.parent_id` points at the court above (NULL: the top of this installation), `courts.level`
says what the court is (high/intermediate/basic) and `courts.sort_order` orders a court's children
as the 辖区 lists them. `users.court_id` and `wall_tokens.court_id` name the court a person or a
screen belongs to: they see that court and the courts below it (NULL: every court of the
installation, what a single-court deployment has always had).

Revision ID: 0017_court_hierarchy
Revises: 0016_event_expiry_index
Create Date: 2026-12-05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_court_hierarchy"
down_revision = "0016_event_expiry_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN on every database (no foreign-key constraints, as 0012's payments.clerk_id):
    # on SQLite a batch rebuild of `courts` cannot drop the table while cases point at it, and the
    # application checks the court ids it writes (db/auth/court_bind.py)
    op.add_column("courts", sa.Column("parent_id", sa.Integer(), nullable=True, comment="上级法院 (courts.id)"))
    op.add_column("courts", sa.Column("level", sa.String(16), nullable=False, server_default="basic",
                                      comment="法院层级 high/intermediate/basic"))
    op.add_column("courts", sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0",
                                      comment="辖区内排序"))
    op.create_index("ix_courts_parent_id", "courts", ["parent_id"])
    op.add_column("users", sa.Column("court_id", sa.Integer(), nullable=True,
                                     comment="所属法院 (courts.id; NULL: 本系统的全部法院)"))
    op.add_column("wall_tokens", sa.Column("court_id", sa.Integer(), nullable=True,
                                           comment="所属法院 (courts.id; NULL: 本系统的全部法院)"))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite ≥ 3.35 too): a batch rebuild would drop the tables' triggers
    op.execute("ALTER TABLE wall_tokens DROP COLUMN court_id")
    op.execute("ALTER TABLE users DROP COLUMN court_id")
    op.drop_index("ix_courts_parent_id", table_name="courts")
    op.execute("ALTER TABLE courts DROP COLUMN sort_order")
    op.execute("ALTER TABLE courts DROP COLUMN level")
    op.execute("ALTER TABLE courts DROP COLUMN parent_id")
