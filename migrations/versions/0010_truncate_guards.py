"""Evidence tables refuse TRUNCATE on PostgreSQL, as the audit log already did: a row trigger cannot see a TRUNCATE,
so until now one statement could empty the ledger, the documents, the signatures, the scans or the charges.
(SQLite has no TRUNCATE; its DELETE triggers already guard every row.)

Revision ID: 0010_truncate_guards
Revises: 0009_void_requests
Create Date: 2026-11-24
"""
from alembic import op


revision = '0010_truncate_guards'
down_revision = '0009_void_requests'
branch_labels = None
depends_on = None

EVIDENCE = ("ledger_entries", "scans", "documents", "signatures", "charges")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in EVIDENCE:
        op.execute(f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                       FOR EACH STATEMENT EXECUTE FUNCTION row_is_append_only()""")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in EVIDENCE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
