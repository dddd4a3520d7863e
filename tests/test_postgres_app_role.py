"""deploy/postgres-app-role.sql, as the operations guide runs it: the service works as that role, and that role can
neither empty nor rewrite the evidence, nor switch off the triggers that guard it."""

import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.clock import FixedClock
from app.extensions import db
from tests.conftest import DEFAULT_NOW, FRESH_KEYS, POSTGRES_URL, Api, cli_token, signed_cards

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "postgres-app-role.sql"
pytestmark = pytest.mark.skipif(not POSTGRES_URL or not shutil.which("psql"), reason="PostgreSQL and psql needed")


@pytest.mark.parametrize("fresh_app", ["postgresql"], indirect=True)
def test_the_service_runs_as_a_role_that_cannot_touch_the_evidence(fresh_app):
    owner_url = sa.engine.make_url(fresh_app.config["SQLALCHEMY_DATABASE_URI"])
    role = f"vip_app_{secrets.token_hex(3)}"
    psql = ["psql", owner_url.set(drivername="postgresql").render_as_string(hide_password=False), "-q",
            "-v", f"app_role={role}", "-v", "app_password=app-password-1", "-f", str(SCRIPT)]
    subprocess.run(psql, check=True, capture_output=True)
    subprocess.run(psql, check=True, capture_output=True)  # after the next upgrade, run again: harmless
    admin = sa.create_engine(owner_url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    as_app = owner_url.set(username=role, password="app-password-1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": as_app.render_as_string(hide_password=False),
                      **FRESH_KEYS, "VIP_CLOCK": FixedClock(DEFAULT_NOW), "VIP_PUBLIC_BASE_URL": "https://vip.example.test"})
    try:
        # the whole day's work: programme, members, cards issued and sealed, a purchase, a scan
        admin_token, consultant, counter = (cli_token(app, "admin", "ada"), cli_token(app, "consultant", "kim"),
                                            cli_token(app, "counter", "cai"))
        card_tokens = signed_cards(app, "ROLE", admin_token, consultant, 2, 900)
        bought = Api(app.test_client(), counter).post(f"/verify/{card_tokens[0]}/redeem",
                                                      {"item": "3-1-1201", "price": "1000000.00"})
        assert bought.status_code == 200, bought.get_json()

        refused = {}
        engine = sa.create_engine(as_app.set(drivername="postgresql+psycopg"))
        for statement in ("TRUNCATE ledger_entries", "TRUNCATE audit_log CASCADE", "DELETE FROM scans",
                          "UPDATE ledger_entries SET amount_fen = 0", "UPDATE documents SET sha256 = 'x'",
                          "ALTER TABLE ledger_entries DISABLE TRIGGER ALL", "DROP TRIGGER audit_log_no_change ON audit_log",
                          "UPDATE alembic_version SET version_num = 'x'", "CREATE TABLE mine (id int)",
                          "UPDATE money_held_totals SET held_fen = 0"):
            with engine.connect() as conn:
                try:
                    conn.exec_driver_sql(statement)
                except sa.exc.ProgrammingError as exc:
                    refused[statement] = type(exc.orig).__name__
        engine.dispose()
        assert set(refused.values()) <= {"InsufficientPrivilege"} and len(refused) == 10, refused
        with admin.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM ledger_entries").scalar() == 3  # two deposits, one applied to the purchase
            # the ledger's trigger kept money held's totals as the app role wrote the ledger
            assert conn.exec_driver_sql("SELECT sum(held_fen) FROM money_held_totals").scalar() == \
                conn.exec_driver_sql("SELECT sum(amount_fen) FROM ledger_entries").scalar() > 0
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()
