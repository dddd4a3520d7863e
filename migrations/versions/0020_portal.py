"""A member's own page: one-time codes, member sessions and the SMS outbox.

Revision ID: 0020_portal
Revises: 0019_id_papers
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_portal'
down_revision = '0019_id_papers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'portal_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge', sa.String(length=64), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('wrong_attempts', sa.Integer(), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('wrong_attempts >= 0', name=op.f('ck_portal_codes_attempts_not_negative')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_portal_codes_card_id_cards')),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_portal_codes_member_id_members')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_codes')),
        sa.UniqueConstraint('challenge', name=op.f('uq_portal_codes_challenge')),
    )
    op.create_index(op.f('ix_portal_codes_member_id'), 'portal_codes', ['member_id'])
    op.create_table(
        'portal_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_portal_sessions_member_id_members')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_portal_sessions_token_hash')),
    )
    op.create_index(op.f('ix_portal_sessions_member_id'), 'portal_sessions', ['member_id'])
    op.create_table(
        'sms_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('phone_masked', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_outbox')),
    )
    op.create_index('ix_sms_outbox_created_at', 'sms_outbox', ['created_at'])


def downgrade():
    op.drop_index('ix_sms_outbox_created_at', table_name='sms_outbox')
    op.drop_table('sms_outbox')
    op.drop_index(op.f('ix_portal_sessions_member_id'), table_name='portal_sessions')
    op.drop_table('portal_sessions')
    op.drop_index(op.f('ix_portal_codes_member_id'), table_name='portal_codes')
    op.drop_table('portal_codes')
