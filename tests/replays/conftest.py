"""What the four seed programmes' replays share: the staff at the desk, days on the fixed clock, and reading a card's
page in both languages as the walk through every page does."""

from __future__ import annotations

import datetime as dt
import functools
import re
from types import SimpleNamespace

import pytest

from tests.conftest import SHANGHAI
from tests.portal.test_portal_views import sign_in as portal_sign_in
from tests.views.test_every_page_readable import COMPOUND, SIMPLE, english_sentences, visible


@pytest.fixture
def desk(api_as):
    """Two managers (money moves on two people's say), a consultant and a counter clerk, through the API."""
    return {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"),
            "counter": api_as("counter")}


def day(clock, year: int, month: int, d: int, hour: int = 10) -> dt.date:
    """Set the fixed clock to that day in the sales centre (10:00 by default); the day."""
    clock.at = dt.datetime(year, month, d, hour, 0, tzinfo=SHANGHAI)
    return clock.at.date()


def renew_tokens(app, desk) -> None:
    """Staff tokens issued today: after a jump of months, as staff would have them."""
    for api in desk.values():
        api.renew(app)


def run_expiry(app, on: str) -> str:
    """The daily expiry as cron runs it (`flask cards expire --date`), as of that day; what it printed."""
    result = app.test_cli_runner().invoke(args=["cards", "expire", "--date", on])
    assert result.exit_code == 0, result.output
    return result.output


def error(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def token_of(card: dict) -> str:
    return card["verify_url"].rsplit("/v/", 1)[1]


chinese_page_must_not_show = functools.cache(english_sentences)


def member_signs_in(app, number: str, id_number: str):
    """A browser signed in on the member's own page (/my) with the card number, the ID's last 6 and the texted code."""
    from app.extensions import limiter
    limiter.reset()  # one replay's sign-ins, not the suite's, against the per-address limits
    return portal_sign_in(app.test_client(), SimpleNamespace(number=number), id_number[-6:], "en")


def page_problems(client, path: str) -> list[str]:
    """A page read in Chinese and in English: no code, no untranslated sentence, no placeholder (the walk's checks)."""
    problems = []
    for lang in ("zh-CN", "en"):
        response = client.get(path, headers={"Accept-Language": lang})
        assert response.status_code == 200, (path, lang, response.status_code)
        # A document's template is named by its file and version (refund.docx@83cb135c0b27): a file name, not a code.
        text = re.sub(r"[\w-]+\.docx@\w+", "", visible(response.get_data(as_text=True)))
        for code in COMPOUND + (SIMPLE if lang == "zh-CN" else []):
            if re.search(rf"(?<![\w.@/-]){re.escape(code)}(?![\w/-])", text):
                problems.append(f"{path} {lang}: code {code!r}")
        if lang == "zh-CN":
            problems += [f"{path} zh: untranslated {s!r}" for s in chinese_page_must_not_show() if s in text]
            # A detail's name in English on a Chinese page ("payout_method: 支付宝"): the history's words missing.
            problems += [f"{path} zh: detail {k!r}" for k in re.findall(r"(?<![\w.@/-])([a-z]+(?:_[a-z]+)*):(?!//)", text)]
        problems += [f"{path} {lang}: placeholder {p!r}" for p in re.findall(r"%\(\w+\)s", text)]
    return problems
