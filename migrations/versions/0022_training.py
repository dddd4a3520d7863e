"""Training copies at a chosen date; every fee on the money table: no change to the schema.

A training copy is configuration (VIP_TRAINING, VIP_TRAINING_DATE: app/training.py); the fees already had their table
(charges), now shown beside the ledger. The revision stays so the chain 0016 → 0022 is whole.

Revision ID: 0022_training
Revises: 0021_agreement_letter
Create Date: 2026-12-04
"""

revision = '0022_training'
down_revision = '0021_agreement_letter'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
