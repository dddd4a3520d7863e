"""Installation settings (the data key's check value) and a per-user session epoch, so signing out ends the
account's sessions on the server.

Revision ID: 0008_keys_and_sessions
Revises: 0007_opening_day
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_keys_and_sessions'
down_revision = '0007_opening_day'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'app_settings',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_app_settings')),
    )
    op.add_column('users', sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    op.execute("ALTER TABLE users DROP COLUMN session_epoch")  # no constraint names it: SQLite drops it in place
    op.drop_table('app_settings')
