"""Documents stay append-only, except that their encrypted bytes may be re-encrypted under a new data key
(`flask keys rotate-data-key`): an UPDATE must change those bytes and nothing else; every other column, the
plaintext's SHA-256 among them, still refuses to change.

Revision ID: 0012_document_rekeying
Revises: 0011_token_lifetimes
Create Date: 2026-12-04
"""
from alembic import op


revision = '0012_document_rekeying'
down_revision = '0011_token_lifetimes'
branch_labels = None
depends_on = None

KEPT = ("id", "agreement_id", "role", "filename", "mime", "size", "sha256", "template_version", "created_at",
        "signature_info")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER documents_no_change ON documents")
        op.execute("""CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
                      FOR EACH ROW EXECUTE FUNCTION row_is_append_only()""")
        op.execute("""CREATE TRIGGER documents_no_change BEFORE UPDATE ON documents FOR EACH ROW
                      WHEN (NEW.content_encrypted IS NOT DISTINCT FROM OLD.content_encrypted
                            OR (to_jsonb(NEW) - 'content_encrypted') IS DISTINCT FROM (to_jsonb(OLD) - 'content_encrypted'))
                      EXECUTE FUNCTION row_is_append_only()""")
    else:
        changed = " OR ".join(["NEW.content_encrypted IS OLD.content_encrypted"]
                              + [f"NEW.{column} IS NOT OLD.{column}" for column in KEPT])
        op.execute("DROP TRIGGER documents_no_update")
        op.execute(f"""CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents WHEN {changed}
                       BEGIN SELECT RAISE(ABORT, 'documents is append-only'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER documents_no_change ON documents")
        op.execute("DROP TRIGGER documents_no_delete ON documents")
        op.execute("""CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON documents
                      FOR EACH ROW EXECUTE FUNCTION row_is_append_only()""")
    else:
        op.execute("DROP TRIGGER documents_no_update")
        op.execute("""CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
                      BEGIN SELECT RAISE(ABORT, 'documents is append-only'); END""")
