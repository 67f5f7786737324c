"""Server-side sign-in sessions and atomic sign-in failure counters.

auth_sessions: one row per signed-in browser (id = sha256 of the secret in its cookie); ending
the row ends the session for every copy of the cookie. login_counters: failures per username and
per address, reserved by a conditional UPDATE before a password is checked (no lockout race).

Revision ID: 0008_sessions
Revises: 0005_case_rollups
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sessions"
down_revision = "0006_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=64), nullable=False, comment="会话密钥的 sha256 hex"),
        sa.Column("user_id", sa.Integer(), nullable=True, comment="users.id（大屏会话为空）"),
        sa.Column("wall_token_id", sa.Integer(), nullable=True, comment="wall_tokens.id（大屏会话）"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_why", sa.String(length=16), nullable=False, comment="logout/changed/idle/max"),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        comment="登录会话（服务端）",
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_auth_sessions_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_auth_sessions_wall_token_id", ["wall_token_id"], unique=False)
    op.create_table(
        "login_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False, comment="user 或 ip"),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False, comment="窗口起点"),
        sa.Column("last_at", sa.DateTime(), nullable=False, comment="最近一次失败"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_counters")),
        sa.UniqueConstraint("kind", "key", name="uq_login_counters_kind_key"),
        comment="登录失败计数（原子限流）",
    )


def downgrade() -> None:
    op.drop_table("login_counters")
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_sessions_wall_token_id")
        batch_op.drop_index("ix_auth_sessions_user_id")
    op.drop_table("auth_sessions")
