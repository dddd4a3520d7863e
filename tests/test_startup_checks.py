"""What the service refuses at start rather than answering 500s later (issue 9): weak keys, one key for both sessions
and card codes, rate limits counted alone by each of several workers, a database folder it cannot write; and what it
survives without a restart: PostgreSQL dropping its connections."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app, tokens
from tests.conftest import FRESH_KEYS, POSTGRES_URL, cli_token

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    for name in ("VIP_SECRET_KEY", "VIP_DATA_KEY", "VIP_TOKEN_KEYS", "VIP_DATABASE_URL", "VIP_RATELIMIT_STORAGE_URI",
                 "VIP_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


@pytest.mark.parametrize("name, value, reason", [
    ("SECRET_KEY", "x", "1 characters; at least 32"),
    ("VIP_DATA_KEY", "data-key-0123456789", "19 characters"),
    ("VIP_TOKEN_KEYS", ["a" * 40], "repeats a few characters"),
])
def test_a_weak_key_refuses_to_start_and_says_which(bare_env, name, value, reason):
    with pytest.raises(RuntimeError, match=reason) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": bare_env, **FRESH_KEYS, name: value})
    assert str(refused.value).startswith({"SECRET_KEY": "VIP_SECRET_KEY", "VIP_DATA_KEY": "VIP_DATA_KEY",
                                          "VIP_TOKEN_KEYS": "VIP_TOKEN_KEYS[0]"}[name])


def test_a_shared_database_needs_its_own_card_key(bare_env):
    keys = {k: v for k, v in FRESH_KEYS.items() if k != "VIP_TOKEN_KEYS"}
    with pytest.raises(RuntimeError, match="Set VIP_TOKEN_KEYS.*start VIP_TOKEN_KEYS with the VIP_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db.example/vip", **keys})


def test_changing_the_session_key_leaves_printed_cards_valid(bare_env, monkeypatch, tmp_path):
    """An install from before card keys were separate: its secrets file gains a card key equal to its session key,
    so the cards printed so far verify; a new session key then changes nothing for them."""
    import flask
    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    old = {"SECRET_KEY": "old-session-key-5b9d1f3a7c2e4086aa", "VIP_DATA_KEY": "old-data-key-1f3b5d7a9c2e4086bbcc"}
    (tmp_path / "secrets.json").write_text(json.dumps(old))
    before = create_app({})
    with before.test_request_context("/"):
        printed = tokens.card_token("c-public-id", 1)
    assert json.loads((tmp_path / "secrets.json").read_text())["VIP_TOKEN_KEYS"] == [old["SECRET_KEY"]]

    after = create_app({"SECRET_KEY": "a-new-session-key-9e7c5a3b1d2f4086"})
    with after.test_request_context("/"):
        assert tokens.read_card_token(printed) == ("c-public-id", 1)

    (tmp_path / "secrets.json").unlink()  # a new install: three different random keys
    fresh = create_app({})
    assert len({fresh.config["SECRET_KEY"], fresh.config["VIP_DATA_KEY"], *fresh.config["VIP_TOKEN_KEYS"]}) == 3


def test_several_workers_refuse_to_count_rate_limits_alone(bare_env, monkeypatch):
    monkeypatch.setenv("VIP_WORKERS", "4")
    with pytest.raises(RuntimeError, match="4 workers would each count rate limits alone"):
        create_app({"SQLALCHEMY_DATABASE_URI": bare_env, **FRESH_KEYS})
    shared = create_app({"SQLALCHEMY_DATABASE_URI": bare_env, **FRESH_KEYS,
                         "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert shared.config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_gunicorn_with_two_workers_and_memory_limits_does_not_serve(bare_env, tmp_path):
    """gunicorn.conf.py tells the app the number of workers: the server exits with the reason instead of serving."""
    env = os.environ | {"VIP_DATABASE_URL": bare_env, "VIP_SECRET_KEY": FRESH_KEYS["SECRET_KEY"],
                        "VIP_DATA_KEY": FRESH_KEYS["VIP_DATA_KEY"], "VIP_TOKEN_KEYS": FRESH_KEYS["VIP_TOKEN_KEYS"][0]}
    env.pop("VIP_RATELIMIT_STORAGE_URI", None)
    started = subprocess.run([sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:0", "app:create_app()"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "2 workers would each count rate limits alone" in started.stderr


def test_a_database_folder_it_cannot_write_refuses_to_start(bare_env, tmp_path):
    if os.geteuid() == 0:
        folder = Path("/proc/self")  # root writes anywhere chmod allows nothing; /proc is read-only even for root
    else:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
    with pytest.raises(RuntimeError, match=f"The database folder {folder} must exist and be writable"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'vipcards.sqlite3'}", **FRESH_KEYS})


def test_csrf_tokens_last_as_long_as_a_session(bare_env):
    app = create_app({"SQLALCHEMY_DATABASE_URI": bare_env, **FRESH_KEYS})
    assert app.config["WTF_CSRF_TIME_LIMIT"] == app.config["VIP_SESSION_MAX_HOURS"] * 3600 == 12 * 3600


@pytest.mark.skipif(not POSTGRES_URL, reason="VIP_TEST_POSTGRES_URL is not set: PostgreSQL runs skipped")
@pytest.mark.parametrize("fresh_app", ["postgresql"], indirect=True)
def test_connections_dropped_by_postgresql_are_replaced_without_a_500(fresh_app):
    token = cli_token(fresh_app, "consultant", "kim")
    client = fresh_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/programs", headers=headers).status_code == 200
    url = sa.engine.make_url(fresh_app.config["SQLALCHEMY_DATABASE_URI"])
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    dropped = 0
    for _ in range(3):
        with admin.connect() as conn:
            dropped += conn.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        time.sleep(0.1)
        answers = [client.get("/api/v1/programs", headers=headers).status_code for _ in range(5)]
        assert answers == [200] * 5
    admin.dispose()
    assert dropped >= 3  # the app's pooled connection was there to drop each time
