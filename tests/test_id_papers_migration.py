"""Migration 0019 (identity papers) on a database that already holds members: they stay found, unique and masked as
before, and the new kinds fit beside them. SQLite and PostgreSQL."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.clock import FixedClock
from app.crypto import cipher
from app.extensions import db
from tests.conftest import BACKENDS, DEFAULT_NOW, FRESH_KEYS, _postgres_database, in_request

RESIDENT = "11010519491231002X"
COMPANY = "91110000600037341L"


@pytest.fixture(params=BACKENDS)
def before_0019(request, tmp_path):
    """An app whose database stops at 0018, as an installation upgraded from the previous release."""
    urls = _postgres_database() if request.param == "postgresql" else iter([f"sqlite:///{tmp_path / 'old.sqlite3'}"])
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": next(urls), **FRESH_KEYS,
                              "VIP_CLOCK": FixedClock(DEFAULT_NOW)})
    with application.app_context():
        flask_migrate.upgrade(revision="0018_dues")
    yield application
    with application.app_context():
        db.engine.dispose()
    next(urls, None)


def _old_row(name: str, id_type: str, number: str, masked: str) -> dict:
    """A member as the previous release wrote it: one index context for every number."""
    now = dt.datetime(2026, 5, 1, 2, 0)
    return {"name": name, "id_type": id_type, "enc": cipher().encrypt(number, context="member.id_number"),
            "idx": cipher().blind_index(number, context="member.id_number"), "masked": masked, "phone": "13800138000",
            "at": now}


def test_existing_members_keep_their_kind_index_and_mask(before_0019):
    app = before_0019
    with app.app_context():
        for row in (_old_row("张三", "resident_id", RESIDENT, "110***********002X"),
                    _old_row("测试公司", "uscc", COMPANY, "911***********341L")):
            db.session.execute(sa.text(
                "INSERT INTO members (name, id_type, id_number_encrypted, id_number_index, id_number_masked, phone, "
                "created_at, updated_at) VALUES (:name, :id_type, :enc, :idx, :masked, :phone, :at, :at)"), row)
        db.session.commit()
        flask_migrate.upgrade()
        db.session.remove()

    from app.members.services import find_by_any_id_number, list_members, register_member

    with app.app_context():
        kinds = dict(db.session.execute(sa.text("SELECT name, id_type FROM members")).all())
        assert kinds == {"张三": "resident_id", "测试公司": "uscc"}
        zhang = find_by_any_id_number(RESIDENT.lower())
        assert zhang is not None and zhang.name == "张三" and zhang.id_number_masked == "110***********002X"
        zhang_id = zhang.id
        assert [m.name for m in list_members({"q": COMPANY}).members] == ["测试公司"]
    def register(data):
        member, created = register_member(data, by=None)
        return member.id, member.id_type.value, created

    assert in_request(app, register, {"name": "张三", "id_number": RESIDENT, "phone": "13800138000"}) == (
        zhang_id, "resident_id", False)  # the old row's index still guards its number
    _, kind, created = in_request(app, register, {"name": "Lee Chen", "id_type": "foreign_permanent_residence",
                                                  "id_number": "USA123456789012", "phone": "13900139000"})
    assert created and kind == "foreign_permanent_residence"  # 27 characters: the column widened
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text("UPDATE members SET id_type = 'library_card' WHERE name = 'Lee Chen'"))
        db.session.flush()


def test_a_new_data_key_keeps_each_kind_under_its_own_index(fresh_app):
    from app.members.services import find_by_any_id_number, find_by_id_number, register_member

    papers = {"passport": "12345678", "taiwan_permit": "12345678", "resident_id": RESIDENT}
    def register(n, kind, number):
        return register_member({"name": f"持证人{n}", "id_type": kind, "id_number": number, "phone": "13800138000"},
                               by=None)[0].id

    ids = {kind: in_request(fresh_app, register, n, kind, number) for n, (kind, number) in enumerate(papers.items())}
    with fresh_app.app_context():
        db.session.remove()
        db.engine.dispose()
    url = fresh_app.config["SQLALCHEMY_DATABASE_URI"]

    def started(**keys):
        return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": FRESH_KEYS["SECRET_KEY"],
                           "VIP_TOKEN_KEYS": FRESH_KEYS["VIP_TOKEN_KEYS"], "VIP_CLOCK": FixedClock(DEFAULT_NOW), **keys})

    new_key = "the-next-data-key-6b2d8f4a1c3e5097"
    during = started(VIP_DATA_KEY=new_key, VIP_DATA_KEY_PREVIOUS=[FRESH_KEYS["VIP_DATA_KEY"]])
    rotated = during.test_cli_runner().invoke(args=["keys", "rotate-data-key"])
    assert rotated.exit_code == 0, rotated.output
    with during.app_context():
        db.session.remove()
        db.engine.dispose()
    after = started(VIP_DATA_KEY=new_key)  # the old key gone: only the new indexes can find anyone
    with after.app_context():
        for kind, number in papers.items():
            assert find_by_id_number(number, kind).id == ids[kind]
        assert find_by_any_id_number("12345678").id == ids["passport"]  # both kinds match: the first registered
        db.session.remove()
        db.engine.dispose()
