"""A real server on a loopback port with its own migrated SQLite file, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import flask_migrate
import pytest
from werkzeug.serving import make_server

from app import create_app
from app.clock import FixedClock
from app.extensions import db
from tests.conftest import DEFAULT_NOW, FRESH_KEYS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# What this machine's closed network needs: no calls home, no sandbox as root, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite3'}"
    # Many tests sign in to this one server within a minute: the login limit (10 a minute) is tested elsewhere.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **FRESH_KEYS, "VIP_LOGIN_RATE_LIMIT": "1000 per minute",
                      "VIP_CLOCK": FixedClock(DEFAULT_NOW), "VIP_PUBLIC_BASE_URL": "http://127.0.0.1"})
    with app.app_context():
        flask_migrate.upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.live_url = f"http://127.0.0.1:{server.server_port}"
    app.config["VIP_PUBLIC_BASE_URL"] = app.live_url  # as `make run` does: QR codes lead back to this server
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine: `make test` installs Debian's chromium where apt-get may run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
