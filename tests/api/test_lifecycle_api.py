"""The card lifecycle through the API, with the fixed clock and the preset programmes."""

import datetime as dt

import pytest
from sqlalchemy import select

from app.cards.models import Card
from app.extensions import db
from tests.conftest import DEFAULT_NOW, program_payload, signature_data_url, valid_id_number


@pytest.fixture
def desk(api_as):
    """Admin, a second admin (two people), consultant and counter, all through the API."""
    return {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"), "counter": api_as("counter")}


def setup_card(desk, preset="presale_95", code="LIFE", **program):
    assert desk["admin"].post("/programs", program_payload(preset, code=code, **program)).status_code == 201
    return issue(desk, code, valid_id_number(len(code) * 7 + sum(map(ord, code))))


def issue(desk, code, id_number, name="张三"):
    consultant = desk["consultant"]
    member = consultant.post("/members", {"name": name, "id_number": id_number, "phone": "13800138000"}).get_json()
    program = consultant.get(f"/programs/{code}").get_json()
    tier = program["tiers"][0]
    body = {"program": code, "tier": tier["code"], "member_id": member["id"], "amount": tier["amount"]}
    if tier["amount"] != "0.00":
        body |= {"payment_method": "cash", "receipt_no": "R-1"}
    if tier["qualifying_spend"]:
        body["qualifying_spend"] = tier["qualifying_spend"]
    card = consultant.post("/cards", body).get_json()
    assert card["status"] == "awaiting_signature", card
    consultant.sign_by_scan(card["agreement_id"])
    card = consultant.get(f"/cards/{card['number']}").get_json()
    assert card["status"] == "active", card
    return card | {"member": member}


def verdict(desk, card):
    return desk["counter"].get(f"/verify/{card['verify_url'].rsplit('/v/', 1)[1]}").get_json()["result"]


def ledger_sums(number):
    """The money is where it should be: a card that ended (replaced, transferred, refunded, voided) holds nothing,
    and the newest card of a lineage holds everything its lineage's ledger adds up to."""
    card = db.session.scalar(select(Card).where(Card.number == number))
    lineage = db.session.scalars(select(Card).where(Card.public_id == card.public_id).order_by(Card.generation)).all()
    ended = {"replaced", "transferred", "refunded", "voided"}
    if any(c.held_fen != 0 for c in lineage if c.status.value in ended):
        return False
    total = sum(e.amount_fen for c in lineage for e in c.ledger)
    return total == lineage[-1].held_fen


def test_loss_blocks_at_once_and_cancelling_it_restores(desk):
    card = setup_card(desk)
    counter = desk["counter"]
    lost = counter.post(f"/cards/{card['number']}/report-loss", {"reason": "电话挂失"})
    assert lost.status_code == 200 and lost.get_json()["status"] == "lost"
    assert verdict(desk, card) == "lost"
    again = counter.post(f"/cards/{card['number']}/report-loss", {})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "card_not_active")
    assert counter.post(f"/cards/{card['number']}/cancel-loss").status_code == 403  # counter may block, not restore
    assert desk["consultant"].post(f"/cards/{card['number']}/cancel-loss").get_json()["status"] == "active"
    assert verdict(desk, card) == "valid"


def test_reissue_checks_the_id_and_only_the_newest_qr_is_valid(desk):
    card = setup_card(desk, reissue_fee="20.00")  # a fee needs its receipt
    consultant = desk["consultant"]
    early = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": valid_id_number(1), "fee_receipt_no": "F1"})
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "card_not_lost")
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "遗失"})
    other_id = valid_id_number(4242)
    wrong = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": other_id, "fee_receipt_no": "F1"})
    assert (wrong.status_code, wrong.get_json()["error"]["reasons"]) == (422, {"id_number": "id_number_mismatch"})
    member_id_number = consultant.post(f"/members/{card['member']['id']}/reveal", {"reason": "补办核对"}).get_json()["id_number"]
    no_receipt = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": member_id_number})
    assert no_receipt.get_json()["error"]["reasons"] == {"fee_receipt_no": "fee_receipt_required"}
    new = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": member_id_number, "fee_receipt_no": "F1"})
    assert new.status_code == 201, new.get_json()
    new = new.get_json()
    assert new["number"] != card["number"] and new["generation"] == 2 and new["held_amount"] == "50000.00"
    assert verdict(desk, card) == "replaced" and verdict(desk, new) == "valid"
    assert [a["kind"] for a in new["agreements"]] == ["loss_reissue"]
    assert ledger_sums(card["number"]) and ledger_sums(new["number"])
    old = consultant.get(f"/cards/{card['number']}").get_json()
    assert (old["status"], old["held_amount"]) == ("replaced", "0.00")


