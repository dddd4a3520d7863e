import io

import pytest
from PIL import Image

from tests.conftest import PDF_BYTES, decode_qr, program_payload, signature_data_url, valid_id_number


@pytest.fixture
def desk(api_as):
    """An admin who sets up, a consultant who issues, a counter that redeems, all through the API."""
    admin, consultant, counter = api_as("admin"), api_as("consultant"), api_as("counter")
    assert admin.post("/programs", program_payload("presale_95", code="CBSC-2026")).status_code == 201
    member = consultant.post("/members", {"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"}).get_json()
    return admin, consultant, counter, member


def issue(api, member_id, *, signed: bool = True, **overrides):
    """Issue through the API; the agreement is then signed (as a scan) unless ``signed=False``."""
    body = {"program": "CBSC-2026", "tier": "VIP", "member_id": member_id, "amount": "50000.00",
            "payment_method": "wechat_pay", "receipt_no": "WX20260520001"}
    response = api.post("/cards", {**body, **overrides})
    if signed and response.status_code == 201:
        api.sign_by_scan(response.get_json()["agreement_id"])
    return response


def test_issue_read_and_scan_a_card(desk):
    _, consultant, counter, member = desk
    response = issue(consultant, member["id"], signed=False)
    assert response.status_code == 201, response.get_json()
    card = response.get_json()
    assert card["status"] == "awaiting_signature" and len(card["number"]) == 12 and isinstance(card["agreement_id"], int)
    assert card["verify_url"].startswith("https://vip.example.test/v/")
    assert card["held_amount"] == "50000.00" and card["holder"]["id_number_masked"] == "110***********002X"
    assert response.headers["Location"].endswith(f"/api/v1/cards/{card['number']}")
    assert counter.get(f"/cards/{card['number']}").get_json()["number"] == card["number"]

    png = counter.get(f"/cards/{card['number']}/card.png")
    assert png.mimetype == "image/png"
    assert decode_qr(png.data) == [card["verify_url"]]
    phone = Image.open(io.BytesIO(png.data))
    phone = phone.resize((phone.width * 2 // 5, phone.height * 2 // 5))  # about what a phone shows
    out = io.BytesIO()
    phone.save(out, format="PNG")
    assert decode_qr(out.getvalue()) == [card["verify_url"]]

    token = card["verify_url"].rsplit("/v/", 1)[1]
    verdict = counter.get(f"/verify/{token}").get_json()
    assert (verdict["result"], verdict["card"]["status"]) == ("awaiting_signature", "awaiting_signature")
    consultant.sign_by_scan(card["agreement_id"])  # the agreement binds once signed: so does the card
    verdict = counter.get(f"/verify/{token}").get_json()
    assert (verdict["result"], verdict["card"]["number"], verdict["card"]["status"]) == ("valid", card["number"], "active")


def test_forged_truncated_garbage_and_oversized_tokens_are_invalid_never_5xx(desk):
    _, consultant, counter, member = desk
    token = issue(consultant, member["id"]).get_json()["verify_url"].rsplit("/v/", 1)[1]
    for bad in (token[:-2] + "xx", token[:15], "not-a-token", "%00%ff", "a" * 3000, "..", "W10.W10"):
        response = counter.get(f"/verify/{bad}")
        assert response.status_code == 200, bad
        assert (response.get_json()["result"], response.get_json()["card"]) == ("invalid", None)


def test_redeem_by_token_once_then_redeemed(desk):
    _, consultant, counter, member = desk
    card = issue(consultant, member["id"]).get_json()
    token = card["verify_url"].rsplit("/v/", 1)[1]
    missing_price = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201"})
    assert (missing_price.status_code, missing_price.get_json()["error"]["reasons"]) == (422, {"price": "required"})
    done = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000.00"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "redeemed"
    assert body["settlement"] == {"list_price": "1000000.00", "price": "1000000.00", "discount_rate": "0.95",
                                  "discounts": [{"name": "VIP卡", "kind": "card", "rate": "0.95",
                                                 "before": "1000000.00", "after": "950000.00"}],
                                  "discounted": "950000.00", "final_price": "950000.00",
                                  "offset": "50000.00", "deposit_applied": "50000.00", "deposit_remaining": "0.00",
                                  "credit_used": "0.00", "credit_applied": "0.00", "credit_lapsed": "0.00",
                                  "payable": "900000.00"}
    again = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1202", "price": "900000"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "redeemed")
    assert counter.get(f"/verify/{token}").get_json()["result"] == "redeemed"
    confirmation = counter.get(f"/agreements/{body['agreement_id']}").get_json()
    assert confirmation["kind"] == "redemption"
    forged = counter.post(f"/verify/{token[:-3]}abc/redeem", {"item": "x", "price": "1"})
    assert (forged.status_code, forged.get_json()["error"]["code"]) == (409, "invalid")


def test_redeem_by_typed_number_and_counter_programme(desk):
    _, consultant, counter, member = desk
    number = issue(consultant, member["id"]).get_json()["number"]
    wrong = counter.post(f"/cards/{number}/redeem", {"item": "1", "price": "1", "counter_program": "OTHER"})
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (409, "wrong_program")
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert counter.post(f"/cards/{mistyped}/redeem", {"item": "1", "price": "1"}).status_code == 404
    ok = counter.post(f"/cards/{number}/redeem", {"item": "3-1-1201", "price": "1000000", "counter_program": "CBSC-2026"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "redeemed"


def test_agreement_document_sign_and_seal(desk):
    _, consultant, counter, member = desk
    card = issue(consultant, member["id"], signed=False).get_json()
    agreement_id = card["agreement_id"]
    meta = consultant.get(f"/agreements/{agreement_id}").get_json()
    assert (meta["kind"], meta["status"], meta["sha256"]) == ("subscription", "unsigned", None)
    draft = consultant.get(f"/agreements/{agreement_id}/document.docx")
    assert draft.status_code == 200 and draft.data[:2] == b"PK"
    bad = consultant.post(f"/agreements/{agreement_id}/sign", {"member_signature": "data:image/gif;base64,R0lGOD",
                                                                "consultant_signature": signature_data_url()})
    assert (bad.status_code, bad.get_json()["error"]["reasons"]) == (422, {"member_signature": "signature_not_png"})
    assert counter.post(f"/agreements/{agreement_id}/sign", {}).status_code == 403
    refused = consultant.post(f"/agreements/{agreement_id}/sign", {"member_signature": signature_data_url("张三"),
                                                                    "consultant_signature": signature_data_url("李"),
                                                                    "consent": False})
    assert (refused.status_code, refused.get_json()["error"]["reasons"]) == (422, {"consent": "consent_required"})
    signed = consultant.post(f"/agreements/{agreement_id}/sign", {"member_signature": signature_data_url("张三"),
                                                                   "consultant_signature": signature_data_url("李"),
                                                                   "consent": True})
    assert signed.status_code == 200, signed.get_json()
    body = signed.get_json()
    assert body["status"] == "sealed" and len(body["sha256"]) == 64 and body["seal_token"]
    import hashlib
    sealed = consultant.get(f"/agreements/{agreement_id}/document.pdf")
    assert sealed.mimetype == "application/pdf" and hashlib.sha256(sealed.data).hexdigest() == body["sha256"]
    assert consultant.get(f"/agreements/{agreement_id}/document").data == sealed.data  # the original
    signed_docx = consultant.get(f"/agreements/{agreement_id}/document.docx").data
    assert signed_docx[:2] == b"PK" and signed_docx != draft.data  # the Word document now carries the signatures
    assert consultant.get(f"/cards/{card['number']}").get_json()["status"] == "active"
    again = consultant.post(f"/agreements/{agreement_id}/sign", {"member_signature": signature_data_url(),
                                                                  "consultant_signature": signature_data_url()})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "agreement_already_sealed")


def test_scan_upload_seals_the_scan(desk):
    _, consultant, _, member = desk
    agreement_id = issue(consultant, member["id"], signed=False).get_json()["agreement_id"]
    wrong = consultant.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=consultant._headers(),
                                   data={"scan": (io.BytesIO(b"GIF89a..."), "scan.gif")})
    assert (wrong.status_code, wrong.get_json()["error"]["reasons"]) == (422, {"scan": "scan_wrong_type"})
    ok = consultant.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=consultant._headers(),
                                data={"scan": (io.BytesIO(PDF_BYTES), "signed.pdf")})
    assert ok.status_code == 200 and ok.get_json()["signing_method"] == "scan"
    original = consultant.get(f"/agreements/{agreement_id}/document")
    assert (original.mimetype, original.data) == ("application/pdf", PDF_BYTES)


def test_bad_issue_input(desk, api_as):
    admin, consultant, counter, member = desk
    wrong_amount = issue(consultant, member["id"], amount="5000")
    assert (wrong_amount.status_code, wrong_amount.get_json()["error"]["reasons"]) == (422, {"amount": "amount_mismatch"})
    assert "¥50,000.00" in wrong_amount.get_json()["error"]["fields"]["amount"]
    assert issue(consultant, 999999).get_json()["error"]["reasons"] == {"member_id": "member_not_found"}
    assert issue(consultant, member["id"], colour="red").get_json()["error"]["reasons"] == {"colour": "unknown_field"}
    assert issue(counter, member["id"]).status_code == 403
    assert admin.patch("/programs/CBSC-2026", {"max_active_cards_per_member": 1}).status_code == 200
    assert issue(consultant, member["id"]).status_code == 201
    second = issue(consultant, member["id"])
    assert (second.status_code, second.get_json()["error"]["code"]) == (409, "member_card_limit")
    assert admin.post("/programs", program_payload("presale_95", code="NOPERMIT", presale_permit_no=None,
                                                   presale_permit_date=None)).status_code == 201
    other = consultant.post("/members", {"name": "李四", "id_number": valid_id_number(5), "phone": "13900139000"}).get_json()
    early = issue(consultant, other["id"], program="NOPERMIT")
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "presale_permit_missing")
    assert consultant.get("/cards/261234567897").status_code == 404


