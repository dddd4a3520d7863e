"""The shop's till in Chromium (issue 12 part 1): the counter scans the demo's shop card (李四's), records a purchase with
points spent on it, sees the discount and the points earned, and checks a customer without a card; the card page lists
the lots with their expiry. No sideways scroll at 800 px. With VIP_SCREENSHOTS=DIR the counter and the card page are
photographed at 1280 and 800 px in both languages."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.cards.models import Card
from app.clock import FixedClock
from app.extensions import db
from app.programs.models import Program
from tests.conftest import DEFAULT_NOW, FRESH_KEYS
from tests.e2e.test_card_flow import sign_in
from tests.views.test_every_page_readable import prepare


@pytest.fixture(scope="module")
def shop_server(tmp_path_factory):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('till') / 't.db'}", **FRESH_KEYS,
                      "VIP_CLOCK": FixedClock(DEFAULT_NOW), "VIP_PUBLIC_BASE_URL": "http://127.0.0.1"})
    with app.app_context():
        flask_migrate.upgrade()
    prepare(app)
    with app.app_context():
        card = db.session.scalar(select(Card).join(Program).where(Program.code == "DEMO-RETAIL"))
        if card is None:
            pytest.skip("the demo's shop card needs LibreOffice to be signed")
        number = card.number
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", number
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _shot(page, name: str) -> None:
    shots = os.environ.get("VIP_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def test_the_till_in_a_browser(shop_server, browser):
    base, number = shop_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1000})
    page = context.new_page()
    sign_in(page, base, "counter", "counter-demo-1")
    page.goto(base + "/counter")
    page.fill("#scan-input", number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#purchase-form")
    _fits(page, 800)
    page.fill("#purchase-form input[name=amount]", "2000")
    page.fill("#purchase-form input[name=receipt_no]", "E2E-1")
    page.fill("#purchase-form input[name=points]", "100")
    page.click("#purchase-form button.primary")
    page.wait_for_selector("#points-earned")
    text = page.inner_text("#purchase")
    assert "¥1,720.00" in text and "¥1,620.00" in text  # 8.6折, then ¥100 of points off
    assert page.inner_text("#points-earned").startswith("162")  # floor(1,620 × 0.1)
    _fits(page, 800)
    _shot(page, "retail-purchase-zh-CN-800")
    page.goto(base + "/loyalty/qualify?q=13800138000&amount=6000")  # 张三 has no card: he qualifies today
    assert "符合条件" in page.inner_text("#qualify-verdict")
    _fits(page, 800)
    _shot(page, "retail-qualify-zh-CN-800")
    context.close()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("width", [1280, 800])
def test_the_retail_pages_fit_and_are_photographed(shop_server, browser, lang, width):
    base, number = shop_server
    context = browser.new_context(locale=lang, viewport={"width": width, "height": 1000})
    page = context.new_page()
    sign_in(page, base, "consultant", "consultant-demo-1")
    page.goto(f"{base}/cards/{number}")
    page.wait_for_selector("#points")
    _fits(page, width)
    _shot(page, f"retail-card-{lang}-{width}")
    page.goto(base + "/counter")
    page.fill("#scan-input", number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#purchase-form")
    _fits(page, width)
    _shot(page, f"retail-counter-{lang}-{width}")
    context.close()
