"""Paid memberships: dues, late fees, the provider's termination notice.

Revision ID: 0018_dues
Revises: 0017_loyalty
Create Date: 2026-12-04
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0018_dues'
down_revision = '0017_loyalty'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
