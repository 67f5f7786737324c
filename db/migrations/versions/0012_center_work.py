"""The center's 事务集约 staff (issue #18 §2): officers.duty and payments.clerk_id.

* officers.duty — the center duty of an officer of the 执行指挥中心 (query 网络查控员,
  service 送达员, funds 案款专管员, dispatch 执行110); NULL for case-handling officers.
* payments.clerk_id — the 案款专管员 who handles a receipt (officers.id). No foreign key:
  on SQLite a constraint would rebuild the table and drop its triggers (migration 0005).

Revision ID: 0012_center_work
Revises: 0011_triage
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_center_work"
down_revision = "0011_triage"  # re-chained after merging branch triage (was 0010_closed_holder)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("officers", sa.Column(
        "duty", sa.String(length=16), nullable=True,
        comment="指挥中心岗位 query/service/funds/dispatch (NULL: 办案人员)"))
    op.add_column("payments", sa.Column(
        "clerk_id", sa.Integer(), nullable=True, comment="案款专管员 (officers.id)"))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite ≥ 3.35 too): a batch rebuild would drop the payment triggers
    op.execute("ALTER TABLE payments DROP COLUMN clerk_id")
    op.execute("ALTER TABLE officers DROP COLUMN duty")
