"""What the second review found, kept fixed."""

import io

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.agreements.models import Agreement, Document
from app.audit import AuditEntry
from app.cards.models import Card, LedgerEntry, Scan
from app.extensions import db
from tests.conftest import PDF_BYTES, in_request, signature_data_url


@pytest.fixture
def issued(api_as, make_card, make_program):
    card = make_card(signed=False, program=make_program(code="HARD-1"))
    return card


def test_documents_with_full_id_numbers_go_to_consultants_and_admins_only_and_are_logged(api_as, issued):
    agreement_id = issued.agreements[0].id
    for role in ("counter", "auditor"):
        api = api_as(role)
        assert api.get(f"/agreements/{agreement_id}/document.docx").status_code == 403
        assert api.get(f"/agreements/{agreement_id}/document").status_code == 403
        assert api.get(f"/agreements/{agreement_id}").status_code == 200  # metadata is fine
    consultant = api_as("consultant")
    assert consultant.get(f"/agreements/{agreement_id}/document.docx").status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "agreement.document_downloaded")).one()
    assert entry.object_id == str(agreement_id) and entry.payload["role"] == "draft"


def test_the_api_masks_the_holders_name(api_as, issued):
    body = api_as("counter").get(f"/cards/{issued.number}").get_json()
    from app.rules.identity import mask_name
    assert body["holder"] == {"member_id": issued.member.id, "name_masked": mask_name(issued.member.name),
                              "id_type": "resident_id", "id_number_masked": issued.member.id_number_masked}


def test_integers_beyond_the_database_are_422_not_500(api_as, issued):
    consultant = api_as("consultant")
    for member_id in (2147483648, 10**30):
        response = consultant.post("/cards", {"program": "HARD-1", "tier": "VIP", "member_id": member_id, "amount": "50000",
                                              "payment_method": "cash", "receipt_no": "R"})
        assert (response.status_code, response.get_json()["error"]["reasons"]) == (422, {"member_id": "too_large"})


def test_nul_bytes_in_headers_and_codes_are_stored_cleanly(app, issued):
    client = app.test_client()
    response = client.get("/v/garbage%00", headers={"User-Agent": "Evil\x00Agent"})
    assert response.status_code == 200
    scan = db.session.scalars(select(Scan).order_by(Scan.id.desc())).first()
    assert (scan.user_agent, scan.verdict) == ("EvilAgent", "invalid")


def test_uploads_over_the_limits_get_clear_answers(api_as, issued):
    consultant = api_as("consultant")
    agreement_id = issued.agreements[0].id
    # Bodies built in memory: for big multipart data the test client spools a temporary file it never closes.
    boundary, body = encode_multipart({"scan": FileStorage(io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10)), "big.pdf")})
    big = consultant.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=consultant._headers(),
                                 data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert (big.status_code, big.get_json()["error"]["reasons"]) == (422, {"scan": "scan_too_large"})
    huge = consultant.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=consultant._headers(),
                                  data=b"0" * (12 * 1024 * 1024), content_type="multipart/form-data; boundary=x")
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "request_entity_too_large"
    heavy = consultant.post(f"/agreements/{agreement_id}/sign", {"member_signature": "data:image/png;base64," + "A" * 600_000,
                                                                  "consultant_signature": signature_data_url()})
    assert heavy.get_json()["error"]["reasons"] == {"member_signature": "signature_too_large"}


def test_one_file_cannot_be_the_sealed_original_of_two_agreements(api_as, make_card, issued):
    consultant = api_as("consultant")
    other = make_card(signed=False, program=issued.program)
    for agreement_id, expected in ((issued.agreements[0].id, 200), (other.agreements[0].id, 422)):
        response = consultant.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=consultant._headers(),
                                          data={"scan": (io.BytesIO(PDF_BYTES), "s.pdf")})
        assert response.status_code == expected
    assert response.get_json()["error"]["reasons"] == {"scan": "scan_already_sealed"}


def test_the_database_keeps_a_seal_as_it_was(app, api_as, issued):
    consultant = api_as("consultant")
    agreement_id = issued.agreements[0].id
    consultant.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=consultant._headers(),
                           data={"scan": (io.BytesIO(PDF_BYTES), "s.pdf")})
    with pytest.raises(sa.exc.DatabaseError, match="keeps its seal"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE agreements SET sealed_sha256 = 'forged' WHERE id = :id"), {"id": agreement_id})
    sealed = db.session.scalars(select(Document).where(Document.role == "sealed")).one()
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.insert(Document).values(
                agreement_id=agreement_id, role="sealed", filename="x", mime="x", size=1, sha256="0" * 64,
                content_encrypted=b"x", created_at=sealed.created_at))


