"""The card list: indexes for its order (newest first), the consultant filter and the issue-day filter.

Revision ID: 0013_card_list
Revises: 0012_document_rekeying
Create Date: 2026-12-04
"""
from alembic import op


revision = '0013_card_list'
down_revision = '0012_document_rekeying'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cards_issued_at_id", "cards", ["issued_at", "id"])
    op.create_index("ix_cards_issued_by_id", "cards", ["issued_by_id"])
    op.create_index("ix_cards_issued_on", "cards", ["issued_on"])


def downgrade():
    op.drop_index("ix_cards_issued_on", table_name="cards")
    op.drop_index("ix_cards_issued_by_id", table_name="cards")
    op.drop_index("ix_cards_issued_at_id", table_name="cards")
