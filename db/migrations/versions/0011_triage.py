"""繁简分流 (issue #18 §1): the rule table and its history, each case's 分流 decision and the
case's track history (转繁/转简).

Revision ID: 0011_triage
Revises: 0010_closed_holder
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_triage"
down_revision = "0013_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, comment="求值顺序，小者在前"),
        sa.Column("name", sa.String(length=64), nullable=False, comment="规则名称"),
        sa.Column("active", sa.Boolean(), nullable=False, comment="是否启用"),
        sa.Column("track", sa.String(length=8), nullable=False, comment="结论 simple/complex"),
        sa.Column("reason", sa.String(length=256), nullable=False, comment="分流理由"),
        sa.Column("conditions", sa.Text(), nullable=False, comment="条件 JSON，全部满足才命中"),
        sa.Column("local", sa.Boolean(), nullable=False, comment="地方规定（非全国统一）"),
        sa.Column("updated_at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_rules")),
        comment="繁简分流规则（地方规定，管理员维护）",
    )
    op.create_table(
        "triage_rule_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False, comment="规则 id（不设外键，删除后仍可查）"),
        sa.Column("rule_name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False, comment="create/update/delete"),
        sa.Column("at", sa.DateTime(), nullable=False, comment="UTC"),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("old", sa.Text(), nullable=False, comment="修改前 JSON"),
        sa.Column("new", sa.Text(), nullable=False, comment="修改后 JSON"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_rule_changes")),
        comment="分流规则修改记录",
    )
    with op.batch_alter_table("triage_rule_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_rule_changes_rule_id"), ["rule_id"], unique=False)
    op.create_table(
        "case_triage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("suggested_track", sa.String(length=8), nullable=False, comment="规则建议 simple/complex"),
        sa.Column("suggested_reason", sa.String(length=256), nullable=False),
        sa.Column("fired", sa.Text(), nullable=False, comment="命中的规则 JSON [{id,name,track,reason}]"),
        sa.Column("stage", sa.String(length=8), nullable=False,
                  comment="filed（立案时求值）/query（首次查控反馈后再求值）"),
        sa.Column("query_result", sa.String(length=16), nullable=False, comment="首次查控反馈结论"),
        sa.Column("evaluated_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, comment="pending/confirmed"),
        sa.Column("track", sa.String(length=8), nullable=True, comment="确认的繁简"),
        sa.Column("confirmed_on", sa.Date(), nullable=True, comment="分流确认日期"),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False, comment="未采纳规则建议"),
        sa.Column("override_reason", sa.String(length=256), nullable=False),
        sa.Column("convert_suggested", sa.Boolean(), nullable=False,
                  comment="已确认简案，首次查控反馈后规则建议转繁"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_triage_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_triage")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_triage_case_id")),
        comment="繁简分流（建议与确认）",
    )
    with op.batch_alter_table("case_triage", schema=None) as batch_op:
        batch_op.create_index("ix_case_triage_status", ["status"], unique=False)
        batch_op.create_index("ix_case_triage_confirmed_on", ["confirmed_on"], unique=False)
    op.create_table(
        "track_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False, comment="变更日期"),
        sa.Column("old_track", sa.String(length=8), nullable=True),
        sa.Column("new_track", sa.String(length=8), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False, comment="triage/desk/import/demo"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_track_changes_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_changes")),
        comment="繁简变更记录（转繁/转简）",
    )
    with op.batch_alter_table("track_changes", schema=None) as batch_op:
        batch_op.create_index("ix_track_changes_case", ["case_id", "changed_on"], unique=False)


def downgrade() -> None:
    op.drop_table("track_changes")
    op.drop_table("case_triage")
    op.drop_table("triage_rule_changes")
    op.drop_table("triage_rules")