def test_a_seal_that_no_longer_verifies_is_said_so(app, make_card, monkeypatch):
    from app import tokens
    from app.agreements import services
    card = make_card(signed=False)
    agreement = card.agreements[0]
    in_request(app, services.seal_scan, agreement.id, PDF_BYTES, "s.pdf", consultant=make_card.consultant)
    assert in_request(app, services.seal_state, agreement) == "sealed"
    forged = Agreement(number=agreement.number, sealed_sha256="0" * 64, seal_token=agreement.seal_token)
    assert in_request(app, services.seal_state, forged) == "broken"  # the token vouches for another hash
    path = in_request(app, services.verify_url, agreement).split("vip.example.test", 1)[1]
    real_read = tokens.read
    monkeypatch.setattr(tokens, "read", lambda salt, token: None if salt == tokens.SEAL else real_read(salt, token))
    page = app.test_client().get(path).get_data(as_text=True)
    assert "封存无法核验" in page and "我的文件是原件吗" not in page  # no upload check for a seal we cannot vouch for


def test_a_changed_template_cannot_be_signed_under_the_old_version(app, make_card, monkeypatch):
    from app.agreements import services
    from app.errors import Conflict
    card = make_card(signed=False)
    monkeypatch.setattr(services, "template_version", lambda name: "000000000000")
    with pytest.raises(Conflict) as caught:
        in_request(app, services.sign_drawn, card.agreements[0].id,
                   {"member_signature": signature_data_url("a"), "consultant_signature": signature_data_url("b")},
                   consultant=make_card.consultant)
    assert caught.value.code == "template_changed"


def test_a_failure_after_the_first_write_leaves_nothing(app, api_as, make_program, make_member, monkeypatch):
    from app.agreements import services
    _program, member = make_program(code="HALF-1"), make_member()
    consultant = api_as("consultant")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    before = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
              for m in (Card, LedgerEntry, Agreement, Document, AuditEntry)}
    monkeypatch.setattr(services, "render_docx", broken)
    response = consultant.post("/cards", {"program": "HALF-1", "tier": "VIP", "member_id": member.id, "amount": "50000",
                                          "payment_method": "cash", "receipt_no": "R"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    after = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
             for m in (Card, LedgerEntry, Agreement, Document, AuditEntry)}
    assert after == before


def test_permit_override_is_recorded_only_when_it_overrides(app, make_user, make_program, make_member):
    from app.cards.services import issue_card
    admin, _program, member = make_user("admin"), make_program(code="PERMIT-OK"), make_member()
    card = in_request(app, issue_card, {"program": "PERMIT-OK", "tier": "VIP", "member_id": member.id, "amount": "50000",
                                        "payment_method": "cash", "receipt_no": "R", "permit_override_reason": "以防万一"},
                      by=admin)
    assert card.permit_override is False


def test_presale_cards_are_used_from_opening_day(app, api_as, make_card, make_program):
    card = make_card(program=make_program(code="OPEN-1", opening_date="2026-06-01"))
    from app import tokens
    token = in_request(app, tokens.card_token, card.public_id, card.generation)
    counter = api_as("counter")
    assert counter.get(f"/verify/{token}").get_json()["result"] == "valid"  # a genuine card, on any day
    early = counter.post(f"/verify/{token}/redeem", {"item": "1-1-101", "price": "1000000"})
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "not_yet_valid")
    assert "2026-06-01" in early.get_json()["error"]["message"]


def test_the_counter_names_mistyped_and_unknown_numbers(app, login, issued):
    from app.rules.cards import make_card_number
    from tests.conftest import csrf_token
    client = login("counter")
    token = csrf_token(client.get("/counter").get_data(as_text=True))
    mistyped = issued.number[:-1] + str((int(issued.number[-1]) + 3) % 10)
    page = client.post("/counter", data={"csrf_token": token, "action": "scan", "code": mistyped}).get_data(as_text=True)
    assert "输错数字" in page
    unknown = make_card_number(2026, "999999999")
    response = client.post("/counter", data={"csrf_token": token, "action": "redeem", "code": unknown, "item": "x", "price": "1"})
    assert response.status_code == 200 and "无此卡" in response.get_data(as_text=True)
    last = db.session.scalars(select(Scan).order_by(Scan.id.desc())).first()
    assert (last.action.value, last.verdict) == ("redeem", "card_not_found")


def test_long_names_stay_off_the_qr_and_unknown_characters_are_refused(app, issued):
    from app.cards.services import card_image, verify_url
    from app.documents.fonts import FontMissing, find_cjk_fonts, font_for
    from tests.conftest import decode_qr
    issued.member.name = "阿卜杜热合曼·买买提依明·艾合买提江·吐尔逊"
    issued.program.name = "超长名称的项目VIP认筹卡加长加长版本"
    png = in_request(app, card_image, issued, None)
    assert decode_qr(png) == [in_request(app, verify_url, issued)]
    with pytest.raises(FontMissing) as caught:
        font_for("王\U000F0000", find_cjk_fonts(None))  # a private-use character no font draws
    assert caught.value.code == "font_lacks_characters" and caught.value.status == 503
    db.session.rollback()