def test_transfer_refused_where_forbidden_and_approved_by_a_manager_where_allowed(desk):
    forbidden = setup_card(desk, code="NOTRANS")
    other = desk["consultant"].post("/members", {"name": "李四", "id_number": valid_id_number(77), "phone": "13900139000"}).get_json()
    refused = desk["consultant"].post(f"/cards/{forbidden['number']}/transfer", {"to_member_id": other["id"]})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "transfer_forbidden")

    card = setup_card(desk, code="TRANS", transfer_policy="with_approval", transfer_fee="500.00")
    consultant, admin = desk["consultant"], desk["admin"]
    same = consultant.post(f"/cards/{card['number']}/transfer", {"to_member_id": card["member"]["id"], "fee_receipt_no": "T1"})
    assert same.get_json()["error"]["code"] == "transfer_same_holder"
    no_fee = consultant.post(f"/cards/{card['number']}/transfer", {"to_member_id": other["id"]})
    assert no_fee.get_json()["error"]["reasons"] == {"fee_receipt_no": "fee_receipt_required"}
    request = consultant.post(f"/cards/{card['number']}/transfer", {"to_member_id": other["id"], "fee_receipt_no": "T1"}).get_json()
    assert (request["status"], request["fee"]) == ("pending", "500.00")
    assert [r["id"] for r in admin.get("/transfer-requests").get_json()["transfer_requests"]] == [request["id"]]
    assert consultant.post(f"/transfer-requests/{request['id']}/approve").status_code == 403
    new = admin.post(f"/transfer-requests/{request['id']}/approve", {"note": "核对无误"})
    assert new.status_code == 201, new.get_json()
    new = new.get_json()
    assert new["holder"]["member_id"] == other["id"] and new["held_amount"] == "50000.00"
    assert sorted(a["kind"] for a in new["agreements"]) == ["subscription", "transfer"]
    # The new holder's own subscription agreement binds once signed: until then the new card is not in force.
    assert verdict(desk, card) == "transferred" and verdict(desk, new) == "awaiting_signature"
    subscription = next(a["id"] for a in new["agreements"] if a["kind"] == "subscription")
    desk["consultant"].sign_by_scan(subscription)
    assert verdict(desk, new) == "valid"
    transfer_id = next(a["id"] for a in new["agreements"] if a["kind"] == "transfer")
    signed = consultant.post(f"/agreements/{transfer_id}/sign", {
        "previous_holder_signature": signature_data_url("张三"), "member_signature": signature_data_url("李四"),
        "consultant_signature": signature_data_url("顾问")})
    assert signed.status_code == 200 and {s["role"] for s in signed.get_json()["signers"]} >= {"previous_holder", "member"}
    assert ledger_sums(card["number"]) and ledger_sums(new["number"])


def test_refund_window_two_people_and_only_once(desk, clock):
    # presale_95 opens refunds on the 10th day after opening day (2026-05-20 + 10 = 2026-05-30).
    card = setup_card(desk)
    consultant, admin, admin2 = desk["consultant"], desk["admin"], desk["admin2"]
    clock.at = DEFAULT_NOW + dt.timedelta(days=9)
    early = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"})
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "refund_window_not_open")
    assert "2026-05-30" in early.get_json()["error"]["message"]
    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    assert consultant.post(f"/cards/{card['number']}/refund-requests", {}).get_json()["error"]["reasons"] == {"reason": "required"}
    request = admin.post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"})
    assert request.status_code == 201
    request = request.get_json()
    assert (request["status"], request["amount"]) == ("pending", "50000.00")
    token = card["verify_url"].rsplit("/v/", 1)[1]
    blocked = desk["counter"].post(f"/verify/{token}/redeem", {"item": "1-1-101", "price": "1000000"})
    assert (blocked.status_code, blocked.get_json()["error"]["code"]) == (409, "refund_pending")
    self_approval = admin.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer", "payout_reference": "B1"})
    assert (self_approval.status_code, self_approval.get_json()["error"]["code"]) == (409, "approver_is_requester")
    missing = admin2.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer"})
    assert missing.get_json()["error"]["reasons"] == {"payout_reference": "required"}
    paid = admin2.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer", "payout_reference": "B1"})
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"
    assert verdict(desk, card) == "refunded"
    twice = admin2.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer", "payout_reference": "B2"})
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "request_decided")
    again = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "再退一次"})
    assert again.get_json()["error"]["code"] == "card_not_refundable"
    after = consultant.get(f"/cards/{card['number']}").get_json()
    assert after["held_amount"] == "0.00" and [e["kind"] for e in after["ledger"]] == ["deposit_received", "refund_paid"]
    confirmation = consultant.get(f"/agreements/{paid.get_json()['agreement_id']}").get_json()
    assert confirmation["kind"] == "refund"


