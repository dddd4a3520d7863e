"""Paid memberships through the API (issue 12, DESIGN §3/§14): dues and late fees, a term counted from signing, and
a replay of the online membership's agreement under a fixed clock."""

import datetime as dt

import pytest
from sqlalchemy import select

from app.cards.charges import Charge
from app.cards.models import Card
from app.extensions import db
from tests.conftest import DEFAULT_NOW, program_payload, valid_id_number


@pytest.fixture
def desk(api_as):
    return {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"),
            "counter": api_as("counter")}


def _program(desk, code="DUES", **overrides):
    assert desk["admin"].post("/programs", program_payload("online_membership", code=code, **overrides)).status_code == 201


def _member(desk, seed, name="李四"):
    return desk["consultant"].post("/members", {"name": name, "id_number": valid_id_number(seed),
                                                "phone": "13800138000"}).get_json()


def _issue_unpaid(desk, code="DUES", seed=501):
    member = _member(desk, seed)
    response = desk["consultant"].post("/cards", {"program": code, "tier": "ANNUAL", "member_id": member["id"],
                                                  "amount": "2000.00", "pay_later": True})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _verdict(desk, card):
    return desk["counter"].get(f"/verify/{card['verify_url'].rsplit('/v/', 1)[1]}").get_json()


def _card(desk, number):
    return desk["consultant"].get(f"/cards/{number}").get_json()


def test_an_unpaid_membership_runs_from_signing_is_not_in_force_and_pays_its_late_fee(desk, clock):
    _program(desk)
    card = _issue_unpaid(desk)
    assert (card["status"], card["held_amount"], card["ledger"]) == ("awaiting_signature", "0.00", [])
    assert card["dues"] | {"fee": card["dues"]["fee"]} == {
        "status": "unpaid", "fee": "2000.00", "due_on": None, "paid_on": None, "late_fee_per_day_bp": 50,
        "late_fee_per_day": "10.00", "days_late": 0, "late_fee": "0.00", "total": "2000.00"}
    clock.at = DEFAULT_NOW + dt.timedelta(days=1)  # signed on 21 May: the agreement takes effect, the term begins
    desk["consultant"].sign_by_scan(card["agreement_id"])
    card = _card(desk, card["number"])
    assert (card["status"], card["valid_from"], card["valid_through"]) == ("active", "2026-05-21", "2027-05-20")
    assert card["dues"]["due_on"] == "2026-05-23"
    answer = _verdict(desk, card)
    assert answer["result"] == "dues_unpaid" and "2026-05-23" in answer["message"]
    token = card["verify_url"].rsplit("/v/", 1)[1]
    refused = desk["counter"].post(f"/verify/{token}/redeem", {"item": "年卡服务", "price": "100.00"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "dues_unpaid")
    terminate = desk["consultant"].post(f"/cards/{card['number']}/terminate", {"reason": "x"})
    assert terminate.get_json()["error"]["code"] == "dues_unpaid"

    clock.at = DEFAULT_NOW + dt.timedelta(days=6)  # 26 May: three days after the due day, ¥10.00 a day
    owed = _card(desk, card["number"])["dues"]
    assert (owed["days_late"], owed["late_fee"], owed["total"]) == (3, "30.00", "2030.00")
    wrong = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2000.00", "payment_method": "alipay",
                                                                       "receipt_no": "D-1"})
    assert (wrong.status_code, wrong.get_json()["error"]["reasons"]) == (422, {"amount": "dues_amount_mismatch"})
    assert "¥2,030.00" in wrong.get_json()["error"]["fields"]["amount"]
    zh = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "1", "payment_method": "alipay",
                                                                    "receipt_no": "D-1"}, headers={"Accept-Language": "zh-CN"})
    assert "¥2,030.00" in zh.get_json()["error"]["fields"]["amount"] and "滞纳金" in zh.get_json()["error"]["fields"]["amount"]
    missing = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2030.00"})
    assert set(missing.get_json()["error"]["reasons"]) == {"payment_method", "receipt_no"}
    paid = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2030.00", "payment_method": "alipay",
                                                                      "receipt_no": "D-1"})
    assert paid.status_code == 200, paid.get_json()
    paid = paid.get_json()
    assert paid["dues"] == {"status": "paid", "fee": "2000.00", "due_on": "2026-05-23", "paid_on": "2026-05-26",
                            "late_fee_per_day_bp": 50, "late_fee_per_day": "10.00", "days_late": 3, "late_fee": "30.00",
                            "total": "2030.00"}
    # The fee is money held; the late fee is a charge, income.
    assert [(e["kind"], e["amount"]) for e in paid["ledger"]] == [("fee_received", "2000.00")]
    assert paid["held_amount"] == "2000.00" and (paid["payment_method"], paid["receipt_no"]) == ("alipay", "D-1")
    charges = db.session.scalars(select(Charge).join(Card, Charge.card_id == Card.id)
                                 .where(Card.number == card["number"])).all()
    assert [(c.kind.value, c.amount_fen, c.receipt_no) for c in charges] == [("late_fee", 3000, "D-1")]
    assert _verdict(desk, card)["result"] == "valid"
    twice = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2030.00", "payment_method": "alipay",
                                                                       "receipt_no": "D-2"})
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "dues_not_owed")


