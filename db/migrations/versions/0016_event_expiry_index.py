"""Index case_events (kind, expires_on): the 查封/冻结/续封 measures expiring in a period.

The center's 续封及时率 and the builder's 中心 section ask, per period, for the control measures
whose `expires_on` falls in it; without this index SQLite scanned every event (1.41 s per period
at 10 million events, 0.105 s with it — docs/operations.md).

Revision ID: 0016_event_expiry_index
Revises: 0015_change_tracking
Create Date: 2026-12-04
"""
from __future__ import annotations

from alembic import op

revision = "0016_event_expiry_index"
down_revision = "0015_change_tracking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_events_kind_expires", "case_events", ["kind", "expires_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_events_kind_expires", table_name="case_events")