def test_value_add_credit_is_voided_never_paid(desk, clock):
    card = setup_card(desk, preset="presale_value_add", code="ZZLIFE")
    clock.at = DEFAULT_NOW + dt.timedelta(days=15)
    request = desk["consultant"].post(f"/cards/{card['number']}/refund-requests", {"reason": "退筹"}).get_json()
    assert request["amount"] == "20000.00"  # the deposit, not the 50,000 credit
    desk["admin"].post(f"/refund-requests/{request['id']}/approve", {"payout_method": "cash", "payout_reference": "C1"})
    ledger = desk["consultant"].get(f"/cards/{card['number']}").get_json()["ledger"]
    assert [(e["kind"], e["amount"]) for e in ledger] == [("deposit_received", "20000.00"), ("refund_paid", "-20000.00"),
                                                          ("credit_voided", "0.00")]


def test_rejected_or_cancelled_refunds_make_the_card_active_again(desk, clock):
    card = setup_card(desk)
    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    consultant, admin = desk["consultant"], desk["admin"]
    first = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "a"}).get_json()
    assert admin.post(f"/refund-requests/{first['id']}/reject", {"note": "资料不全"}).get_json()["status"] == "rejected"
    assert verdict(desk, card) == "valid"
    second = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "b"}).get_json()
    assert consultant.post(f"/refund-requests/{second['id']}/cancel").get_json()["status"] == "cancelled"
    assert verdict(desk, card) == "valid"