def test_only_memberships_with_a_payment_term_are_issued_unpaid(desk):
    _program(desk, code="NOTERM", payment_due_days=None, late_fee_per_day_bp=None)
    member = _member(desk, 777)
    refused = desk["consultant"].post("/cards", {"program": "NOTERM", "tier": "ANNUAL", "member_id": member["id"],
                                                 "amount": "2000.00", "pay_later": True})
    assert (refused.status_code, refused.get_json()["error"]["reasons"]) == (422, {"pay_later": "pay_later_not_offered"})
    both = desk["consultant"].post("/cards", {"program": "NOTERM", "tier": "ANNUAL", "member_id": member["id"],
                                              "amount": "2000.00", "pay_later": True, "receipt_no": "R"})
    assert both.get_json()["error"]["reasons"] == {"receipt_no": "paid_later"}


def test_a_fee_paid_before_signing_has_no_due_day_and_no_late_fee(desk, clock):
    _program(desk, code="EARLY")
    card = _issue_unpaid(desk, code="EARLY", seed=612)
    clock.at = DEFAULT_NOW + dt.timedelta(days=30)
    paid = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2000.00", "payment_method": "cash",
                                                                      "receipt_no": "C-1"}).get_json()
    assert (paid["status"], paid["dues"]["late_fee"], paid["dues"]["due_on"]) == ("awaiting_signature", "0.00", None)
    desk["consultant"].sign_by_scan(card["agreement_id"])
    card = _card(desk, card["number"])
    assert (card["status"], card["valid_from"], card["dues"]["due_on"]) == ("active", "2026-06-19", None)
    assert _verdict(desk, card)["result"] == "valid"


