"""Money movements, scans, documents, signatures and the audit log are kept as written, by the database."""

import pytest
import sqlalchemy as sa

from app.extensions import db

APPEND_ONLY = ("audit_log", "ledger_entries", "scans", "documents", "signatures", "charges")


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_migrations_leave_every_evidence_table_guarded(app, table):
    """The triggers exist after `upgrade head` (a batch migration on SQLite would silently drop them)."""
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        names = set(conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)).scalars())
        assert {f"{table}_no_update", f"{table}_no_delete"} <= names
    else:
        names = set(conn.execute(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal"), {"t": table}).scalars())
        assert any(name.endswith("_no_change") for name in names)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_evidence_tables_refuse_truncate_on_postgresql(app, table):
    """One TRUNCATE used to empty the ledger or the documents: only the audit log refused it."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its row triggers guard DELETE")
    savepoint = conn.begin_nested()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        conn.exec_driver_sql(f"TRUNCATE {table} CASCADE")
    savepoint.rollback()
