"""Documents to each agreement's letter: titles, terms, copies, the value-add increment.

A programme names its agreement and its money (内部认购协议书 / 诚意金…), says how a refund is asked for and whether the
card is valid only together with the agreement. Programmes made before keep empty words: their documents use the
kind's usual ones. The increment of a value-add tier is its credit less its deposit, so tiers need no column.

Revision ID: 0021_agreement_letter
Revises: 0020_portal
Create Date: 2026-12-04
"""
from alembic import op


revision = '0021_agreement_letter'
down_revision = '0020_portal'
branch_labels = None
depends_on = None

COLUMNS = (
    ("agreement_title", "VARCHAR(40)"),
    ("deposit_term", "VARCHAR(10)"),
    ("refund_request_method", "VARCHAR(12) DEFAULT 'in_person' NOT NULL CONSTRAINT ck_programs_refund_request_method"
                              " CHECK (refund_request_method IN ('in_person', 'by_phone'))"),
    ("card_with_agreement", "BOOLEAN DEFAULT '0' NOT NULL"),
)


def upgrade():
    for name, ddl in COLUMNS:
        op.execute(f"ALTER TABLE programs ADD COLUMN {name} {ddl}")


def downgrade():
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE programs DROP COLUMN {name}")