def test_issuer_termination_takes_effect_after_its_notice_and_refunds_in_full_on_a_second_persons_approval(
        app, desk, clock):
    card = setup_card(desk, preset="online_membership", code="ONLIFE")
    consultant, admin, admin2 = desk["consultant"], desk["admin"], desk["admin2"]
    # No cooling-off refund: the agreement has none.
    asked = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "不想要了"})
    assert asked.get_json()["error"]["code"] == "refund_not_offered"
    # The issuer's termination is a notice (3 days), not an immediate refund.
    at_once = admin.post(f"/cards/{card['number']}/refund-requests", {"reason": "停止服务", "kind": "issuer_termination"})
    assert (at_once.status_code, at_once.get_json()["error"]["code"]) == (409, "issuer_termination_by_notice")
    assert consultant.post(f"/cards/{card['number']}/issuer-termination", {"reason": "x"}).status_code == 403
    noticed = admin.post(f"/cards/{card['number']}/issuer-termination", {"reason": "停止服务"}).get_json()
    assert (noticed["status"], noticed["valid_through"], noticed["held_amount"]) == ("active", "2026-05-23", "2000.00")
    again = admin.post(f"/cards/{card['number']}/issuer-termination", {"reason": "再次"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "termination_notice_running")
    clock.at = DEFAULT_NOW + dt.timedelta(days=3)  # the notice's last day: still in force
    runner = app.test_cli_runner()
    assert runner.invoke(args=["cards", "expire"]).output.startswith("expired 0 card(s)")
    assert verdict(desk, card) == "valid"
    clock.at = DEFAULT_NOW + dt.timedelta(days=4)
    assert runner.invoke(args=["cards", "expire"]).output.startswith("expired 1 card(s)")
    assert verdict(desk, card) == "refund_pending"
    [waiting] = admin2.get("/refund-requests").get_json()["refund_requests"]
    assert (waiting["kind"], waiting["amount"], waiting["reason"]) == ("issuer_termination", "2000.00", "停止服务")
    alone = admin.post(f"/refund-requests/{waiting['id']}/approve", {"payout_method": "alipay", "payout_reference": "A1"})
    assert (alone.status_code, alone.get_json()["error"]["code"]) == (409, "approver_is_requester")
    paid = admin2.post(f"/refund-requests/{waiting['id']}/approve", {"payout_method": "alipay", "payout_reference": "A1"})
    assert paid.get_json()["status"] == "paid"
    assert admin2.get(f"/cards/{card['number']}").get_json()["held_amount"] == "0.00"
    assert ledger_sums(card["number"])


def test_renewal_only_in_the_last_three_days_and_never_after_a_lapse(app, desk, clock):
    card = setup_card(desk, preset="online_membership", code="RENEW")
    consultant = desk["consultant"]
    early = consultant.post(f"/cards/{card['number']}/renew", {"payment_method": "alipay", "receipt_no": "A2"})
    assert early.get_json()["error"]["code"] == "renewal_window_not_open"
    clock.at = DEFAULT_NOW + dt.timedelta(days=362)  # 2027-05-17: the first of the last three days
    consultant, _ = consultant.renew(app), desk["counter"].renew(app)  # a year on, API tokens (90 days) were renewed
    missing = consultant.post(f"/cards/{card['number']}/renew", {"payment_method": "alipay"})
    assert missing.get_json()["error"]["reasons"] == {"receipt_no": "required"}
    renewed = consultant.post(f"/cards/{card['number']}/renew", {"payment_method": "alipay", "receipt_no": "A2"}).get_json()
    # The new term continues the old; its fee is income (a charge); the money held stays the one refundable fee.
    assert (renewed["status"], renewed["valid_through"], renewed["held_amount"]) == ("active", "2028-05-19", "2000.00")
    assert [a["kind"] for a in renewed["agreements"]] == ["subscription", "renewal"]
    clock.at = DEFAULT_NOW + dt.timedelta(days=731)  # 2028-05-20: lapsed
    consultant = consultant.renew(app)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["cards", "expire"])
    assert "expired 1 card(s)" in first.output and card["number"] in first.output
    assert runner.invoke(args=["cards", "expire"]).output.startswith("expired 0 card(s)")
    lapsed = consultant.post(f"/cards/{card['number']}/renew", {"payment_method": "alipay", "receipt_no": "A3"})
    assert (lapsed.status_code, lapsed.get_json()["error"]["code"]) == (409, "renewal_lapsed")
    events = [e["what"] for e in consultant.get(f"/cards/{card['number']}/history").get_json()["events"]]
    assert events.count("card.expired") == 1 and events.count("charge.renewal_fee") == 1
    assert ledger_sums(card["number"])


def test_void_same_day_needs_a_second_manager_and_reverses_the_money(desk, clock):
    card = setup_card(desk)
    assert desk["counter"].post(f"/cards/{card['number']}/void", {"reason": "录错"}).status_code == 403
    assert desk["admin"].post(f"/cards/{card['number']}/void", {}).get_json()["error"]["reasons"] == {"reason": "required"}
    other = issue(desk, "LIFE", valid_id_number(901), name="王五")
    clock.at = DEFAULT_NOW + dt.timedelta(days=1)
    late = desk["admin"].post(f"/cards/{other['number']}/void", {"reason": "录错"})
    assert late.get_json()["error"]["code"] == "void_same_day_only"
    clock.at = DEFAULT_NOW
    asked = desk["admin"].post(f"/cards/{card['number']}/void", {"reason": "录错客户"})
    assert (asked.status_code, asked.get_json()["status"]) == (202, "pending")
    assert desk["admin"].post(f"/cards/{card['number']}/void", {"reason": "再来"}).get_json()["error"]["code"] == \
        "void_request_open"
    assert verdict(desk, card) == "valid"  # nothing moved on one manager's say-so
    alone = desk["admin"].post(f"/void-requests/{asked.get_json()['id']}/approve", {})
    assert (alone.status_code, alone.get_json()["error"]["code"]) == (409, "approver_is_requester")
    assert desk["consultant"].post(f"/void-requests/{asked.get_json()['id']}/approve", {}).status_code == 403
    assert [v["card_number"] for v in desk["admin2"].get("/void-requests").get_json()["void_requests"]] == [card["number"]]
    voided = desk["admin2"].post(f"/void-requests/{asked.get_json()['id']}/approve", {}).get_json()["card"]
    assert (voided["status"], voided["held_amount"]) == ("voided", "0.00")
    assert {a["status"] for a in voided["agreements"]} == {"void"}
    assert verdict(desk, card) == "voided" and ledger_sums(card["number"])