def test_replay_of_the_online_membership_to_the_letter(app, desk, clock):
    """会员协议: ¥2,000 a year due within 2 days of signing, 5‰ a day late; a year from signing, renewed in its last
    3 days without a new contract; the member's 7 days' notice refunds nothing; the provider's 3 days' notice refunds
    in full once a second person approves."""
    _program(desk, code="ONLINE")
    admin, admin2 = desk["admin"], desk["admin2"]
    runner = app.test_cli_runner()

    # 20 May 2026: issued, fee not yet paid. Signed the next day: the term and the payment term start.
    card = _issue_unpaid(desk, code="ONLINE", seed=801)
    clock.at = DEFAULT_NOW + dt.timedelta(days=1)
    desk["consultant"].sign_by_scan(card["agreement_id"])
    card = _card(desk, card["number"])
    assert (card["valid_from"], card["valid_through"], card["dues"]["due_on"]) == ("2026-05-21", "2027-05-20", "2026-05-23")

    # 26 May: paid three days late, ¥30.00 of late fee on ¥2,000.00.
    clock.at = DEFAULT_NOW + dt.timedelta(days=6)
    paid = desk["consultant"].post(f"/cards/{card['number']}/dues", {"amount": "2030.00", "payment_method": "wechat_pay",
                                                                      "receipt_no": "W-1"}).get_json()
    assert (paid["dues"]["late_fee"], paid["held_amount"]) == ("30.00", "2000.00")

    # 17 May 2027: not yet renewable (the last three days are 18–20 May); 18 May: renewed, the term continues.
    clock.at = dt.datetime(2027, 5, 17, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    consultant, admin, admin2 = desk["consultant"].renew(app), admin.renew(app), admin2.renew(app)
    desk["counter"].renew(app)
    body = {"payment_method": "wechat_pay", "receipt_no": "W-2"}
    assert consultant.post(f"/cards/{card['number']}/renew", body).get_json()["error"]["code"] == "renewal_window_not_open"
    clock.at = dt.datetime(2027, 5, 18, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    renewed = consultant.post(f"/cards/{card['number']}/renew", body).get_json()
    assert (renewed["valid_through"], renewed["held_amount"]) == ("2028-05-20", "2000.00")

    # 1 June 2027: the member gives 7 days' notice; runs to 8 June, ends on 9 June, nothing refunded.
    clock.at = dt.datetime(2027, 6, 1, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    noticed = consultant.post(f"/cards/{card['number']}/terminate", {"reason": "会员提前终止"}).get_json()
    assert noticed["valid_through"] == "2027-06-08"
    clock.at = dt.datetime(2027, 6, 9, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    assert runner.invoke(args=["cards", "expire"]).output.startswith("expired 1 card(s)")
    ended = consultant.get(f"/cards/{card['number']}").get_json()
    assert (ended["status"], ended["held_amount"]) == ("expired", "2000.00")
    charges = db.session.scalars(select(Charge).join(Card, Charge.card_id == Card.id)
                                 .where(Card.number == card["number"]).order_by(Charge.id)).all()
    assert [(c.kind.value, c.amount_fen) for c in charges] == [("late_fee", 3000), ("renewal_fee", 200000)]

    # Another member, paid on the due day: the provider ends it on 3 days' notice and refunds the fee in full.
    other = consultant.post("/cards", {"program": "ONLINE", "tier": "ANNUAL", "member_id": _member(desk, 802)["id"],
                                       "amount": "2000.00", "pay_later": True}).get_json()
    consultant.sign_by_scan(other["agreement_id"])  # 9 June 2027: due 11 June
    clock.at = dt.datetime(2027, 6, 11, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    on_time = consultant.post(f"/cards/{other['number']}/dues", {"amount": "2000.00", "payment_method": "cash",
                                                                  "receipt_no": "C-9"}).get_json()
    assert on_time["dues"]["late_fee"] == "0.00"
    admin.post(f"/cards/{other['number']}/issuer-termination", {"reason": "服务停止运营"})
    clock.at = dt.datetime(2027, 6, 14, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)  # the notice's last day: still in force
    assert runner.invoke(args=["cards", "expire"]).output.startswith("expired 0 card(s)")
    clock.at = dt.datetime(2027, 6, 15, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    runner.invoke(args=["cards", "expire"])
    [waiting] = admin2.get("/refund-requests").get_json()["refund_requests"]
    assert (waiting["card_number"], waiting["amount"]) == (other["number"], "2000.00")
    admin2.post(f"/refund-requests/{waiting['id']}/approve", {"payout_method": "cash", "payout_reference": "P-1"})
    refunded = consultant.get(f"/cards/{other['number']}").get_json()
    assert (refunded["status"], refunded["held_amount"]) == ("refunded", "0.00")


def test_a_reissued_card_keeps_the_dues_and_the_notice_running(app, desk, clock):
    _program(desk, code="LOSTDUES")
    card = _issue_unpaid(desk, code="LOSTDUES", seed=903)
    consultant = desk["consultant"]
    consultant.sign_by_scan(card["agreement_id"])
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "遗失"})
    new = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": valid_id_number(903)})
    assert new.status_code == 201, new.get_json()
    new = new.get_json()
    assert (new["dues"]["status"], new["dues"]["due_on"]) == ("unpaid", "2026-05-22")
    assert _verdict(desk, new)["result"] == "dues_unpaid"
    consultant.post(f"/cards/{new['number']}/dues", {"amount": "2000.00", "payment_method": "cash", "receipt_no": "N-1"})
    noticed = consultant.post(f"/cards/{new['number']}/terminate", {"reason": "不续了"}).get_json()
    assert noticed["valid_through"] == "2026-05-27"
    consultant.post(f"/cards/{new['number']}/report-loss", {"reason": "又丢了"})
    third = consultant.post(f"/cards/{new['number']}/reissue", {"id_number": valid_id_number(903)}).get_json()
    assert third["valid_through"] == "2026-05-27" and third["dues"]["status"] == "paid"
    again = consultant.post(f"/cards/{third['number']}/terminate", {"reason": "x"})
    assert again.get_json()["error"]["code"] == "termination_notice_running"  # the notice moved with the card
    clock.at = DEFAULT_NOW + dt.timedelta(days=8)
    assert app.test_cli_runner().invoke(args=["cards", "expire"]).output.startswith("expired 1 card(s)")
    events = [e["what"] for e in consultant.get(f"/cards/{third['number']}/history").get_json()["events"]]
    assert "card.terminated" in events
