"""A card is in force only once its subscription agreement is signed and sealed (自双方签字盖章后生效)."""

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.conftest import DEFAULT_NOW, form_post, program_payload, valid_id_number


@pytest.fixture
def desk(api_as):
    return {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"), "counter": api_as("counter")}


def unsigned_card(desk, preset="presale_95", code="UNSIGNED", **program):
    """Issue through the API and leave the agreement unsigned, as a consultant who forgot would."""
    assert desk["admin"].post("/programs", program_payload(preset, code=code, **program)).status_code == 201
    consultant = desk["consultant"]
    member = consultant.post("/members", {"name": "赵六", "id_number": valid_id_number(321), "phone": "13800138321"}).get_json()
    tier = consultant.get(f"/programs/{code}").get_json()["tiers"][0]
    card = consultant.post("/cards", {"program": code, "tier": tier["code"], "member_id": member["id"], "amount": tier["amount"],
                                      "payment_method": "cash", "receipt_no": "R-9"}).get_json()
    assert card["status"] == "awaiting_signature", card
    return card


def token(card):
    return card["verify_url"].rsplit("/v/", 1)[1]


def test_an_unsigned_card_verifies_as_awaiting_signature_and_is_not_redeemed(desk):
    card = unsigned_card(desk)
    counter = desk["counter"]
    verdict = counter.get(f"/verify/{token(card)}").get_json()
    assert verdict["result"] == "awaiting_signature" and "signed" in verdict["message"]
    refused = counter.post(f"/verify/{token(card)}/redeem", {"item": "3-1-1201", "price": "1000000"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "awaiting_signature")
    by_number = counter.post(f"/cards/{card['number']}/redeem", {"item": "3-1-1201", "price": "1000000"})
    assert (by_number.status_code, by_number.get_json()["error"]["code"]) == (409, "awaiting_signature")
    after = counter.get(f"/cards/{card['number']}").get_json()
    assert (after["status"], after["held_amount"]) == ("awaiting_signature", "50000.00")  # nothing applied

    desk["consultant"].sign_by_scan(card["agreement_id"])
    redeemed = counter.post(f"/verify/{token(card)}/redeem", {"item": "3-1-1201", "price": "1000000"})
    assert (redeemed.status_code, redeemed.get_json()["status"]) == (200, "redeemed")


def test_an_unsigned_card_cannot_be_reported_lost_or_reissued(desk):
    card = unsigned_card(desk)
    lost = desk["consultant"].post(f"/cards/{card['number']}/report-loss", {"reason": "丢了"})
    assert (lost.status_code, lost.get_json()["error"]["code"]) == (409, "awaiting_signature")
    reissued = desk["consultant"].post(f"/cards/{card['number']}/reissue", {"id_number": valid_id_number(321), "fee_receipt_no": "F1"})
    assert (reissued.status_code, reissued.get_json()["error"]["code"]) == (409, "awaiting_signature")
    assert "signed" in reissued.get_json()["error"]["message"]


def test_an_unsigned_card_cannot_be_transferred(desk, make_member):
    card = unsigned_card(desk, transfer_policy="with_approval", transfer_fee="300.00")
    other = desk["consultant"].post("/members", {"name": "钱七", "id_number": valid_id_number(654), "phone": "13800138654"}).get_json()
    refused = desk["consultant"].post(f"/cards/{card['number']}/transfer", {"to_member_id": other["id"], "fee_receipt_no": "T1"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "awaiting_signature")
    assert desk["admin"].get("/transfer-requests").get_json()["transfer_requests"] == []


def test_an_unsigned_card_cannot_be_refunded_even_inside_the_window(desk, clock):
    card = unsigned_card(desk)
    clock.at = DEFAULT_NOW + dt.timedelta(days=10)  # the refund window is open
    refused = desk["consultant"].post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "awaiting_signature")
    assert desk["consultant"].get(f"/cards/{card['number']}").get_json()["status"] == "awaiting_signature"


def test_a_manager_voids_an_unsigned_card_any_day_and_the_money_goes_back_in_full(desk, clock):
    card = unsigned_card(desk)
    clock.at = DEFAULT_NOW + dt.timedelta(days=5)  # not the day of issue: a signed card could no longer be voided
    assert desk["counter"].post(f"/cards/{card['number']}/void", {"reason": "客户未签"}).status_code == 403
    asked = desk["consultant"].post(f"/cards/{card['number']}/void", {"reason": "客户未签协议"})
    assert (asked.status_code, asked.get_json()["status"]) == (202, "pending")
    assert desk["consultant"].get(f"/cards/{card['number']}").get_json()["held_amount"] == "50000.00"  # not yet
    voided = desk["admin"].post(f"/void-requests/{asked.get_json()['id']}/approve", {})
    assert voided.status_code == 200, voided.get_json()
    body = voided.get_json()["card"]
    assert (body["status"], body["held_amount"]) == ("voided", "0.00")
    assert {a["status"] for a in body["agreements"]} == {"void"}
    history = desk["admin"].get(f"/cards/{card['number']}/history").get_json()["events"]
    reversed_rows = [e for e in history if e["what"] == "ledger.reversed"]
    assert [r["details"]["amount"] for r in reversed_rows] == ["-50000.00"]
    assert desk["counter"].get(f"/verify/{token(card)}").get_json()["result"] == "voided"


def test_the_counter_page_says_why_and_offers_no_redeem(desk, login, make_card):
    card = make_card(signed=False)
    client = login("consultant")
    page = form_post(client, "/counter", {"action": "scan", "code": card.number}).get_data(as_text=True)
    assert "协议未签署" in page and 'value="redeem"' not in page
    assert f"/agreements/{card.agreements[0].id}/sign" in page  # the consultant can go and have it signed
    refused = form_post(client, "/counter", {"action": "redeem", "code": card.number, "item": "1-1", "price": "100"})
    assert "协议未签署" in refused.get_data(as_text=True)


def test_consultants_start_at_their_desk_with_their_unsigned_cards(app, login, make_card, make_user):
    mine = make_card(signed=False)
    signed = make_card()  # signed: no longer waiting
    client = login("consultant", user=make_card.consultant)
    assert client.get("/").headers["Location"].endswith("/desk")
    page = client.get("/desk").get_data(as_text=True)
    assert mine.member.name in page and f"/agreements/{mine.agreements[0].id}/sign" in page
    assert signed.member.name not in page
    other = login("consultant").get("/desk").get_data(as_text=True)
    assert mine.member.name not in other  # a consultant sees the cards they issued
    manager = login("admin").get("/desk").get_data(as_text=True)
    assert mine.member.name in manager
    assert login("counter").get("/").headers["Location"].endswith("/counter")


def test_the_card_page_says_it_is_not_in_force(login, make_card):
    card = make_card(signed=False)
    page = login("consultant").get(f"/cards/{card.number}").get_data(as_text=True)
    assert "尚未生效" in page and f"/agreements/{card.agreements[0].id}/sign" in page


def test_the_migration_classifies_existing_cards_by_their_agreements(tmp_path):
    """Cards issued before this rule: unsigned ones become awaiting_signature, signed ones stay active."""
    from flask_login import login_user

    from app.agreements.services import seal_scan
    from app.cards.services import issue_card
    from app.members.services import register_member
    from app.programs.services import create_program
    from app.users.services import create_user
    from tests.conftest import scan_png

    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                        "SECRET_KEY": "k", "VIP_DATA_KEY": "data-key-0123456789"})
    with fresh.app_context():
        flask_migrate.upgrade()
        with fresh.test_request_context("/"):
            user = create_user({"username": "c1", "role": "consultant", "password": "password-123"})
            login_user(user)
            program = create_program(program_payload(code="OLD-1", opening_date=None), by=user)
            numbers = []
            for n in (1, 2):
                member, _ = register_member({"name": f"老会员{n}", "id_number": valid_id_number(700 + n), "phone": "13800138000"}, by=user)
                card = issue_card({"program": program.code, "tier": "VIP", "member_id": member.id, "amount": "50000",
                                   "payment_method": "cash", "receipt_no": f"OLD{n}"}, by=user)
                numbers.append(card.number)
            seal_scan(card.agreements[0].id, scan_png(), "s.png", consultant=user)  # the second one was signed
        flask_migrate.downgrade(revision="0003_lifecycle")  # as the database stood before this rule
        statuses = dict(db.session.execute(sa.text("SELECT number, status FROM cards")).all())
        assert set(statuses.values()) == {"active"}
        db.session.commit()
        flask_migrate.upgrade()
        statuses = dict(db.session.execute(sa.text("SELECT number, status FROM cards")).all())
        assert statuses == {numbers[0]: "awaiting_signature", numbers[1]: "active"}
        with pytest.raises(sa.exc.IntegrityError):  # the database itself refuses an unknown state
            db.session.execute(sa.text("UPDATE cards SET status = 'pending_ink' WHERE number = :n"), {"n": numbers[0]})
        db.session.rollback()
        db.engine.dispose()


