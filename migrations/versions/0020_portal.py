"""A member's own page: one-time codes and the SMS outbox.

Revision ID: 0020_portal
Revises: 0019_id_papers
Create Date: 2026-12-04
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0020_portal'
down_revision = '0019_id_papers'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
