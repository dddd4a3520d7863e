"""Documents to each agreement's letter: titles, terms, copies, the value-add increment.

Revision ID: 0021_agreement_letter
Revises: 0020_portal
Create Date: 2026-12-04
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0021_agreement_letter'
down_revision = '0020_portal'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
