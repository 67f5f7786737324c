"""Sign-in: audit log (append-only), wall-screen tokens, sign-in attempts for throttling.

Revision ID: 0004_auth
Revises: 0003_origin_index
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_auth'
down_revision = '0003_origin_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False, comment='UTC'),
    sa.Column('actor_id', sa.Integer(), nullable=True, comment='users.id（不设外键，用户删除后仍可查）'),
    sa.Column('actor', sa.String(length=64), nullable=False, comment='用户名或大屏名称'),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False, comment='db.audit.ACTIONS 的键'),
    sa.Column('target', sa.String(length=256), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False, comment='ok/failed/denied'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    comment='审计日志（只增不改）'
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_at', ['action', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_actor_at', ['actor', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)

    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts')),
    comment='登录尝试（限流）'
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_username_at', ['username', 'at'], unique=False)

    op.create_table('wall_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screen', sa.String(length=64), nullable=False, comment='屏幕名称，如 大厅主屏'),
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment='sha256 hex'),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by', sa.String(length=64), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wall_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_wall_tokens_token_hash')),
    comment='大屏令牌'
    )


def downgrade() -> None:
    op.drop_table('wall_tokens')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_username_at')
        batch_op.drop_index('ix_login_attempts_ip_at')

    op.drop_table('login_attempts')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_at')
        batch_op.drop_index('ix_audit_log_actor_at')
        batch_op.drop_index('ix_audit_log_action_at')

    op.drop_table('audit_log')
