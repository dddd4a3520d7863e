"""The schema comes only from migrations, and the migrations match the models."""

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db


def test_migrated_schema_matches_the_models(app):
    conn = db.session.connection()  # the test's own connection: SQLite allows one writer at a time
    diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_upgrade_downgrade_upgrade_on_a_fresh_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", "VIP_DATA_KEY": "data-key-0123456789"})
    with fresh.app_context():
        flask_migrate.upgrade()
        assert "audit_log" in sa.inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        flask_migrate.upgrade()
        assert {"users", "programs", "tiers", "members", "audit_log", "api_tokens"} <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
