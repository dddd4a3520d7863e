"""Opening-day arrivals: one numbered place a day per card and programme.

Revision ID: 0005_queue
Revises: 0004_agreements_in_force
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_queue'
down_revision = '0004_agreements_in_force'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'queue_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('status', sa.Enum('waiting', 'called', 'served', 'skipped', name='queue_status', native_enum=False,
                                    create_constraint=True, length=8), nullable=False),
        sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
        sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('called_by_id', sa.Integer(), nullable=True),
        sa.Column('station', sa.String(length=60), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_queue_entries_card_id_cards')),
        sa.ForeignKeyConstraint(['called_by_id'], ['users.id'], name=op.f('fk_queue_entries_called_by_id_users')),
        sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_queue_entries_checked_in_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_queue_entries_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_entries')),
        sa.UniqueConstraint('program_id', 'day', 'number', name='uq_queue_entries_number'),
        sa.UniqueConstraint('program_id', 'day', 'public_id', name='uq_queue_entries_card'),
    )


def downgrade():
    op.drop_table('queue_entries')
