"""Lists that scale: the member search's prefix lookups on PostgreSQL, the scan list's filters, the card list's status
filter in its order (newest first by number).

Revision ID: 0014_lists
Revises: 0013_card_list
Create Date: 2026-12-04
"""
from alembic import op


revision = '0014_lists'
down_revision = '0013_card_list'
branch_labels = None
depends_on = None


def _member_indexes(pattern_ops: bool) -> None:
    """On PostgreSQL the name and phone indexes answer LIKE 'prefix%' only with pattern_ops (unless the database's
    collation is C); SQLite's stay as they are (the search asks it for a range)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in ("name", "phone"):
        op.drop_index(f"ix_members_{column}", table_name="members")
        op.create_index(f"ix_members_{column}", "members", [column],
                        **({"postgresql_ops": {column: "varchar_pattern_ops"}} if pattern_ops else {}))


def upgrade():
    _member_indexes(True)
    op.create_index("ix_scans_verdict_id", "scans", ["verdict", "id"])
    op.create_index("ix_scans_created_at", "scans", ["created_at"])
    op.create_index("ix_cards_status_id", "cards", ["status", "id"])


def downgrade():
    op.drop_index("ix_cards_status_id", table_name="cards")
    op.drop_index("ix_scans_created_at", table_name="scans")
    op.drop_index("ix_scans_verdict_id", table_name="scans")
    _member_indexes(False)
