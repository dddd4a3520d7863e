"""Backups that restore the same verdicts and money (SQLite through the CLI, PostgreSQL through the documented
pg_dump/pg_restore), and a data key changed without losing an ID number or a document, even when interrupted."""

import shutil
import stat
import subprocess

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app import create_app
from app.agreements.models import Document
from app.agreements.services import document_bytes
from app.cards.models import LedgerEntry, MoneyHeldTotal
from app.clock import FixedClock
from app.extensions import db
from app.members.models import Member
from app.members.services import decrypt_id_number, find_by_id_number
from app.settings import WrongDataKey
from tests.conftest import DEFAULT_NOW, FRESH_KEYS, POSTGRES_URL, Api, cli_token, signed_cards, valid_id_number

NEW_DATA_KEY = "the-next-data-key-6b2d8f4a1c3e5097"


def _state(app, token: str, card_tokens: list[str]) -> tuple[list[str], int, int, int]:
    """What a counter sees of each card, the money the ledger holds and its running totals (the dashboard's), and how
    many cards there are."""
    api = Api(app.test_client(), token)
    verdicts = [api.get(f"/verify/{t}").get_json()["result"] for t in card_tokens]
    with app.app_context():
        ledger = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)))
        held = db.session.scalar(select(func.coalesce(func.sum(MoneyHeldTotal.held_fen), 0)))
        cards = db.session.scalar(sa.text("SELECT count(*) FROM cards"))
    assert held == ledger
    return verdicts, ledger, held, cards


def _setup(app, code: str, seed: int) -> tuple[str, str, list[str]]:
    admin, consultant = cli_token(app, "admin", "ada"), cli_token(app, "consultant", "kim")
    counter = cli_token(app, "counter", "cai")
    card_tokens = signed_cards(app, code, admin, consultant, 3, seed)
    redeemed = Api(app.test_client(), counter).post(f"/verify/{card_tokens[0]}/redeem",
                                                    {"item": "3-1-1201", "price": "1000000.00"})
    assert redeemed.status_code == 200, redeemed.get_json()
    return consultant, counter, card_tokens


@pytest.mark.parametrize("fresh_app", ["sqlite"], indirect=True)
def test_a_sqlite_backup_restores_the_same_verdicts_and_money(fresh_app, tmp_path):
    consultant, counter, card_tokens = _setup(fresh_app, "BACKUP", 600)
    before = _state(fresh_app, counter, card_tokens)
    assert before[0] == ["redeemed", "valid", "valid"]
    runner = fresh_app.test_cli_runner()
    path = tmp_path / "backups" / "vip-2026-05-20.sqlite3"
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "cards 3" in made.output and "keys are not in it" in made.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "已存在，请换一个新文件名" in runner.invoke(args=["backup", str(path)]).output

    # the day goes on after the backup: a second card redeemed, a fourth issued
    assert Api(fresh_app.test_client(), counter).post(f"/verify/{card_tokens[1]}/redeem",
                                                      {"item": "3-1-1202", "price": "900000.00"}).status_code == 200
    later = signed_cards(fresh_app, "LATER", cli_token(fresh_app, "admin", "ada2"), consultant, 1, 650)
    assert _state(fresh_app, counter, card_tokens) != before

    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _state(fresh_app, counter, card_tokens) == before
    assert Api(fresh_app.test_client(), counter).get(f"/verify/{later[0]}").get_json()["result"] == "invalid"
    with fresh_app.app_context():  # the documents came back readable too
        document = db.session.scalars(select(Document)).first()
        assert document_bytes(document)[:4] in (b"%PDF", b"PK\x03\x04")

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    refused = runner.invoke(args=["restore", str(not_a_backup), "--yes"])
    assert refused.exit_code == 1 and "不是本系统可读取的备份" in refused.output


@pytest.mark.parametrize("fresh_app", ["sqlite"], indirect=True)
def test_a_backup_made_under_another_data_key_is_not_restored(fresh_app, tmp_path):
    consultant = cli_token(fresh_app, "consultant", "kim")
    assert Api(fresh_app.test_client(), consultant).post("/members", {
        "name": "王五", "id_number": valid_id_number(660), "phone": "13800138000"}).status_code == 201
    path = tmp_path / "theirs.sqlite3"
    assert fresh_app.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ours.sqlite3'}",
                        "SECRET_KEY": FRESH_KEYS["SECRET_KEY"], "VIP_DATA_KEY": NEW_DATA_KEY})
    with other.app_context():
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()
    refused = other.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert refused.exit_code == 1 and "另一个 VIP_DATA_KEY 下写入" in refused.output
    on_postgresql = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db.invalid/x", **FRESH_KEYS})
    assert "PostgreSQL 请用 pg_dump 备份" in on_postgresql.test_cli_runner().invoke(args=["backup", str(tmp_path / "x")]).output


