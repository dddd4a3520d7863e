"""A server started with another VIP_DATA_KEY refuses to start; signing out ends the session on the server (a copied
cookie stops working); sessions end when idle too long or after a working day; signing in starts a fresh session."""

import time

import flask_migrate
import pytest

from app import create_app
from app.settings import WrongDataKey
from tests.conftest import csrf_token


def _app(url: str, data_key: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "s" * 20, "VIP_DATA_KEY": data_key})


def test_a_different_data_key_refuses_to_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    first = _app(url, "the-first-data-key-0123")
    with first.app_context():
        flask_migrate.upgrade()
    _app(url, "the-first-data-key-0123")  # the first start after migrating writes the check value; same key: fine
    with pytest.raises(WrongDataKey, match="VIP_DATA_KEY is not the key"):
        _app(url, "another-data-key-456789")
    _app(url, "the-first-data-key-0123")  # and the right key still starts


def _signed_in(app, make_user):
    user = make_user("consultant", username="sess")
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "sess", "password": "password-123", "csrf_token": token})
    assert response.status_code == 302
    return client, user


def test_signing_out_ends_the_session_for_a_copied_cookie_too(app, make_user):
    client, _ = _signed_in(app, make_user)
    assert client.get("/members/").status_code == 200
    with client.session_transaction() as copied:
        stolen = dict(copied)  # what someone copying the cookie would hold
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/members/").get_data(as_text=True))})
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/members/").status_code == 302  # to the sign-in page


def test_sessions_end_when_idle_and_after_a_working_day(app, make_user):
    client, _ = _signed_in(app, make_user)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 121 * 60
    assert client.get("/members/").status_code == 302
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "sess", "password": "password-123", "csrf_token": token})
    assert client.get("/members/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 13 * 3600
    assert client.get("/members/").status_code == 302


def test_signing_in_starts_a_fresh_session(app, make_user):
    make_user("consultant", username="fix")
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"username": "fix", "password": "password-123", "csrf_token": token})
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("signed_in_at")


def test_an_account_locks_after_ten_wrong_passwords_from_any_address(app, make_user, clock):
    import datetime as dt

    from app.extensions import limiter
    from tests.conftest import DEFAULT_NOW

    make_user("consultant", username="target")
    limiter.reset()

    def attempt(password: str, address: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_token(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"username": "target", "password": password, "csrf_token": token})

    for n in range(10):  # spread over addresses: the per-address limit never sees them together
        assert attempt(f"guess-{n}", f"10.1.0.{n}").status_code == 401
    locked = attempt("password-123", "10.1.0.99")  # the right password, from a new address
    assert locked.status_code == 401 and "锁定 15 分钟" in locked.get_data(as_text=True)
    clock.at = DEFAULT_NOW + dt.timedelta(minutes=16)
    assert attempt("password-123", "10.1.0.99").status_code == 302  # the lockout has passed
    limiter.reset()


def test_two_app_instances_lock_one_account_together(fresh_app):
    """Wrong passwords spread over two instances of the service (each with its own memory limits) count as one: the
    lockout is kept in the shared database, not in a worker."""
    from app.extensions import db as database

    second = create_app({key: fresh_app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "VIP_DATA_KEY", "VIP_TOKEN_KEYS", "VIP_CLOCK",
        "VIP_PUBLIC_BASE_URL")})
    fresh_app.test_cli_runner().invoke(args=["users", "create", "shared", "--role", "consultant",
                                             "--password", "password-123"])

    def attempt(app, password: str, n: int):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.2.0.{n}"
        page = client.get("/login").get_data(as_text=True)
        return client.post("/login", data={"username": "shared", "password": password, "csrf_token": csrf_token(page)})

    for n in range(10):
        assert attempt((fresh_app, second)[n % 2], f"guess-{n}", n).status_code == 401
    for app in (fresh_app, second):
        locked = attempt(app, "password-123", 99)
        assert locked.status_code == 401 and "锁定" in locked.get_data(as_text=True)
    with second.app_context():
        database.session.remove()
        database.engine.dispose()
