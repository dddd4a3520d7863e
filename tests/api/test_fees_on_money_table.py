"""Issue 12 part 3: every fee on the card's money table, beside the ledger and apart from the money held.
A reissue or transfer fee is recorded on the new card it paid for; the card it replaced shows it too."""

import datetime as dt

import pytest

from tests.api.test_lifecycle_api import setup_card
from tests.conftest import DEFAULT_NOW, program_payload, valid_id_number


@pytest.fixture
def desk(api_as):
    """Admin, a second admin, consultant and counter, through the API (as the lifecycle tests have them)."""
    return {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"),
            "counter": api_as("counter")}


def _reissue(desk, card, receipt):
    consultant = desk["consultant"]
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "遗失"})
    id_number = consultant.post(f"/members/{card['member']['id']}/reveal", {"reason": "补办核对"}).get_json()["id_number"]
    new = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": id_number, "fee_receipt_no": receipt})
    assert new.status_code == 201, new.get_json()
    return new.get_json() | {"member": card["member"]}


def test_a_reissue_fee_shows_on_the_new_card_and_on_the_one_it_replaced(desk):
    card = setup_card(desk, code="FEES", reissue_fee="20.00")
    assert card["charges"] == []
    new = _reissue(desk, card, "F-20")
    fee = {"kind": "reissue_fee", "amount": "20.00", "receipt_no": "F-20", "card": new["number"]}
    assert [{k: c[k] for k in fee} | {"for_successor": c["for_successor"]} for c in new["charges"]] == \
        [fee | {"for_successor": False}]
    old = desk["consultant"].get(f"/cards/{card['number']}").get_json()
    assert [{k: c[k] for k in fee} | {"for_successor": c["for_successor"]} for c in old["charges"]] == \
        [fee | {"for_successor": True}]
    # The fee is income, not money held: the deposit moved over whole, the old card holds nothing.
    assert (new["held_amount"], old["held_amount"]) == ("50000.00", "0.00")
    assert sum(float(e["amount"]) for e in new["ledger"]) == 50000.00
    # A second reissue: each card shows the fee that made it and the one paid for its successor, no more.
    newer = _reissue(desk, new, "F-21")
    middle = desk["consultant"].get(f"/cards/{new['number']}").get_json()
    assert [(c["receipt_no"], c["for_successor"]) for c in middle["charges"]] == [("F-20", False), ("F-21", True)]
    assert [c["receipt_no"] for c in newer["charges"]] == ["F-21"]
    first = desk["consultant"].get(f"/cards/{card['number']}").get_json()
    assert [c["receipt_no"] for c in first["charges"]] == ["F-20"]


def test_a_transfer_fee_shows_on_both_cards_and_in_the_card_list(desk):
    card = setup_card(desk, code="TFEES", transfer_policy="with_approval", transfer_fee="500.00")
    other = desk["consultant"].post("/members", {"name": "李四", "id_number": valid_id_number(91),
                                                 "phone": "13900139000"}).get_json()
    request = desk["consultant"].post(f"/cards/{card['number']}/transfer",
                                      {"to_member_id": other["id"], "fee_receipt_no": "T-500"}).get_json()
    new = desk["admin"].post(f"/transfer-requests/{request['id']}/approve", {"note": "核对无误"}).get_json()
    assert [(c["kind"], c["amount"], c["card"], c["for_successor"]) for c in new["charges"]] == \
        [("transfer_fee", "500.00", new["number"], False)]
    listed = {c["number"]: c for c in desk["admin"].get("/cards?program=TFEES").get_json()["items"]}
    assert [(c["receipt_no"], c["for_successor"]) for c in listed[card["number"]]["charges"]] == [("T-500", True)]
    assert listed[card["number"]]["held_amount"] == "0.00" and listed[new["number"]]["held_amount"] == "50000.00"


def test_a_renewal_fee_is_a_charge_and_the_money_held_stays_the_fee_paid(app, desk, clock):
    card = setup_card(desk, preset="online_membership", code="RFEES")
    clock.at = dt.datetime.combine(dt.date.fromisoformat(card["valid_through"]), DEFAULT_NOW.timetz())
    consultant = desk["consultant"].renew(app)
    renewed = consultant.post(f"/cards/{card['number']}/renew", {"payment_method": "alipay", "receipt_no": "A-2"})
    assert renewed.status_code == 200, renewed.get_json()
    renewed = renewed.get_json()
    assert [(c["kind"], c["receipt_no"], c["for_successor"]) for c in renewed["charges"]] == \
        [("renewal_fee", "A-2", False)]
    assert renewed["held_amount"] == card["held_amount"]


def test_the_card_page_shows_fees_apart_from_money_held(app, desk, login):
    card = setup_card(desk, code="PFEES", reissue_fee="20.00")
    new = _reissue(desk, card, "F-PAGE")
    browser = login("consultant")
    old_page = browser.get(f"/cards/{card['number']}").get_data(as_text=True)
    new_page = browser.get(f"/cards/{new['number']}").get_data(as_text=True)
    assert "服务收费" in old_page and "F-PAGE" in old_page and "为新卡" in old_page
    assert "F-PAGE" in new_page and "为本卡所付" in new_page
    assert "不计入在册金额" in new_page
    english = browser.get(f"/cards/{new['number']}", query_string={"lang": "en"}).get_data(as_text=True)
    assert "Fees charged" in english and "reissue fee" in english and "paid for this card, replacing" in english


def test_a_late_fee_is_on_the_money_table_and_not_in_the_money_held(desk, clock, login):
    assert desk["admin"].post("/programs", program_payload("online_membership", code="LFEES")).status_code == 201
    member = desk["consultant"].post("/members", {"name": "王五", "id_number": valid_id_number(733),
                                                  "phone": "13800138000"}).get_json()
    card = desk["consultant"].post("/cards", {"program": "LFEES", "tier": "ANNUAL", "member_id": member["id"],
                                              "amount": "2000.00", "pay_later": True}).get_json()
    clock.at = DEFAULT_NOW + dt.timedelta(days=1)
    desk["consultant"].sign_by_scan(card["agreement_id"])
    clock.at = DEFAULT_NOW + dt.timedelta(days=6)  # three days late at ¥10.00 a day
    paid = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2030.00", "payment_method": "alipay",
                                                                      "receipt_no": "D-LATE"}).get_json()
    assert [(c["kind"], c["amount"], c["receipt_no"], c["for_successor"]) for c in paid["charges"]] == \
        [("late_fee", "30.00", "D-LATE", False)]
    assert paid["held_amount"] == "2000.00"
    page = login("consultant").get(f"/cards/{card['number']}").get_data(as_text=True)
    fees = page.split("服务收费</h3>", 1)[1].split("</table>", 1)[0]
    assert "滞纳金" in fees and "¥30.00" in fees and "D-LATE" in fees