@pytest.mark.skipif(not POSTGRES_URL or not shutil.which("pg_restore"), reason="PostgreSQL and its client tools needed")
@pytest.mark.parametrize("fresh_app", ["postgresql"], indirect=True)
def test_the_documented_pg_dump_and_pg_restore_give_back_the_same_verdicts_and_money(fresh_app, tmp_path):
    _, counter, card_tokens = _setup(fresh_app, "PGDUMP", 620)
    before = _state(fresh_app, counter, card_tokens)
    url = sa.engine.make_url(fresh_app.config["SQLALCHEMY_DATABASE_URI"])
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "vip.dump"
    # docs/operations.md, "PostgreSQL": the same two commands
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), libpq], check=True)
    copy_name = f"{url.database}_restored"
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{copy_name}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                        url.set(drivername="postgresql", database=copy_name).render_as_string(hide_password=False),
                        str(dump)], check=True)
        restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url.set(database=copy_name)
                               .render_as_string(hide_password=False), **FRESH_KEYS, "VIP_CLOCK": FixedClock(DEFAULT_NOW),
                               "VIP_PUBLIC_BASE_URL": "https://vip.example.test"})
        assert _state(restored, counter, card_tokens) == _state(fresh_app, counter, card_tokens) == before
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
        admin.dispose()


class Interrupted(Exception):
    pass


def test_the_data_key_changes_without_losing_an_id_number_or_a_document_even_when_interrupted(fresh_app):
    _, counter, card_tokens = _setup(fresh_app, "ROTATE", 640)
    url = fresh_app.config["SQLALCHEMY_DATABASE_URI"]
    with fresh_app.app_context():
        people = {m.id: decrypt_id_number(m) for m in db.session.scalars(select(Member))}
        documents = {d.id: document_bytes(d) for d in db.session.scalars(select(Document))}
        old_index = {m.id: m.id_number_index for m in db.session.scalars(select(Member))}
        db.session.remove()
        db.engine.dispose()
    assert len(people) == 3 and len(documents) >= 3

    def started(**keys):
        return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": FRESH_KEYS["SECRET_KEY"],
                           "VIP_TOKEN_KEYS": FRESH_KEYS["VIP_TOKEN_KEYS"], "VIP_CLOCK": FixedClock(DEFAULT_NOW),
                           "VIP_PUBLIC_BASE_URL": "https://vip.example.test", **keys})

    with pytest.raises(WrongDataKey):
        started(VIP_DATA_KEY=NEW_DATA_KEY)  # the new key alone, before any rotation: refused, as any wrong key
    during = started(VIP_DATA_KEY=NEW_DATA_KEY, VIP_DATA_KEY_PREVIOUS=[FRESH_KEYS["VIP_DATA_KEY"]])
    from app.maintenance.keys import rotate_data_key

    def stop_after_the_first_batch(table, count):
        raise Interrupted(table)

    with during.app_context(), pytest.raises(Interrupted):
        rotate_data_key(batch_size=1, progress=stop_after_the_first_batch)
    with during.app_context():
        # half rotated, the service still serves: one member under the new index, the others under the old; each
        # is found by its number, and registering the same number again finds the same person
        moved = [m.id for m in db.session.scalars(select(Member)) if m.id_number_index != old_index[m.id]]
        assert len(moved) == 1
        for member_id, number in people.items():
            assert find_by_id_number(number).id == member_id
        db.session.remove()
        db.engine.dispose()
    consultant = cli_token(during, "consultant", "kim2")
    again = Api(during.test_client(), consultant).post("/members", {"name": "到场1", "id_number": valid_id_number(641),
                                                                    "phone": "13800138000"})
    assert again.status_code == 200 and again.get_json()["id"] in people

    finished = during.test_cli_runner().invoke(args=["keys", "rotate-data-key"])
    assert finished.exit_code == 0, finished.output
    assert "members 2" in finished.output  # the one moved before the interruption is not moved twice
    with during.app_context():
        db.session.remove()
        db.engine.dispose()

    after = started(VIP_DATA_KEY=NEW_DATA_KEY)  # the new key alone now starts
    with after.app_context():
        assert {m.id: decrypt_id_number(m) for m in db.session.scalars(select(Member))} == people
        assert {d.id: document_bytes(d) for d in db.session.scalars(select(Document))} == documents
        assert all(m.id_number_index != old_index[m.id] for m in db.session.scalars(select(Member)))
        with pytest.raises(sa.exc.DatabaseError):  # documents stay append-only in everything but their encryption
            db.session.execute(sa.text("UPDATE documents SET sha256 = 'x' WHERE id = :id"), {"id": min(documents)})
            db.session.flush()
        db.session.rollback()
    assert _state(after, counter, card_tokens)[0] == ["redeemed", "valid", "valid"]
    with after.app_context():
        db.session.remove()
        db.engine.dispose()
    with pytest.raises(WrongDataKey):
        started(VIP_DATA_KEY=FRESH_KEYS["VIP_DATA_KEY"])  # the old key no longer opens this database
