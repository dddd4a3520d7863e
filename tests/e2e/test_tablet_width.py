"""Every page of the web UI at a tablet's 800 px, in Chinese and English, in Chromium on the demo data (with a scan and
an import): none scrolls sideways. The pages come from the app's routes, as in the readability walk."""

from __future__ import annotations

import threading

import flask_migrate
import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from app import create_app
from app.clock import FixedClock
from app.extensions import db
from tests.conftest import DEFAULT_NOW, FRESH_KEYS
from tests.e2e.test_card_flow import sign_in
from tests.views.test_every_page_readable import pages, prepare

TABLET = {"width": 800, "height": 1000}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('tablet') / 't.db'}", **FRESH_KEYS,
                      "VIP_CLOCK": FixedClock(DEFAULT_NOW), "VIP_PUBLIC_BASE_URL": "http://127.0.0.1"})
    with app.app_context():
        flask_migrate.upgrade()
    values = prepare(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", values
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_scrolls_sideways_on_a_tablet(demo_server, browser, lang):
    app, base, values = demo_server
    context = browser.new_context(locale=lang, viewport=TABLET)
    page = context.new_page()
    sign_in(page, base, "admin", "admin-demo-1")
    wide, seen = [], 0
    for path in pages(app, values):
        try:
            response = page.goto(base + path)
        except PlaywrightError:  # a download (a document, a workbook), not a page
            continue
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        seen += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > TABLET["width"]:
            wide.append(f"{path}: {width} px")
    context.close()
    assert not wide, "\n".join(wide)
    assert seen >= 25, seen
