"""The public verify page's limits fit a crowd behind one address (DESIGN §12): an address may scan many cards,
one card may not be scanned endlessly, and codes that name no card stop an address early. With Redis the counts
are shared by every worker and machine."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from app.cards.services import verify_url
from app.extensions import limiter
from tests.conftest import in_request

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def limits(app):
    limiter.reset()
    saved = {k: app.config[k] for k in ("VIP_VERIFY_RATE_LIMIT", "VIP_VERIFY_CARD_RATE_LIMIT",
                                        "VIP_VERIFY_INVALID_RATE_LIMIT")}
    app.config.update(VIP_VERIFY_RATE_LIMIT="8 per minute", VIP_VERIFY_CARD_RATE_LIMIT="3 per minute",
                      VIP_VERIFY_INVALID_RATE_LIMIT="2 per minute")
    yield
    app.config.update(saved)
    limiter.reset()


def _path(app, card) -> str:
    return "/v/" + in_request(app, verify_url, card).rsplit("/v/", 1)[1]


def test_a_crowd_behind_one_address_is_served_and_one_card_is_not_scanned_endlessly(app, make_card, limits):
    client = app.test_client()
    first, second = make_card(), make_card()
    statuses = [client.get(_path(app, first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # the fourth scan of the same card in a minute
    assert [client.get(_path(app, second)).status_code for _ in range(3)] == [200, 200, 200]  # others still served
    third = _path(app, make_card())
    assert [client.get(third).status_code for _ in range(3)] == [200, 200, 429]  # the address: 8 answered a minute


def test_codes_that_name_no_card_stop_an_address_early(app, make_card, limits):
    client = app.test_client()
    card = make_card()
    assert client.get(_path(app, card)).status_code == 200
    assert [client.get(f"/v/guess-{n}").status_code for n in range(3)] == [200, 200, 429]
    assert client.get(_path(app, card)).status_code == 429  # a guessing address waits, whatever it scans next
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert other.get(_path(app, card)).status_code == 200  # the next address is not punished


WORKER = """
import sys
from app import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "k", "VIP_DATA_KEY": "d" * 20,
                  "RATELIMIT_STORAGE_URI": sys.argv[3], "RATELIMIT_KEY_PREFIX": sys.argv[2],
                  "VIP_VERIFY_CARD_RATE_LIMIT": "3 per minute"})
if len(sys.argv) > 4:
    import flask_migrate
    with app.app_context():
        flask_migrate.upgrade()
print(" ".join(str(app.test_client().get("/v/the-same-code").status_code) for _ in range(2)))
"""


def _worker(url: str, prefix: str, storage: str, *, migrate: bool = False) -> list[str]:
    done = subprocess.run([sys.executable, "-c", WORKER, url, prefix, storage, *(["migrate"] if migrate else [])],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()[-2:]


def test_limits_are_shared_by_every_worker_through_redis(tmp_path):
    """Two worker processes scan one code twice each: with Redis the second worker's second scan is the fourth in
    the minute and refused; each worker's own memory would have let it through."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis does not answer on 127.0.0.1:6379 (it runs on these machines and in CI)")
    prefix, url = f"vip-test-{secrets.token_hex(4)}", f"sqlite:///{tmp_path / 'w.sqlite3'}"
    assert _worker(url, prefix + "m", "memory://", migrate=True) == ["200", "200"]
    assert _worker(url, prefix + "m", "memory://") == ["200", "200"]  # memory: each worker counts alone
    assert _worker(url, prefix, "redis://127.0.0.1:6379/0") == ["200", "200"]
    assert _worker(url, prefix, "redis://127.0.0.1:6379/0") == ["200", "429"]  # Redis: counted together
    client = redis.Redis(host="127.0.0.1", port=6379)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
