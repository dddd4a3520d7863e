"""Pages say a programme's money and agreement in its agreement's own words on a Chinese page (诚意金, 内部认购协议书,
the kind's usual words when the programme names none), and in the generic words on an English one (issue 12)."""

import pytest

from app import tokens
from tests.conftest import in_request
from tests.views.test_every_page_readable import visible

ZH, EN = {"Accept-Language": "zh-CN"}, {"Accept-Language": "en"}


def _read(client, path: str, headers: dict) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return visible(response.get_data(as_text=True))


@pytest.mark.parametrize(("preset", "fields", "money", "title"), [
    ("presale_95", {}, "收诚意金", "内部认购协议书"),  # the preset's own words
    ("presale_95", {"agreement_title": "VIP认购协议", "deposit_term": "认购金"}, "收认购金", "VIP认购协议"),
    ("presale_95", {"agreement_title": None, "deposit_term": None}, "收认筹金", "认筹协议书"),  # the kind's usual words
    ("online_membership", {}, "收会费", "会员协议"),
])
def test_the_card_page_says_the_programmes_words(app, login, make_card, make_program, preset, fields, money, title):
    card = make_card(program=make_program(preset, **fields))
    browser = login("admin")
    chinese = _read(browser, f"/cards/{card.number}", ZH)
    assert money in chinese and title in chinese and "认筹/入会协议书" not in chinese
    english = _read(browser, f"/cards/{card.number}", EN)
    assert "Subscription agreement" in english and title not in english and money not in english


def test_the_document_pages_say_the_agreements_own_title(app, login, make_card, make_program):
    card = make_card(program=make_program("presale_95"), signed=False)
    agreement = card.agreements[0]
    browser = login("admin")
    signing = _read(browser, f"/agreements/{agreement.id}/sign", ZH)
    assert "内部认购协议书" in signing
    token = in_request(app, tokens.sign, tokens.DOCUMENT, agreement.public_id)
    check = _read(app.test_client(), f"/d/{token}", ZH)
    assert "内部认购协议书" in check and "认筹/入会协议书" not in check
    assert "Subscription agreement" in _read(app.test_client(), f"/d/{token}", EN)
