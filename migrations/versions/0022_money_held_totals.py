"""Money held kept as a running total per programme in 16 shard rows, by a trigger on the ledger (issue 11).

The dashboard summed every ledger row of a programme (0.4–0.7 s at a million cards, docs/benchmarks.md). Each ledger
row inserted now adds its amount to the row (programme, shard) of ``money_held_totals`` in the same transaction, from a
trigger, so no code path can forget it. The shard is a function of the card's public id, which reissue and transfer
keep: the money they carry from a card to its successor stays in one shard row, each card's transaction locks one row,
and operations on different cards of a programme wait for each other one time in sixteen. On PostgreSQL the trigger's
function runs as its owner (SECURITY DEFINER), so the application's role needs no right to write the totals
(deploy/postgres-app-role.sql takes it away). The table is filled from the ledger as it stands.

Revision ID: 0022_money_held_totals
Revises: 0021_agreement_letter
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op


revision = '0022_money_held_totals'
down_revision = '0021_agreement_letter'
branch_labels = None
depends_on = None

SHARDS = 16  # app.cards.models.MONEY_HELD_SHARDS


def _shard(card, code):
    """The shard of a card: its public id's first two characters (random base64url) mixed, nearly even over 16."""
    return f"({code}(substr({card}.public_id, 1, 1)) + 3 * {code}(substr({card}.public_id, 2, 1))) % {SHARDS}"


def upgrade():
    op.create_table(
        'money_held_totals',
        sa.Column('program_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('held_fen', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(f'shard >= 0 AND shard < {SHARDS}', name=op.f('ck_money_held_totals_shard_in_range')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_money_held_totals_program_id_programs')),
        sa.PrimaryKeyConstraint('program_id', 'shard', name=op.f('pk_money_held_totals')),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    shard = _shard("c", "ascii" if postgres else "unicode")
    op.execute(f"""INSERT INTO money_held_totals (program_id, shard, held_fen)
                   SELECT c.program_id, {shard}, sum(l.amount_fen) FROM ledger_entries l JOIN cards c ON c.id = l.card_id
                   GROUP BY c.program_id, {shard}""")
    add = f"""INSERT INTO money_held_totals (program_id, shard, held_fen)
              SELECT c.program_id, {shard}, NEW.amount_fen FROM cards c WHERE c.id = NEW.card_id
              ON CONFLICT (program_id, shard) DO UPDATE SET held_fen = money_held_totals.held_fen + excluded.held_fen;"""
    if postgres:
        op.execute(f"""CREATE FUNCTION money_held_add() RETURNS trigger LANGUAGE plpgsql
                       SECURITY DEFINER SET search_path FROM CURRENT AS $$
                       BEGIN {add} RETURN NULL; END $$""")
        op.execute("REVOKE EXECUTE ON FUNCTION money_held_add() FROM PUBLIC")  # a trigger runs it whatever the grants
        op.execute("""CREATE TRIGGER ledger_entries_money_held AFTER INSERT ON ledger_entries FOR EACH ROW
                      WHEN (NEW.amount_fen <> 0) EXECUTE FUNCTION money_held_add()""")
    else:  # the SELECT has its WHERE, so SQLite reads ON CONFLICT as the upsert's, not as a join's ON
        op.execute(f"""CREATE TRIGGER ledger_entries_money_held AFTER INSERT ON ledger_entries
                       WHEN NEW.amount_fen <> 0 BEGIN {add} END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_money_held ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS money_held_add()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_money_held")
    op.drop_table('money_held_totals')