def test_the_api_lists_a_consultants_unsigned_cards(desk, api_as):
    card = unsigned_card(desk)
    consultant = desk["consultant"]
    mine = consultant.get("/cards", query_string={"status": "awaiting_signature", "mine": "1"}).get_json()
    assert (mine["total"], [c["number"] for c in mine["items"]], mine["page"]) == (1, [card["number"]], 1)
    assert api_as("consultant").get("/cards", query_string={"status": "awaiting_signature", "mine": "1"}).get_json()["total"] == 0
    consultant.sign_by_scan(card["agreement_id"])
    assert consultant.get("/cards", query_string={"status": "awaiting_signature", "mine": "1"}).get_json()["items"] == []
    assert consultant.get("/cards", query_string={"program": "UNSIGNED"}).get_json()["items"][0]["status"] == "active"
    bad = consultant.get("/cards", query_string={"status": "pending_ink", "per_page": "0"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["reasons"]) == {"status", "per_page"}


def test_voiding_a_transferred_card_its_new_holder_never_signed_gives_the_card_back(desk):
    card = unsigned_card(desk, transfer_policy="with_approval", transfer_fee="300.00")
    consultant, admin = desk["consultant"], desk["admin"]
    consultant.sign_by_scan(card["agreement_id"])
    other = consultant.post("/members", {"name": "孙八", "id_number": valid_id_number(987), "phone": "13800138987"}).get_json()
    request = consultant.post(f"/cards/{card['number']}/transfer", {"to_member_id": other["id"], "fee_receipt_no": "T1"}).get_json()
    new = desk["admin2"].post(f"/transfer-requests/{request['id']}/approve").get_json()
    assert new["status"] == "awaiting_signature"
    assert desk["counter"].get(f"/verify/{token(card)}").get_json()["result"] == "transferred"

    asked = admin.post(f"/cards/{new['number']}/void", {"reason": "受让方未签协议"}).get_json()
    approved = desk["admin2"].post(f"/void-requests/{asked['id']}/approve", {})
    assert approved.status_code == 200, approved.get_json()
    voided = approved.get_json()["card"]
    assert (voided["status"], voided["held_amount"]) == ("voided", "0.00")
    back = consultant.get(f"/cards/{card['number']}").get_json()
    assert (back["status"], back["held_amount"]) == ("active", "50000.00")  # the previous holder's card, as it was
    assert desk["counter"].get(f"/verify/{token(card)}").get_json()["result"] == "valid"
    assert desk["counter"].get(f"/verify/{token(new)}").get_json()["result"] == "voided"
    assert {a["status"] for a in voided["agreements"]} == {"void"}
