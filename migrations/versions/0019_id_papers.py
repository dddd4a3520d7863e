"""Identity papers: the holder's ID type with per-type uniqueness.

Members gain the other kinds of ID document (passport, travel permits, residence permit, foreign permanent residence
card): the ``id_type`` column widens to hold their names and its CHECK constraint lists them.

Uniqueness is per kind and number: the blind index of a new kind is computed under a context of its own, so the
existing unique index on ``id_number_index`` already keeps a passport number apart from the same digits on a permit.
Existing rows are all resident IDs or credit codes (the old constraint allowed nothing else); those two kinds keep the
index context, the masked form and the type they were stored with, so no row is rewritten. The upgrade checks that.

SQLite cannot alter a column's type or a CHECK constraint, and rebuilding ``members`` would need foreign keys off
while cards point at it: the table's definition text is edited in place, as in 0004.

Revision ID: 0019_id_papers
Revises: 0018_dues
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_id_papers'
down_revision = '0018_dues'
branch_labels = None
depends_on = None

OLD_TYPES = "'resident_id', 'uscc'"
NEW_TYPES = ("'resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'hmt_residence_permit', "
             "'foreign_permanent_residence', 'uscc'")


def _retype(old_types: str, new_types: str, old_length: int, new_length: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE members DROP CONSTRAINT ck_members_id_type")
        op.execute(f"ALTER TABLE members ALTER COLUMN id_type TYPE VARCHAR({new_length})")
        op.execute(f"ALTER TABLE members ADD CONSTRAINT ck_members_id_type CHECK (id_type IN ({new_types}))")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'members'").scalar()
    edits = ((f"id_type VARCHAR({old_length}) NOT NULL", f"id_type VARCHAR({new_length}) NOT NULL"),
             (f"CONSTRAINT ck_members_id_type CHECK (id_type IN ({old_types}))",
              f"CONSTRAINT ck_members_id_type CHECK (id_type IN ({new_types}))"))
    for before, after in edits:
        if before not in sql:
            raise RuntimeError(f"members: {before!r} not found as expected")
        sql = sql.replace(before, after)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'members'", (sql,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    bind = op.get_bind()
    # The fill-in for existing rows: every one is a resident ID or a credit code, stored as those kinds are now.
    odd = bind.execute(sa.text(f"SELECT count(*) FROM members WHERE id_type NOT IN ({OLD_TYPES})")).scalar()
    if odd:
        raise RuntimeError(f"members: {odd} rows of an unknown ID type; nothing changed")
    _retype(OLD_TYPES, NEW_TYPES, 16, 32)


def downgrade():
    bind = op.get_bind()
    others = bind.execute(sa.text(f"SELECT count(*) FROM members WHERE id_type NOT IN ({OLD_TYPES})")).scalar()
    if others:
        raise RuntimeError(f"members: {others} holders identified by a passport, permit or residence card; "
                           "the older schema cannot hold them")
    _retype(NEW_TYPES, OLD_TYPES, 32, 16)
