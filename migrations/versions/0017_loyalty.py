"""Retail programmes: their own kind, purchases and point lots.

Revision ID: 0017_loyalty
Revises: 0016_jobs
Create Date: 2026-12-04
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0017_loyalty'
down_revision = '0016_jobs'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
