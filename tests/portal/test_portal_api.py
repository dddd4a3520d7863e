"""The member's page as JSON (for a mini-program): the same sign-in and services, no staff token; every answer is
checked against its declared shape."""

from __future__ import annotations

from tests.conftest import Api
from tests.portal.helpers import last_code, outbox_count


def test_a_mini_program_signs_in_reads_the_cards_downloads_and_asks_for_a_refund(app, holder, api_as):
    card, tail = holder
    member = Api(app.test_client(), None)
    before = outbox_count()
    wrong = member.post("/portal/code", {"card_number": card.number, "id_tail": "000000"})
    assert wrong.status_code == 202 and outbox_count() == before
    asked = member.post("/portal/code", {"card_number": card.number, "id_tail": tail})
    assert asked.status_code == 202 and asked.get_json()["expires_in"] == 300 and outbox_count() == before + 1
    assert set(asked.get_json()) == set(wrong.get_json())  # the same answer either way
    refused = member.post("/portal/session", {"challenge": asked.get_json()["challenge"], "code": "000000"
                                              if last_code() != "000000" else "111111"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "portal_code_wrong"
    session = member.post("/portal/session", {"challenge": asked.get_json()["challenge"], "code": last_code()})
    assert session.status_code == 201
    headers = {"X-Member-Token": session.get_json()["token"]}

    cards = member.get("/portal/cards", headers=headers).get_json()["items"]
    assert [c["number"] for c in cards] == [card.number]
    assert cards[0]["verdict"] == "valid" and cards[0]["refund"] == "refund_window_open" and cards[0]["points"] is None
    pdf = member.get(f"/portal/agreements/{cards[0]['agreements'][0]['id']}/document.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    refund = member.post(f"/portal/cards/{card.number}/refund-requests", {"reason": "换房"}, headers=headers)
    assert refund.status_code == 201 and refund.get_json()["status"] == "pending"
    assert member.post(f"/portal/cards/{card.number}/refund-requests", {}, headers=headers).status_code == 409
    paid = api_as("admin").post(f"/refund-requests/{refund.get_json()['id']}/approve",
                                {"payout_method": "bank_transfer", "payout_reference": "B-9"})
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"

    assert member.delete("/portal/session", headers=headers).status_code == 204
    assert member.get("/portal/cards", headers=headers).status_code == 401


def test_without_a_member_session_nothing_is_shown(app, holder, api_as):
    card, _ = holder
    staff = api_as("admin")  # a staff token is not a member's session
    for answer in (staff.get("/portal/cards"), Api(app.test_client(), None).get("/portal/cards"),
                   Api(app.test_client(), None).get("/portal/cards", headers={"X-Member-Token": "forged"}),
                   staff.get(f"/portal/agreements/{card.agreements[0].id}/document.pdf")):
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "member_session_required"
    missing = Api(app.test_client(), None).post("/portal/code", {"card_number": card.number})
    assert missing.status_code == 422 and "id_tail" in missing.get_json()["error"]["fields"]


def test_asking_for_codes_by_api_shares_the_per_card_limit(app, holder):
    card, _ = holder
    member = Api(app.test_client(), None)
    statuses = [member.post("/portal/code", {"card_number": card.number, "id_tail": "000000"}).status_code
                for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
