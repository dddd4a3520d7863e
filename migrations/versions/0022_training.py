"""Training copies at a chosen date; every fee on the money table.

Revision ID: 0022_training
Revises: 0021_agreement_letter
Create Date: 2026-12-04
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0022_training'
down_revision = '0021_agreement_letter'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
