"""Retail programmes: their own kind, the loyalty settings, purchases and point lots.

The kind's CHECK constraint widens to 'retail', and "a programme without a refund window" is now any kind but a
pre-sale one. SQLite cannot alter a CHECK constraint: as in 0004, the table's definition text is edited in place.

Revision ID: 0017_loyalty
Revises: 0016_jobs
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_loyalty'
down_revision = '0016_jobs'
branch_labels = None
depends_on = None

KINDS = "'presale_deposit', 'paid_membership'"
KIND_CHECK = "kind IN ({})"
REFUNDABLE_OLD = "kind = 'paid_membership' OR refund_anchor IS NOT NULL"
REFUNDABLE_NEW = "kind <> 'presale_deposit' OR refund_anchor IS NOT NULL"
LOYALTY_CHECK = ("points_per_yuan_milli BETWEEN 0 AND 100000 AND point_value_fen > 0 AND points_valid_months > 0"
                 " AND birthday_multiplier >= 1")
PROGRAM_COLUMNS = (
    ("points_per_yuan_milli", "INTEGER DEFAULT 100 NOT NULL"),
    ("point_value_fen", "BIGINT DEFAULT 100 NOT NULL"),
    ("points_valid_months", "INTEGER DEFAULT 12 NOT NULL"),
    ("birthday_multiplier", "INTEGER DEFAULT 2 NOT NULL"),
)


def _replace_checks(changes: list[tuple[str, str, str]]) -> None:
    """(constraint name, old condition, new condition) on the programs table."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, _, new in changes:
            op.execute(f"ALTER TABLE programs DROP CONSTRAINT {name}")
            op.execute(f"ALTER TABLE programs ADD CONSTRAINT {name} CHECK ({new})")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'programs'").scalar()
    for name, old, new in changes:
        before = f"CONSTRAINT {name} CHECK ({old})"
        if before not in sql:
            raise RuntimeError(f"programs: constraint {name} not found as expected")
        sql = sql.replace(before, f"CONSTRAINT {name} CHECK ({new})")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'programs'", (sql,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    bind = op.get_bind()
    _replace_checks([("ck_programs_program_kind", KIND_CHECK.format(KINDS), KIND_CHECK.format(KINDS + ", 'retail'")),
                     ("ck_programs_deposit_refundable", REFUNDABLE_OLD, REFUNDABLE_NEW)])
    for name, ddl in PROGRAM_COLUMNS:
        if name == "birthday_multiplier" and bind.dialect.name == "sqlite":
            ddl += f" CONSTRAINT ck_programs_loyalty_terms CHECK ({LOYALTY_CHECK})"  # SQLite adds no table constraint
        op.execute(f"ALTER TABLE programs ADD COLUMN {name} {ddl}")
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE programs ADD CONSTRAINT ck_programs_loyalty_terms CHECK ({LOYALTY_CHECK})")

    op.create_table(
        'purchases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('receipt_no', sa.String(length=64), nullable=False),
        sa.Column('purchased_on', sa.Date(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('discounted_fen', sa.BigInteger(), nullable=False),
        sa.Column('special_price', sa.Boolean(), nullable=False),
        sa.Column('points_value_fen', sa.BigInteger(), nullable=False),
        sa.Column('points_earned', sa.Integer(), nullable=False),
        sa.Column('birthday_month', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_fen > 0 AND discounted_fen >= 0 AND discounted_fen <= amount_fen',
                           name=op.f('ck_purchases_amounts')),
        sa.CheckConstraint('points_value_fen >= 0 AND points_value_fen <= discounted_fen',
                           name=op.f('ck_purchases_points_value_within')),
        sa.CheckConstraint('points_earned >= 0', name=op.f('ck_purchases_points_not_negative')),
        sa.CheckConstraint('NOT special_price OR (points_earned = 0 AND discounted_fen = amount_fen)',
                           name=op.f('ck_purchases_special_price_plain')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_purchases_card_id_cards')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_purchases_created_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_purchases_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_purchases')),
        sa.UniqueConstraint('program_id', 'receipt_no', name='uq_purchases_program_receipt'),
    )
    op.create_index(op.f('ix_purchases_card_id'), 'purchases', ['card_id'])
    op.create_index('ix_purchases_card_day', 'purchases', ['card_id', 'purchased_on'])
    op.create_table(
        'point_lots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('purchase_id', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('remaining', sa.Integer(), nullable=False),
        sa.Column('expired_points', sa.Integer(), nullable=False),
        sa.Column('earned_on', sa.Date(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.CheckConstraint('points > 0', name=op.f('ck_point_lots_points_positive')),
        sa.CheckConstraint('remaining >= 0 AND expired_points >= 0 AND remaining + expired_points <= points',
                           name=op.f('ck_point_lots_remaining_within')),
        sa.CheckConstraint('expires_on >= earned_on', name=op.f('ck_point_lots_expiry_order')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_point_lots_card_id_cards')),
        sa.ForeignKeyConstraint(['purchase_id'], ['purchases.id'], name=op.f('fk_point_lots_purchase_id_purchases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_point_lots')),
        sa.UniqueConstraint('purchase_id', name=op.f('uq_point_lots_purchase_id')),
    )
    op.create_index(op.f('ix_point_lots_card_id'), 'point_lots', ['card_id'])
    op.create_index(op.f('ix_point_lots_expires_on'), 'point_lots', ['expires_on'])
    op.create_table(
        'point_spends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('receipt_no', sa.String(length=64), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('value_fen', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('points > 0 AND value_fen >= 0', name=op.f('ck_point_spends_points_positive')),
        sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_point_spends_card_id_cards')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_point_spends_created_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_point_spends_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_point_spends')),
        sa.UniqueConstraint('program_id', 'receipt_no', name='uq_point_spends_program_receipt'),
    )
    op.create_index(op.f('ix_point_spends_card_id'), 'point_spends', ['card_id'])
    op.create_table(
        'point_spend_parts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('spend_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.CheckConstraint('points > 0', name=op.f('ck_point_spend_parts_points_positive')),
        sa.ForeignKeyConstraint(['lot_id'], ['point_lots.id'], name=op.f('fk_point_spend_parts_lot_id_point_lots')),
        sa.ForeignKeyConstraint(['spend_id'], ['point_spends.id'],
                                name=op.f('fk_point_spend_parts_spend_id_point_spends'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_point_spend_parts')),
    )
    op.create_index(op.f('ix_point_spend_parts_spend_id'), 'point_spend_parts', ['spend_id'])
    op.create_index(op.f('ix_point_spend_parts_lot_id'), 'point_spend_parts', ['lot_id'])


def downgrade():
    op.drop_table('point_spend_parts')
    op.drop_table('point_spends')
    op.drop_table('point_lots')
    op.drop_table('purchases')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE programs DROP CONSTRAINT ck_programs_loyalty_terms")
    for name, _ in reversed(PROGRAM_COLUMNS):
        op.execute(f"ALTER TABLE programs DROP COLUMN {name}")
    # A retail programme was a fee-less membership before it had a kind of its own.
    op.execute("UPDATE programs SET kind = 'paid_membership' WHERE kind = 'retail'")
    _replace_checks([("ck_programs_deposit_refundable", REFUNDABLE_NEW, REFUNDABLE_OLD),
                     ("ck_programs_program_kind", KIND_CHECK.format(KINDS + ", 'retail'"), KIND_CHECK.format(KINDS))])
