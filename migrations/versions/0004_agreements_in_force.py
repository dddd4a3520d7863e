"""Agreements that bind: cards awaiting signature, programme particulars, signed documents, signing certificates.

Cards whose own subscription agreement is not sealed yet become ``awaiting_signature``: the agreement says it
takes effect only once both parties have signed and sealed it.

SQLite cannot alter a CHECK constraint, and rebuilding ``cards`` would need foreign keys off (impossible inside
the migration's transaction) while a dozen tables point at it. CHECK constraints do not affect how rows are
stored, so the table's definition text is edited in place, the procedure SQLite documents for this.

Revision ID: 0004_agreements_in_force
Revises: 0003_lifecycle
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_agreements_in_force'
down_revision = '0003_lifecycle'
branch_labels = None
depends_on = None

CARD_STATES = "'active', 'lost', 'replaced', 'transferred', 'refund_pending', 'refunded', 'redeemed', 'expired', 'voided'"
DOCUMENT_ROLES = "'draft', 'sealed'"
PROGRAM_COLUMNS = (
    ("issuer_address", "VARCHAR(200)"),
    ("issuer_credit_code", "VARCHAR(18)"),
    ("issuer_legal_rep", "VARCHAR(60)"),
    ("dispute_resolution", "VARCHAR(12) DEFAULT 'court' NOT NULL CONSTRAINT ck_programs_dispute_resolution"
                           " CHECK (dispute_resolution IN ('court', 'arbitration'))"),
    ("dispute_body", "VARCHAR(120)"),
    ("copies", "INTEGER DEFAULT 2 NOT NULL CONSTRAINT ck_programs_copies_range CHECK (copies BETWEEN 1 AND 9)"),
    ("copies_held_by", "VARCHAR(100)"),
)
ARBITRATION = "CONSTRAINT ck_programs_arbitration_names_body CHECK (dispute_resolution = 'court' OR dispute_body IS NOT NULL)"


def _replace_check(table: str, name: str, old: str, new: str) -> None:
    """Widen or narrow the list of values a CHECK constraint allows."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        column = {"ck_cards_card_status": "status", "ck_documents_document_role": "role"}[name]
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({new}))")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    before = f"CONSTRAINT {name} CHECK ({'status' if table == 'cards' else 'role'} IN ({old}))"
    after = before.replace(f"({old})", f"({new})")
    if before not in sql:
        raise RuntimeError(f"{table}: constraint {name} not found as expected")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                         (sql.replace(before, after), table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    bind = op.get_bind()
    _replace_check("cards", "ck_cards_card_status", CARD_STATES, "'awaiting_signature', " + CARD_STATES)
    _replace_check("documents", "ck_documents_document_role", DOCUMENT_ROLES, "'draft', 'signed', 'sealed'")

    for name, ddl in PROGRAM_COLUMNS:
        if name == "dispute_body" and bind.dialect.name == "sqlite":
            ddl += " " + ARBITRATION  # SQLite adds no table constraint to a table: the column carries the rule
        op.execute(f"ALTER TABLE programs ADD COLUMN {name} {ddl}")
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE programs ADD {ARBITRATION}")

    # Append-only tables gain columns that are set once, on insert.
    op.execute("ALTER TABLE documents ADD COLUMN signature_info TEXT")
    op.execute("ALTER TABLE signatures ADD COLUMN consented BOOLEAN")
    op.create_index("uq_documents_agreement_role_mime", "documents", ["agreement_id", "role", "mime"], unique=True)

    op.create_table(
        'signing_certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.Enum('uploaded', 'demo', 'demo_ca', name='certificate_kind', native_enum=False,
                                  create_constraint=True, length=12), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('serial', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
        sa.Column('not_after', sa.DateTime(timezone=True), nullable=False),
        sa.Column('certificate_pem', sa.Text(), nullable=False),
        sa.Column('key_encrypted', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_signing_certificates_created_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_signing_certificates_program_id_programs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_certificates')),
    )
    op.create_index(op.f('ix_signing_certificates_program_id'), 'signing_certificates', ['program_id'], unique=False)
    op.create_index('uq_signing_certificates_current', 'signing_certificates', ['program_id'], unique=True,
                    sqlite_where=sa.text('retired_at IS NULL AND program_id IS NOT NULL'),
                    postgresql_where=sa.text('retired_at IS NULL AND program_id IS NOT NULL'))
    op.create_index('uq_signing_certificates_one_demo_ca', 'signing_certificates', ['kind'], unique=True,
                    sqlite_where=sa.text("kind = 'demo_ca'"), postgresql_where=sa.text("kind = 'demo_ca'"))

    # Cards in use whose own subscription agreement nobody has sealed are not in force yet.
    op.execute("""UPDATE cards SET status = 'awaiting_signature'
                  WHERE status = 'active' AND EXISTS (
                      SELECT 1 FROM agreements a WHERE a.card_id = cards.id AND a.kind = 'subscription'
                                                   AND a.status = 'unsigned')""")


def downgrade():
    op.execute("UPDATE cards SET status = 'active' WHERE status = 'awaiting_signature'")
    op.drop_index('uq_signing_certificates_one_demo_ca', table_name='signing_certificates')
    op.drop_index('uq_signing_certificates_current', table_name='signing_certificates')
    op.drop_index(op.f('ix_signing_certificates_program_id'), table_name='signing_certificates')
    op.drop_table('signing_certificates')
    op.drop_index("uq_documents_agreement_role_mime", table_name="documents")
    op.execute("ALTER TABLE signatures DROP COLUMN consented")
    op.execute("ALTER TABLE documents DROP COLUMN signature_info")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE programs DROP CONSTRAINT ck_programs_arbitration_names_body")
    for name, _ in reversed(PROGRAM_COLUMNS):
        op.execute(f"ALTER TABLE programs DROP COLUMN {name}")
    _replace_check("documents", "ck_documents_document_role", "'draft', 'signed', 'sealed'", DOCUMENT_ROLES)
    _replace_check("cards", "ck_cards_card_status", "'awaiting_signature', " + CARD_STATES, CARD_STATES)