def test_seal_image_through_the_api(desk):
    admin, consultant, _, _ = desk
    assert admin.put("/programs/CBSC-2026/seal", {"image": "data:image/png;base64,AAAA"}).status_code == 422
    response = admin.put("/programs/CBSC-2026/seal", {"image": signature_data_url("章")})
    assert response.status_code == 200 and response.get_json()["has_seal"] is True
    assert consultant.put("/programs/CBSC-2026/seal", {"image": None}).status_code == 403
    assert admin.put("/programs/CBSC-2026/seal", {"image": None}).get_json()["has_seal"] is False


def test_the_settlement_is_shown_before_anything_is_redeemed(desk, app):
    from sqlalchemy import func, select

    from app.cards.models import LedgerEntry, Redemption, Scan
    from app.extensions import db
    _, consultant, counter, member = desk
    card = issue(consultant, member["id"]).get_json()
    token = card["verify_url"].rsplit("/v/", 1)[1]
    counts = lambda: [db.session.scalar(select(func.count(m.id))) for m in (Redemption, LedgerEntry, Scan)]  # noqa: E731
    before = counts()
    preview = counter.post(f"/verify/{token}/settlement", {"item": "3-1-1201", "price": "3280000"})
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert (body["result"], body["item"]) == ("valid", "3-1-1201")
    assert body["settlement"].items() >= {"price": "3280000.00", "discount_rate": "0.95", "discounted": "3116000.00",
                                          "offset": "50000.00", "deposit_applied": "50000.00",
                                          "deposit_remaining": "0.00", "credit_used": "0.00", "credit_lapsed": "0.00",
                                          "payable": "3066000.00"}.items()
    assert counts() == before  # nothing written
    redeemed = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "3280000"}).get_json()
    assert redeemed["settlement"] == body["settlement"]  # what was shown is what was recorded
    again = counter.post(f"/verify/{token}/settlement", {"item": "3-1-1201", "price": "3280000"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "redeemed")
    assert counter.post(f"/verify/{token}/settlement", {"item": "x"}).status_code == 422


def test_the_counter_page_confirms_the_settlement_before_redeeming(desk, login, make_card):
    from tests.conftest import form_post
    card = make_card()
    client = login("counter")
    shown = form_post(client, "/counter", {"action": "preview", "code": card.number, "item": "3-1-1201", "price": "3280000"})
    page = shown.get_data(as_text=True)
    assert "¥3,066,000.00" in page and "确认并核销" in page and "本次已核销" not in page
    assert card.status.value == "active"
    done = form_post(client, "/counter", {"action": "redeem", "code": card.number, "item": "3-1-1201", "price": "3280000"})
    assert "本次已核销" in done.get_data(as_text=True)


def test_a_second_scan_of_a_used_card_says_when_where_and_by_whom(desk, login, make_card):
    _, consultant, counter, member = desk
    card = issue(consultant, member["id"]).get_json()
    token = card["verify_url"].rsplit("/v/", 1)[1]
    assert "redeemed_at" not in counter.get(f"/verify/{token}").get_json()
    counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000", "station": "2号台"})
    again = counter.get(f"/verify/{token}").get_json()
    assert (again["result"], again["station"]) == ("redeemed", "2号台")
    assert again["redeemed_by"] and again["redeemed_at"].startswith("2026-05-20")


def test_the_counter_page_says_when_and_where_a_card_was_used(app, login, make_card):
    from tests.conftest import form_post
    card = make_card()
    client = login("counter")
    form_post(client, "/counter?station=东门1号", {"action": "redeem", "code": card.number, "item": "3-1-1201", "price": "1000000"})
    page = form_post(client, "/counter", {"action": "scan", "code": card.number}).get_data(as_text=True)
    assert "已核销" in page and "东门1号" in page and "3-1-1201" in page


def test_counter_staff_download_the_confirmation_of_their_own_redemption_only(desk, api_as):
    _, consultant, counter, member = desk
    card = issue(consultant, member["id"]).get_json()
    token = card["verify_url"].rsplit("/v/", 1)[1]
    redeemed = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000"}).get_json()
    mine = counter.get(f"/agreements/{redeemed['agreement_id']}/document.pdf")
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert counter.get(f"/agreements/{redeemed['agreement_id']}/document.docx").status_code == 200
    assert api_as("counter").get(f"/agreements/{redeemed['agreement_id']}/document.pdf").status_code == 403  # not theirs
    assert counter.get(f"/agreements/{card['agreement_id']}/document.pdf").status_code == 403  # the subscription


def test_redeeming_records_exactly_the_settlement_that_was_confirmed(desk):
    _, consultant, counter, member = desk
    card = issue(consultant, member["id"]).get_json()
    token = card["verify_url"].rsplit("/v/", 1)[1]
    shown = counter.post(f"/verify/{token}/settlement", {"item": "3-1-1201", "price": "1000000"}).get_json()["settlement"]
    wrong = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000", "payable": "1.00"})
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (409, "settlement_changed")
    assert "900,000.00" in wrong.get_json()["error"]["message"]
    assert consultant.get(f"/cards/{card['number']}").get_json()["status"] == "active"  # nothing redeemed
    done = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000", "payable": shown["payable"]})
    assert done.status_code == 200 and done.get_json()["settlement"] == shown
