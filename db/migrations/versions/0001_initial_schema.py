"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 20:00:13.868640
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('courts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False, comment='法院代字, 如 内0221'),
    sa.Column('name', sa.String(length=64), nullable=False, comment='法院名称'),
    sa.Column('short_name', sa.String(length=32), nullable=False, comment='简称'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courts')),
    sa.UniqueConstraint('code', name=op.f('uq_courts_code')),
    comment='法院'
    )
    op.create_table('data_state',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_data_state')),
    comment='数据版本计数'
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False, comment='行动名称'),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_campaigns_court_id_courts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    comment='专项行动'
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_court_id'), ['court_id'], unique=False)

    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False, comment='团队名称'),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='center/simple/complex/preservation/other'),
    sa.Column('founded_on', sa.Date(), nullable=True, comment='成立日期'),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_teams_court_id_courts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    comment='执行团队'
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_court_id'), ['court_id'], unique=False)

    op.create_table('officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False, comment='姓名'),
    sa.Column('role', sa.String(length=16), nullable=False, comment='judge/assistant/clerk/bailiff'),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_officers_court_id_courts')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_officers_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers')),
    comment='干警 (承办人、助理、书记员、法警)'
    )
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officers_court_id'), ['court_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_officers_team_id'), ['team_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False, comment='案号'),
    sa.Column('year', sa.Integer(), nullable=False, comment='收案年度'),
    sa.Column('court_code', sa.String(length=16), nullable=False, comment='法院代字'),
    sa.Column('type_code', sa.String(length=8), nullable=False, comment='类型代字 执/执恢/执保/…'),
    sa.Column('serial', sa.Integer(), nullable=False, comment='案件编号'),
    sa.Column('category', sa.String(length=16), nullable=False, comment='first/resumed/preservation/review'),
    sa.Column('received_on', sa.Date(), nullable=True, comment='收到材料日期'),
    sa.Column('filed_on', sa.Date(), nullable=False, comment='立案日期'),
    sa.Column('closed_on', sa.Date(), nullable=True, comment='结案日期'),
    sa.Column('closing_method', sa.String(length=32), nullable=True, comment='结案方式'),
    sa.Column('track', sa.String(length=8), nullable=False, comment='繁简: simple/complex'),
    sa.Column('non_litigation', sa.Boolean(), nullable=False, comment='非诉执行'),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('target_amount', sa.Numeric(precision=18, scale=2), nullable=False, comment='申请执行标的金额'),
    sa.Column('recovered_amount', sa.Numeric(precision=18, scale=2), nullable=False, comment='实际到位金额'),
    sa.Column('cause', sa.String(length=64), nullable=False, comment='案由'),
    sa.Column('origin_case_id', sa.Integer(), nullable=True, comment='恢复执行所依据的原案'),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_cases_court_id_courts')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_cases_officer_id_officers')),
    sa.ForeignKeyConstraint(['origin_case_id'], ['cases.id'], name=op.f('fk_cases_origin_case_id_cases')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_cases_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('case_number', name=op.f('uq_cases_case_number')),
    comment='执行案件'
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_category'), ['category'], unique=False)
        batch_op.create_index('ix_cases_court_closed', ['court_id', 'closed_on'], unique=False)
        batch_op.create_index('ix_cases_court_filed', ['court_id', 'filed_on'], unique=False)
        batch_op.create_index('ix_cases_officer_closed', ['officer_id', 'closed_on'], unique=False)
        batch_op.create_index('ix_cases_officer_filed', ['officer_id', 'filed_on'], unique=False)
        batch_op.create_index('ix_cases_team_closed', ['team_id', 'closed_on'], unique=False)
        batch_op.create_index('ix_cases_team_filed', ['team_id', 'filed_on'], unique=False)
        batch_op.create_index('ix_cases_updated_at', ['updated_at'], unique=False)

    op.create_table('team_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_team_memberships_officer_id_officers')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_memberships_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_memberships')),
    comment='团队成员变更记录'
    )
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_memberships_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_memberships_team_id'), ['team_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='admin/center/lead/officer/leader/wall'),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_users_officer_id_officers')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_users_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username')),
    comment='用户'
    )
    op.create_table('campaign_cases',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_cases_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_campaign_cases_case_id_cases')),
    sa.PrimaryKeyConstraint('campaign_id', 'case_id', name=op.f('pk_campaign_cases')),
    comment='专项行动目标案件'
    )
    op.create_table('case_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('assigned_on', sa.Date(), nullable=False, comment='分案/改派日期'),
    sa.Column('reason', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_assignments_case_id_cases')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_case_assignments_officer_id_officers')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_case_assignments_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignments')),
    comment='分案与改派记录'
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignments_case_id'), ['case_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False, comment='发生时间 (UTC)'),
    sa.Column('expires_on', sa.Date(), nullable=True, comment='查封/冻结届满日期'),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True, comment='金额'),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False, comment='说明'),
    sa.Column('media_ref', sa.String(length=256), nullable=False, comment='现场照片/视频引用'),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_case_events_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events')),
    comment='案件事件 (查控、查封、拘留、执行110…)'
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_kind', ['case_id', 'kind'], unique=False)
        batch_op.create_index('ix_case_events_occurred_at', ['occurred_at'], unique=False)

    op.create_table('case_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=256), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False, comment='延长天数'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_extensions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_extensions')),
    comment='延长执行期限记录'
    )
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_extensions_case_id'), ['case_id'], unique=False)

    op.create_table('case_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='applicant/respondent'),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='natural/legal/organization'),
    sa.Column('name', sa.String(length=128), nullable=False, comment='姓名或名称'),
    sa.Column('id_number', sa.String(length=32), nullable=False, comment='身份证号/统一社会信用代码'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_parties_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_parties')),
    comment='当事人'
    )
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_parties_case_id'), ['case_id'], unique=False)

    op.create_table('case_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False, comment='db.vocab.PAUSE_KINDS'),
    sa.Column('reason', sa.String(length=256), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_pauses_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_pauses')),
    comment='扣除执行期限记录'
    )
    with op.batch_alter_table('case_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_pauses_case_id'), ['case_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False, comment='到账日期'),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False, comment='到账金额'),
    sa.Column('paid_out_on', sa.Date(), nullable=True, comment='发放日期'),
    sa.Column('paid_amount', sa.Numeric(precision=18, scale=2), nullable=True, comment='发放金额'),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_payments_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    comment='案款到账与发放'
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_payments_paid_out_on', ['paid_out_on'], unique=False)
        batch_op.create_index('ix_payments_received_on', ['received_on'], unique=False)

    op.create_table('supervision_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False, comment='node/case/officer/team'),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('node_key', sa.String(length=64), nullable=True, comment='节点规则键'),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=256), nullable=False, comment='督办事项'),
    sa.Column('reason', sa.Text(), nullable=False, comment='督办理由'),
    sa.Column('due_on', sa.Date(), nullable=False, comment='办理期限'),
    sa.Column('status', sa.String(length=16), nullable=False, comment='issued/answered/closed'),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_supervision_orders_case_id_cases')),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_supervision_orders_issued_by_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_supervision_orders_officer_id_officers')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_supervision_orders_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_orders')),
    comment='督办'
    )
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_orders_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_team_id'), ['team_id'], unique=False)

    op.create_table('supervision_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_supervision_steps_actor_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['supervision_orders.id'], name=op.f('fk_supervision_steps_order_id_supervision_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_steps')),
    comment='督办流转记录'
    )
    with op.batch_alter_table('supervision_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_steps_order_id'), ['order_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('supervision_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_steps_order_id'))

    op.drop_table('supervision_steps')
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_orders_team_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_officer_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_case_id'))

    op.drop_table('supervision_orders')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_received_on')
        batch_op.drop_index('ix_payments_paid_out_on')
        batch_op.drop_index(batch_op.f('ix_payments_case_id'))

    op.drop_table('payments')
    with op.batch_alter_table('case_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_pauses_case_id'))

    op.drop_table('case_pauses')
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_parties_case_id'))

    op.drop_table('case_parties')
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_extensions_case_id'))

    op.drop_table('case_extensions')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_occurred_at')
        batch_op.drop_index('ix_case_events_case_kind')

    op.drop_table('case_events')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignments_case_id'))

    op.drop_table('case_assignments')
    op.drop_table('campaign_cases')
    op.drop_table('users')
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_memberships_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_memberships_officer_id'))

    op.drop_table('team_memberships')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_updated_at')
        batch_op.drop_index('ix_cases_team_filed')
        batch_op.drop_index('ix_cases_team_closed')
        batch_op.drop_index('ix_cases_officer_filed')
        batch_op.drop_index('ix_cases_officer_closed')
        batch_op.drop_index('ix_cases_court_filed')
        batch_op.drop_index('ix_cases_court_closed')
        batch_op.drop_index(batch_op.f('ix_cases_category'))

    op.drop_table('cases')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officers_team_id'))
        batch_op.drop_index(batch_op.f('ix_officers_court_id'))

    op.drop_table('officers')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_court_id'))

    op.drop_table('teams')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_court_id'))

    op.drop_table('campaigns')
    op.drop_table('data_state')
    op.drop_table('courts')