def test_annulled_redemption_settles_on_money_paid_and_voids_the_credit(desk):
    card = setup_card(desk, preset="presale_value_add", code="ANNUL")
    counter, admin = desk["counter"], desk["admin"]
    token = card["verify_url"].rsplit("/v/", 1)[1]
    redeemed = counter.post(f"/verify/{token}/redeem", {"item": "2-2-202", "price": "800000"}).get_json()
    assert redeemed["settlement"]["credit_used"] == "30000.00"
    assert admin.post(f"/redemptions/{redeemed['id']}/annul", {}).get_json()["error"]["reasons"] == {"reason": "required"}
    asked = admin.post(f"/redemptions/{redeemed['id']}/annul", {"reason": "购房合同解除"})
    assert (asked.status_code, asked.get_json()["status"]) == (202, "pending")
    assert desk["consultant"].get(f"/cards/{card['number']}").get_json()["status"] == "redeemed"  # nothing moved yet
    alone = admin.post(f"/annul-requests/{asked.get_json()['id']}/approve", {})
    assert (alone.status_code, alone.get_json()["error"]["code"]) == (409, "approver_is_requester")
    annulled = desk["admin2"].post(f"/annul-requests/{asked.get_json()['id']}/approve", {}).get_json()["card"]
    assert (annulled["status"], annulled["held_amount"]) == ("active", "20000.00")
    again = counter.post(f"/verify/{token}/redeem", {"item": "3-3-303", "price": "800000"}).get_json()
    assert (again["settlement"]["credit_used"], again["settlement"]["payable"]) == ("0.00", "780000.00")
    assert ledger_sums(card["number"])


def test_history_and_audit_log(desk):
    card = setup_card(desk, code="HIST")
    desk["counter"].post(f"/cards/{card['number']}/report-loss", {"reason": "丢了"})
    events = desk["consultant"].get(f"/cards/{card['number']}/history").get_json()["events"]
    whats = [e["what"] for e in events]
    assert {"card.issued", "agreement.created", "ledger.deposit_received", "card.loss_reported", "scan.verify"} - set(whats) == {"scan.verify"}
    desk["counter"].get(f"/verify/{card['verify_url'].rsplit('/v/', 1)[1]}")
    assert "scan.verify" in [e["what"] for e in desk["consultant"].get(f"/cards/{card['number']}/history").get_json()["events"]]
    member_events = desk["consultant"].get(f"/members/{card['member']['id']}/history").get_json()["events"]
    assert "member.created" in [e["what"] for e in member_events]
    admin = desk["admin"]
    assert desk["consultant"].get("/audit").status_code == 403
    entries = admin.get("/audit", query_string={"action": "card.", "card": card["number"]}).get_json()["entries"]
    assert [e["action"] for e in entries] == ["card.loss_reported", "card.in_force", "card.issued"]
    assert admin.get("/audit", query_string={"from": "2026-13-01"}).status_code == 422
    csv = admin.get("/audit.csv", query_string={"card": card["number"]})
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode()) and "card.loss_reported" in csv.data.decode()


def test_moving_the_opening_day_lists_the_cards_whose_window_moves(desk):
    card = setup_card(desk, code="MOVE")
    moved = desk["admin"].patch("/programs/MOVE", {"opening_date": "2026-07-01"}).get_json()
    assert moved["affected_cards"] == [{"number": card["number"], "status": "active", "holder_masked": "张*",
                                        "refund_from": "2026-07-11", "refund_until": None}]
    assert "affected_cards" not in desk["admin"].patch("/programs/MOVE", {"name": "改名"}).get_json()


