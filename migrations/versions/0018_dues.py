"""Paid memberships: dues, late fees, the issuer's termination notice.

Programmes gain the late fee per day (basis points of the contract total) and the issuer's notice; cards issued
before their fee was paid carry the dues' status, due day, payment day and the late fee charged; a late fee is a
charge; a termination notice (the member's or the issuer's) is a row of its own until the daily job ends the card.

Columns are added with plain ALTER TABLE (a batch copy of cards fails on SQLite, see 0016); each CHECK sits on its
own column so SQLite can drop the column again. The charges' kind list is widened the way 0004 does it.

Revision ID: 0018_dues
Revises: 0017_loyalty
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_dues'
down_revision = '0017_loyalty'
branch_labels = None
depends_on = None

CHARGE_KINDS = "'reissue_fee', 'transfer_fee', 'renewal_fee'"
PROGRAM_COLUMNS = (
    ("late_fee_per_day_bp", "INTEGER CONSTRAINT ck_programs_late_fee_range"
                            " CHECK (late_fee_per_day_bp IS NULL OR late_fee_per_day_bp BETWEEN 0 AND 10000)"),
    ("issuer_termination_notice_days", "INTEGER"),
)
CARD_COLUMNS = (
    ("dues_status", "VARCHAR(8) CONSTRAINT ck_cards_dues_status CHECK (dues_status IN ('unpaid', 'paid'))"),
    ("dues_due_on", "DATE"),
    ("dues_paid_on", "DATE"),
    ("dues_late_fee_fen", "BIGINT"),
)


def _replace_charge_kinds(old: str, new: str) -> None:
    bind = op.get_bind()
    name = "ck_charges_charge_kind"
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE charges DROP CONSTRAINT {name}")
        op.execute(f"ALTER TABLE charges ADD CONSTRAINT {name} CHECK (kind IN ({new}))")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'charges'").scalar()
    before = f"CONSTRAINT {name} CHECK (kind IN ({old}))"
    if before not in sql:
        raise RuntimeError(f"charges: constraint {name} not found as expected")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'charges'",
                         (sql.replace(before, before.replace(f"({old})", f"({new})")),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    for name, ddl in PROGRAM_COLUMNS:
        op.execute(f"ALTER TABLE programs ADD COLUMN {name} {ddl}")
    for name, ddl in CARD_COLUMNS:
        op.execute(f"ALTER TABLE cards ADD COLUMN {name} {ddl}")
    _replace_charge_kinds(CHARGE_KINDS, CHARGE_KINDS + ", 'late_fee'")
    op.create_table(
        'terminations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('party', sa.Enum('member', 'issuer', name='termination_party', native_enum=False,
                                   create_constraint=True, length=8), nullable=False),
        sa.Column('noticed_on', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('noticed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('took_effect_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('last_day >= noticed_on', name=op.f('ck_terminations_notice_order')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_terminations_card_id_cards')),
        sa.ForeignKeyConstraint(['noticed_by_id'], ['users.id'], name=op.f('fk_terminations_noticed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_terminations')),
    )
    op.create_index(op.f('ix_terminations_card_id'), 'terminations', ['card_id'])
    op.create_index('uq_terminations_one_running', 'terminations', ['card_id'], unique=True,
                    sqlite_where=sa.text('took_effect_at IS NULL'), postgresql_where=sa.text('took_effect_at IS NULL'))


def downgrade():
    late_fees = op.get_bind().exec_driver_sql("SELECT count(*) FROM charges WHERE kind = 'late_fee'").scalar()
    if late_fees:  # charges are never deleted (0010's triggers): the older schema cannot hold them
        raise RuntimeError(f"{late_fees} late fee(s) are recorded as charges; the schema before 0018 cannot hold them")
    op.drop_index('uq_terminations_one_running', table_name='terminations')
    op.drop_index(op.f('ix_terminations_card_id'), table_name='terminations')
    op.drop_table('terminations')
    _replace_charge_kinds(CHARGE_KINDS + ", 'late_fee'", CHARGE_KINDS)
    for name, _ in reversed(CARD_COLUMNS):
        op.execute(f"ALTER TABLE cards DROP COLUMN {name}")
    for name, _ in reversed(PROGRAM_COLUMNS):
        op.execute(f"ALTER TABLE programs DROP COLUMN {name}")
