"""Units and the 认购书: the inventory (销控表), published discounts, purchases of a unit, cancellations that need
a second person.

Revision ID: 0006_units
Revises: 0005_queue
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_units'
down_revision = '0005_queue'
branch_labels = None
depends_on = None

AGREEMENT_KINDS = "'subscription', 'loss_reissue', 'transfer', 'refund', 'redemption', 'renewal'"
NEW_KINDS = AGREEMENT_KINDS + ", 'purchase_subscription', 'cancellation'"
USE_SETS = ("'residential', 'commercial', 'residential,commercial', 'parking', 'residential,parking', "
            "'commercial,parking'")

# (table, column, type, constraint name, CHECK): SQLite takes the CHECK on the column, PostgreSQL on the table.
COLUMNS = (
    ("programs", "redeemable_uses", "VARCHAR(40)", "ck_programs_redeemable_uses_known",
     f"redeemable_uses IS NULL OR redeemable_uses IN ({USE_SETS})"),
    ("programs", "contract_sign_days", "INTEGER", "ck_programs_contract_sign_days_range",
     "contract_sign_days IS NULL OR contract_sign_days BETWEEN 1 AND 90"),
    ("redemptions", "unit_id", "INTEGER REFERENCES units (id)", None, None),
    ("redemptions", "list_price_fen", "BIGINT", "ck_redemptions_list_price_covers_price",
     "list_price_fen IS NULL OR list_price_fen >= price_fen"),
    ("redemptions", "published_discount", "VARCHAR(40)", None, None),
    ("redemptions", "published_rate_bp", "INTEGER", "ck_redemptions_published_discount_has_rate",
     "(published_discount IS NULL) = (published_rate_bp IS NULL)"),
    ("redemptions", "earnest_fen", "BIGINT", "ck_redemptions_earnest_within_deposit",
     "earnest_fen IS NULL OR (earnest_fen >= 0 AND earnest_fen <= deposit_applied_fen)"),
    ("redemptions", "contract_due_on", "DATE", None, None),
)


def _replace_kind_check(old: str, new: str) -> None:
    """Widen or narrow the agreement kinds (SQLite: the table's definition text is edited in place, as in 0004)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE agreements DROP CONSTRAINT ck_agreements_agreement_kind")
        op.execute(f"ALTER TABLE agreements ADD CONSTRAINT ck_agreements_agreement_kind CHECK (kind IN ({new}))")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreements'").scalar()
    before = f"CONSTRAINT ck_agreements_agreement_kind CHECK (kind IN ({old}))"
    if before not in sql:
        raise RuntimeError("agreements: constraint ck_agreements_agreement_kind not found as expected")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreements'",
                         (sql.replace(before, before.replace(f"({old})", f"({new})")),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    bind = op.get_bind()
    _replace_kind_check(AGREEMENT_KINDS, NEW_KINDS)
    op.create_table(
        'units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('building', sa.String(length=20), nullable=False),
        sa.Column('unit_no', sa.String(length=20), nullable=False),
        sa.Column('floor', sa.Integer(), nullable=False),
        sa.Column('room', sa.String(length=20), nullable=False),
        sa.Column('use', sa.Enum('residential', 'commercial', 'parking', name='unit_use', native_enum=False,
                                 create_constraint=True, length=12), nullable=False),
        sa.Column('area_dm2', sa.Integer(), nullable=False),
        sa.Column('list_price_fen', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.Enum('available', 'held', 'sold', 'withdrawn', name='unit_status', native_enum=False,
                                    create_constraint=True, length=12), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('area_dm2 > 0', name=op.f('ck_units_area_positive')),
        sa.CheckConstraint('list_price_fen > 0', name=op.f('ck_units_price_positive')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_units_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
        sa.UniqueConstraint('program_id', 'code', name='uq_units_program_code'),
    )
    op.create_index('ix_units_program_status', 'units', ['program_id', 'status'])
    op.create_table(
        'published_discounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('rate_bp', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('rate_bp > 0 AND rate_bp <= 10000', name=op.f('ck_published_discounts_rate_range')),
        sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from',
                           name=op.f('ck_published_discounts_validity_order')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_published_discounts_created_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_published_discounts_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_discounts')),
        sa.UniqueConstraint('program_id', 'name', name='uq_published_discounts_name'),
    )
    op.create_index(op.f('ix_published_discounts_program_id'), 'published_discounts', ['program_id'])

    for table, column, ddl, name, check in COLUMNS:
        if check and bind.dialect.name == "sqlite":
            ddl += f" CONSTRAINT {name} CHECK ({check})"
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")
        if check and bind.dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check})")
    op.create_index('uq_redemptions_unit_sold', 'redemptions', ['unit_id'], unique=True,
                    sqlite_where=sa.text('unit_id IS NOT NULL AND annulled_at IS NULL'),
                    postgresql_where=sa.text('unit_id IS NOT NULL AND annulled_at IS NULL'))

    op.create_table(
        'annul_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('redemption_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'done', 'rejected', 'cancelled', name='annul_status', native_enum=False,
                                    create_constraint=True, length=12), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.String(length=200), nullable=True),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('decided_by_id IS NULL OR requested_by_id IS NULL OR decided_by_id <> requested_by_id',
                           name=op.f('ck_annul_requests_two_people')),
        sa.CheckConstraint("status <> 'done' OR decided_by_id IS NOT NULL", name=op.f('ck_annul_requests_done_has_approver')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_annul_requests_agreement_id_agreements')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_annul_requests_card_id_cards')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_annul_requests_decided_by_id_users')),
        sa.ForeignKeyConstraint(['redemption_id'], ['redemptions.id'], name=op.f('fk_annul_requests_redemption_id_redemptions')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_annul_requests_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annul_requests')),
    )
    op.create_index(op.f('ix_annul_requests_redemption_id'), 'annul_requests', ['redemption_id'])
    op.create_index('uq_annul_requests_one_open', 'annul_requests', ['redemption_id'], unique=True,
                    sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))


def _sqlite_edit_schema(table: str, edits: list[tuple[str, str]]) -> None:
    """Edit a table's definition text in place (constraints and references do not change how rows are stored)."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    for before, after in edits:
        if before not in sql:
            raise RuntimeError(f"{table}: {before!r} not found as expected")
        sql = sql.replace(before, after)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def downgrade():
    bind = op.get_bind()
    kept = bind.exec_driver_sql("SELECT COUNT(*) FROM agreements WHERE kind IN ('purchase_subscription', 'cancellation')"
                                ).scalar() + bind.exec_driver_sql("SELECT COUNT(*) FROM units").scalar()
    if kept:
        # Sold units and their 认购书 are records of sales: going back would lose them.
        raise RuntimeError("units or 认购书 exist: this database cannot go back before 0006_units")
    op.drop_table('annul_requests')
    op.drop_index('uq_redemptions_unit_sold', table_name='redemptions')
    for table, column, ddl, name, check in reversed(COLUMNS):
        if bind.dialect.name == "sqlite" and (check or "REFERENCES" in ddl):
            # SQLite drops no column named by a constraint or a reference: take those off its definition first.
            plain = ddl.split(" REFERENCES")[0]
            full = f"{column} {ddl}" + (f" CONSTRAINT {name} CHECK ({check})" if check else "")
            _sqlite_edit_schema(table, [(full, f"{column} {plain}")])
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_table('published_discounts')
    op.drop_index('ix_units_program_status', table_name='units')
    op.drop_table('units')
    _replace_kind_check(NEW_KINDS, AGREEMENT_KINDS)
