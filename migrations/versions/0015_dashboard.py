"""Dashboard figures: indexes for the aggregate queries of app/reports/stats.py (GET /api/v1/stats).

Revision ID: 0015_dashboard
Revises: 0014_lists
Create Date: 2026-12-04
"""
from alembic import op

revision = '0015_dashboard'
down_revision = '0014_lists'
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_cards_dashboard", "cards", ["issued_on", "program_id", "status", "issued_by_id", "predecessor_id"]),
    ("ix_cards_program_dashboard", "cards", ["program_id", "issued_on", "status", "issued_by_id", "predecessor_id"]),
    ("ix_cards_program_status", "cards", ["program_id", "status"]),
    ("ix_cards_status_valid_through", "cards", ["status", "valid_through", "program_id"]),
    ("ix_ledger_entries_card_amount", "ledger_entries", ["card_id", "amount_fen"]),
    ("ix_redemptions_redeemed_at", "redemptions", ["redeemed_at"]),
    ("ix_refund_requests_status_decided_at", "refund_requests", ["status", "decided_at"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