def test_member_termination_is_notice_that_refunds_nothing_and_blocks_renewal(app, desk, clock):
    card = setup_card(desk, preset="online_membership", code="TERM")
    consultant = desk["consultant"]
    # From the first day: the 7 days are notice, not a cooling-off refund.
    ended = consultant.post(f"/cards/{card['number']}/terminate", {"reason": "不需要了"}).get_json()
    assert (ended["status"], ended["valid_through"], ended["held_amount"]) == ("active", "2026-05-27", "2000.00")
    again = consultant.post(f"/cards/{card['number']}/terminate", {"reason": "再说一次"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "termination_notice_running")
    clock.at = DEFAULT_NOW + dt.timedelta(days=5)  # inside the last three days of the shortened term, but under notice
    renew = consultant.post(f"/cards/{card['number']}/renew", {"payment_method": "alipay", "receipt_no": "A9"})
    assert (renew.status_code, renew.get_json()["error"]["code"]) == (409, "termination_notice_running")
    clock.at = DEFAULT_NOW + dt.timedelta(days=8)
    assert "expired 1 card(s)" in app.test_cli_runner().invoke(args=["cards", "expire"]).output
    after = consultant.get(f"/cards/{card['number']}").get_json()
    assert (after["status"], after["held_amount"]) == ("expired", "2000.00")  # nothing refunded
    events = [e["what"] for e in consultant.get(f"/cards/{card['number']}/history").get_json()["events"]]
    assert "card.terminated" in events and "refund.requested" not in events
    presale = setup_card(desk, code="TERMPRE")
    assert consultant.post(f"/cards/{presale['number']}/terminate", {"reason": "x"}).get_json()["error"]["code"] == "termination_not_applicable"


def _docx_text(content: bytes) -> str:
    import io

    from docx import Document
    doc = Document(io.BytesIO(content))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_each_transition_writes_its_document(desk, clock):
    consultant, admin, admin2 = desk["consultant"], desk["admin"], desk["admin2"]
    card = setup_card(desk, code="DOCS", transfer_policy="with_approval", transfer_fee="300.00", reissue_fee="20.00")
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "钱包被偷"})
    id_number = consultant.post(f"/members/{card['member']['id']}/reveal", {"reason": "补办核对"}).get_json()["id_number"]
    reissued = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": id_number, "fee_receipt_no": "F7"}).get_json()
    text = _docx_text(consultant.get(f"/agreements/{reissued['agreements'][0]['id']}/document.docx").data)
    assert "挂失补办申请书" in text and "钱包被偷" in text and "¥20.00" in text and id_number in text
    assert "挂失补办申请书" in _pdf_text(consultant, reissued["agreements"][0]["id"])  # and as the PDF members keep

    other = consultant.post("/members", {"name": "李四", "id_number": valid_id_number(555), "phone": "13900139000"}).get_json()
    request = consultant.post(f"/cards/{reissued['number']}/transfer", {"to_member_id": other["id"], "fee_receipt_no": "T7"}).get_json()
    moved = admin.post(f"/transfer-requests/{request['id']}/approve").get_json()
    transfer_id = next(a["id"] for a in moved["agreements"] if a["kind"] == "transfer")
    consultant.sign_by_scan(next(a["id"] for a in moved["agreements"] if a["kind"] == "subscription"))
    text = _docx_text(consultant.get(f"/agreements/{transfer_id}/document.docx").data)
    assert "VIP卡转让协议" in text and "张三" in text and "李四" in text and "¥300.00" in text and "伍万元整" in text
    assert "VIP卡转让协议" in _pdf_text(consultant, transfer_id) and "李四" in _pdf_text(consultant, transfer_id)

    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    refund = consultant.post(f"/cards/{moved['number']}/refund-requests", {"reason": "改变主意"}).get_json()
    paid = admin2.post(f"/refund-requests/{refund['id']}/approve", {"payout_method": "bank_transfer", "payout_reference": "B7"}).get_json()
    text = _docx_text(consultant.get(f"/agreements/{paid['agreement_id']}/document.docx").data)
    assert "VIP卡退卡确认书" in text and "人民币伍万元整" in text and "不计利息" in text and "B7" in text
    assert "VIP卡退卡确认书" in _pdf_text(consultant, paid["agreement_id"])


