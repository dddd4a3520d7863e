"""Backups of the embedded SQLite database through SQLite's online backup API: consistent while the service runs,
documents and signing keys included (they live in the database, encrypted). PostgreSQL is backed up with
pg_dump/pg_restore (docs/operations.md). The keys are not in the backup: keep them in the secret store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import current_app

from ..crypto import cipher
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..members.services import _CONTEXT as MEMBER_CONTEXT
from ..rules import N_, refuse
from ..settings import DATA_KEY_CHECK, data_key_check_value


def _database_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise Conflict(refuse("backup_not_sqlite", N_(
            "This command backs up the built-in SQLite database; back up PostgreSQL with pg_dump (docs/operations.md).")))
    return Path(url.database)


def backup(target: Path) -> dict[str, int]:
    """Copy the live database to ``target`` (a new file, readable by its owner only) and check the copy."""
    source = _database_path()
    if target.exists():
        raise ValidationFailed({"path": refuse("backup_exists", N_("%(path)s exists already: choose a new file."),
                                                path=str(target))})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return _summary(target)


def restore(source: Path) -> dict[str, int]:
    """Replace the live database with a backup written by this installation (the same data key). Stop the
    service first: workers holding the old file open would go on writing to it."""
    target = _database_path()
    if not source.is_file():
        raise ValidationFailed({"path": refuse("backup_missing", N_("There is no file at %(path)s."), path=str(source))})
    summary = _summary(source)
    if not _readable_with_our_key(source):
        raise Conflict(refuse("backup_other_key", N_(
            "This backup was written under another VIP_DATA_KEY: its ID numbers and documents could not be read. "
            "Restore it with the key it was made with.")))
    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db, sqlite3.connect(target) as live:
        backup_db.backup(live)
    return summary


def _readable_with_our_key(source: Path) -> bool:
    """The backup's key check value is ours; a database never started since its creation has none, so one of its
    ID numbers must open with our key."""
    keys = [current_app.config["VIP_DATA_KEY"], *(current_app.config.get("VIP_DATA_KEY_PREVIOUS") or ())]
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
        check = backup_db.execute("SELECT value FROM app_settings WHERE key = ?", (DATA_KEY_CHECK,)).fetchone()
        sample = backup_db.execute("SELECT id_number_encrypted FROM members LIMIT 1").fetchone()
    if check is not None:
        return check[0] in {data_key_check_value(key) for key in keys}
    if sample is None:
        return True  # nothing encrypted in it
    try:
        cipher().decrypt_bytes(sample[0], context=MEMBER_CONTEXT)
    except ValueError:
        return False
    return True


def _summary(path: Path) -> dict[str, int]:
    """Row counts of a backup file after SQLite's integrity check; a damaged or foreign file is refused."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "cards", "ledger_entries"} <= tables:
                raise sqlite3.DatabaseError("not this service's database")
            counts = {table: copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # names from the file
                      for table in ("members", "cards", "ledger_entries", "documents", "scans", "audit_log")}
            counts["ledger_sum_fen"] = copy.execute("SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries").fetchone()[0]
            return counts
    except sqlite3.DatabaseError as exc:
        raise ValidationFailed({"path": refuse("backup_unreadable", N_(
            "%(path)s is not a readable backup of this service: %(reason)s."), path=str(path), reason=str(exc))}) from exc
