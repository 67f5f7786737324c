"""专项行动 as a first-class feature (issue #19): a campaign's case scope, its targets, whether it
joins the wall rotation while it runs, and when the center ended it.

* campaigns.scope — the case filter as JSON text (teams, case types, 案由, 涉民生/涉企, 标的额
  range); an explicit list of 案号 stays in campaign_cases.
* campaigns.targets — {measure key: target} as JSON text.
* campaigns.on_wall — 1: the wall shows the campaign's screen while it runs.
* campaigns.closed_at — when the center ended the campaign (NULL while not ended by hand).

Revision ID: 0013_campaigns
Revises: 0010_closed_holder
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_campaigns"
down_revision = "0010_closed_holder"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("scope", sa.Text(), nullable=True, comment="案件范围 (JSON)"))
        batch.add_column(sa.Column("targets", sa.Text(), nullable=True, comment="目标 {指标: 目标值} (JSON)"))
        batch.add_column(sa.Column("on_wall", sa.Boolean(), nullable=False, server_default=sa.true(),
                                   comment="进行中时加入大屏轮播"))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True, comment="结束操作时间 (UTC)"))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("on_wall")
        batch.drop_column("targets")
        batch.drop_column("scope")