def _pdf_text(api, agreement_id) -> str:
    import io

    from pypdf import PdfReader
    response = api.get(f"/agreements/{agreement_id}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).replace(" ", "")


def test_a_redeemed_cards_leftover_deposit_is_refundable_and_an_empty_card_has_nothing(desk, clock):
    card = setup_card(desk, code="LEFT")
    token = card["verify_url"].rsplit("/v/", 1)[1]
    desk["counter"].post(f"/verify/{token}/redeem", {"item": "车位 C-1", "price": "10000"})  # applies 9,500 of 50,000
    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    request = desk["consultant"].post(f"/cards/{card['number']}/refund-requests", {"reason": "退剩余认筹金"}).get_json()
    assert request["amount"] == "40500.00"
    redemption_id = desk["consultant"].get(f"/cards/{card['number']}").get_json()["redemptions"][0]["id"]
    annul = desk["admin"].post(f"/redemptions/{redemption_id}/annul", {"reason": "合同解除"})
    assert annul.get_json()["error"]["code"] == "annul_needs_current_card"  # not while the refund is pending
    desk["admin"].post(f"/refund-requests/{request['id']}/approve", {"payout_method": "cash", "payout_reference": "C2"})
    assert ledger_sums(card["number"])
    empty = issue(desk, "LEFT", valid_id_number(321), name="王五")
    desk["counter"].post(f"/verify/{empty['verify_url'].rsplit('/v/', 1)[1]}/redeem", {"item": "1-1-101", "price": "1000000"})
    nothing = desk["consultant"].post(f"/cards/{empty['number']}/refund-requests", {"reason": "x"})
    assert (nothing.status_code, nothing.get_json()["error"]["code"]) == (409, "nothing_to_refund")


def test_only_the_requester_or_a_manager_withdraws_a_request(desk, api_as, clock):
    card = setup_card(desk, code="WITHD")
    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    request = desk["admin"].post(f"/cards/{card['number']}/refund-requests", {"reason": "a"}).get_json()
    stranger = api_as("consultant")
    assert stranger.post(f"/refund-requests/{request['id']}/cancel").get_json()["error"]["code"] == "not_your_request"
    assert desk["admin"].post(f"/refund-requests/{request['id']}/reject", {}).get_json()["error"]["code"] == "approver_is_requester"
    assert desk["admin"].post(f"/refund-requests/{request['id']}/cancel").get_json()["status"] == "cancelled"
    assert desk["admin"].post(f"/refund-requests/{request['id']}/cancel", {"note": "x" * 500}).status_code in (409, 422)


def test_transfers_recheck_the_policy_and_close_when_the_card_stops(desk):
    card = setup_card(desk, code="TRANS2", transfer_policy="with_approval")
    other = desk["consultant"].post("/members", {"name": "李四", "id_number": valid_id_number(78), "phone": "13900139000"}).get_json()
    admin, consultant = desk["admin"], desk["consultant"]
    first = consultant.post(f"/cards/{card['number']}/transfer", {"to_member_id": other["id"]}).get_json()
    assert admin.patch("/programs/TRANS2", {"transfer_policy": "forbidden"}).status_code == 200
    assert admin.post(f"/transfer-requests/{first['id']}/approve").get_json()["error"]["code"] == "transfer_forbidden"
    admin.patch("/programs/TRANS2", {"transfer_policy": "with_approval"})
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "丢失"})
    assert admin.get("/transfer-requests").get_json()["transfer_requests"] == []  # closed with the loss
    consultant.post(f"/cards/{card['number']}/cancel-loss")
    own = admin.post(f"/cards/{card['number']}/transfer", {"to_member_id": other["id"]}).get_json()
    assert admin.post(f"/transfer-requests/{own['id']}/reject").get_json()["error"]["code"] == "approver_is_requester"
    assert admin.post(f"/transfer-requests/{own['id']}/cancel").get_json()["status"] == "cancelled"


def test_redemptions_are_annulled_only_on_the_card_in_use_and_successors_are_not_voided(desk):
    card = setup_card(desk, code="MULTI", multiple_redemptions=True)
    consultant, admin = desk["consultant"], desk["admin"]
    token = card["verify_url"].rsplit("/v/", 1)[1]
    redeemed = desk["counter"].post(f"/verify/{token}/redeem", {"item": "车位", "price": "10000"}).get_json()
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "丢失"})
    id_number = consultant.post(f"/members/{card['member']['id']}/reveal", {"reason": "补办核对"}).get_json()["id_number"]
    new = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": id_number, "fee_receipt_no": "F"}).get_json()
    late = admin.post(f"/redemptions/{redeemed['id']}/annul", {"reason": "合同解除"})
    assert (late.status_code, late.get_json()["error"]["code"]) == (409, "annul_needs_current_card")
    assert admin.post(f"/cards/{new['number']}/void", {"reason": "x"}).get_json()["error"]["code"] == "void_not_for_successor"  # refused at the request
    assert ledger_sums(new["number"]) and new["held_amount"] == "40500.00"


def test_audit_csv_cannot_smuggle_formulas(app, desk):
    from app.users.services import authenticate  # a failed login writes the attacker's user agent into the log
    with app.test_request_context("/", headers={"User-Agent": "=HYPERLINK(\"http://evil\")"}):
        authenticate("nobody", "x")
    text = desk["admin"].get("/audit.csv", query_string={"action": "user.login_failed"}).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
