"""Opening day: call screens for the waiting hall, lottery draws (摇号) and the order they give.

Revision ID: 0007_opening_day
Revises: 0006_units
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_opening_day'
down_revision = '0006_units'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'call_screens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('english', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_call_screens_created_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_call_screens_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_screens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_call_screens_token_hash')),
    )
    op.create_index(op.f('ix_call_screens_program_id'), 'call_screens', ['program_id'])
    op.create_table(
        'lottery_draws',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('seed', sa.String(length=128), nullable=False),
        sa.Column('algorithm', sa.String(length=40), nullable=False),
        sa.Column('entrants', sa.Text(), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'], name=op.f('fk_lottery_draws_drawn_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_lottery_draws_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery_draws')),
        sa.UniqueConstraint('program_id', 'day', name='uq_lottery_draws_day'),
    )
    op.add_column('queue_entries', sa.Column('draw_position', sa.Integer(), nullable=True))


def downgrade():
    op.execute("ALTER TABLE queue_entries DROP COLUMN draw_position")  # no constraint names it: SQLite drops it in place
    op.drop_table('lottery_draws')
    op.drop_index(op.f('ix_call_screens_program_id'), table_name='call_screens')
    op.drop_table('call_screens')
