"""Voiding a card becomes a request a second manager approves, like refunds and cancellations.

Revision ID: 0009_void_requests
Revises: 0008_keys_and_sessions
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_void_requests'
down_revision = '0008_keys_and_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'void_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'done', 'rejected', 'cancelled', name='void_status', native_enum=False,
                                    create_constraint=True, length=12), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.String(length=200), nullable=True),
        sa.CheckConstraint('decided_by_id IS NULL OR requested_by_id IS NULL OR decided_by_id <> requested_by_id',
                           name=op.f('ck_void_requests_two_people')),
        sa.CheckConstraint("status <> 'done' OR decided_by_id IS NOT NULL", name=op.f('ck_void_requests_done_has_approver')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_void_requests_card_id_cards')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_void_requests_decided_by_id_users')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_void_requests_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_void_requests')),
    )
    op.create_index(op.f('ix_void_requests_card_id'), 'void_requests', ['card_id'])
    op.create_index('uq_void_requests_one_open', 'void_requests', ['card_id'], unique=True,
                    sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    op.drop_table('void_requests')
