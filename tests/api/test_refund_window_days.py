"""The refund window's real first day (docs/rules.md, 民法典 第二百零一条: the anchor day is not counted): the API, the
card page and the agreement print the same day the rule gives."""

import pytest

from tests.api.test_lifecycle_api import _docx_text, setup_card


@pytest.fixture
def desk(api_as):
    """Admin, a second admin, consultant and counter, through the API (as the lifecycle tests have them)."""
    return {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"),
            "counter": api_as("counter")}


def test_the_api_the_page_and_the_agreement_print_the_same_first_day(desk, login):
    # presale_95: refunds from the 10th day after opening day; the test programmes open on 2026-05-20.
    card = setup_card(desk, code="DAYS")
    assert card["refund_window"] == {"first_day": "2026-05-30", "last_day": None, "code": "refund_window_known"}
    text = _docx_text(desk["consultant"].get(f"/agreements/{card['agreement_id']}/document.docx").data)
    assert "开盘日后第10日起申请退卡（开盘日不计入，即自2026年5月30日起）" in text
    page = login("consultant").get(f"/cards/{card['number']}").get_data(as_text=True)
    assert "<dt>退卡窗口</dt><dd>本卡：自 2026-05-30 起</dd>" in page

    moved = desk["admin"].patch("/programs/DAYS", {"opening_date": "2028-02-20"}).get_json()
    assert [(c["number"], c["refund_from"]) for c in moved["affected_cards"]] == [(card["number"], "2028-03-01")]
    assert desk["consultant"].get(f"/cards/{card['number']}").get_json()["refund_window"]["first_day"] == "2028-03-01"


def test_before_the_opening_day_is_announced_the_days_are_not_known(desk):
    card = setup_card(desk, code="NODAY", opening_date=None)
    assert card["refund_window"] == {"first_day": None, "last_day": None, "code": "opening_date_not_set"}
    text = _docx_text(desk["consultant"].get(f"/agreements/{card['agreement_id']}/document.docx").data)
    assert "开盘日后第10日起申请退卡（开盘日不计入）" in text


def test_a_programme_without_refunds_has_no_window(desk):
    card = setup_card(desk, preset="online_membership", code="NOREF", refund_window=None)
    assert card["refund_window"] is None
