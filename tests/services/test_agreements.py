import hashlib
import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from docx import Document as Docx
from flask_login import login_user
from pypdf import PdfReader
from sqlalchemy import select

from app.agreements import services
from app.agreements.models import Document, Signature
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from tests.conftest import PDF_BYTES, decode_qr, signature_data_url


def docx_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def docx_images(content: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return [z.read(n) for n in sorted(z.namelist()) if n.startswith("word/media/")]


def in_app(app, fn, *args, user=None, **kwargs):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "10.1.2.3", "HTTP_USER_AGENT": "TestPad/1.0"}):
        if user is not None:
            login_user(user)
        return fn(*args, **kwargs)


def test_the_presale_agreement_says_what_the_card_is(app, make_card, make_program, make_member):
    program = make_program("presale_95", code="DOC-1", opening_date="2026-06-01")
    member = make_member(name="欧阳明月", id_number="11010519491231002X", address="北京市西城区示例路1号")
    card = make_card(signed=False, program=program, member=member)
    agreement = card.agreements[0]
    content = in_app(app, services.document_bytes, agreement.document(services.DocumentRole.DRAFT))
    text = docx_text(content)
    for expected in (agreement.number, "测试置业有限责任公司", "测试花园", "欧阳明月", "11010519491231002X",
                     "伍万元整", "¥50,000.00", "9.5折", "自开盘日后第10日起申请退卡", "不得转让", "内部认购协议书", "诚意金",
                     "测预售字(2026)第9号", "2026年6月1日", "微信支付", card.receipt_no,
                     " ".join(card.number[i:i + 4] for i in (0, 4, 8))):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    doc = Docx(io.BytesIO(content))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"
    (qr,) = docx_images(content)
    (url,) = decode_qr(qr)
    assert url.startswith("https://vip.example.test/d/")
    with app.test_request_context("/"):
        assert services.by_public_token(url.rsplit("/d/", 1)[1]) == agreement
    stored = db.session.scalars(select(Document)).one()
    assert b"11010519491231002X" not in stored.content_encrypted  # the bytes are encrypted at rest
    assert "110***********002X" in agreement.params and "11010519491231002X" not in agreement.params


def test_value_add_and_membership_agreements_use_their_own_words(app, make_card, make_program):
    value_add = make_card(signed=False, program=make_program("presale_value_add", opening_date=None))
    text = docx_text(in_app(app, services.document_bytes, value_add.agreements[0].documents[0]))
    assert "可抵扣房价款" in text and "¥50,000.00" in text and "不得兑换现金" in text and "开盘日：以甲方书面通知为准" in text
    membership = make_card(signed=False, program=make_program("online_membership"))
    agreement = membership.agreements[0]
    assert agreement.template_name == "subscription_paid_membership.docx"
    text = docx_text(in_app(app, services.document_bytes, agreement.documents[0]))
    for expected in ("会员协议", "贰仟元整", "本卡有效期自本协议生效之日起12个月", "届满前3日内", "提前7日书面通知",
                     "签约后2日内付清；逾期付款的，每逾期一日按合同总额的5‰支付违约金", "甲方提前终止的，应提前3日通知乙方。因甲方原因终止本协议的，甲方全额退还",
                     "享受甲方公布的会员权益"):
        assert expected in text, expected


def test_signing_on_screen_embeds_signatures_and_seal_then_seals(app, make_card, make_program):
    from app.programs.services import set_seal
    program = make_program(code="SIGN-1")
    in_app(app, set_seal, program, __import__("base64").b64decode(signature_data_url("章").split(",", 1)[1]), by=None)
    card = make_card(signed=False, program=program)
    consultant = make_card.consultant
    agreement = in_app(app, services.sign_drawn, card.agreements[0].id,
                       {"member_signature": signature_data_url("欧阳明月"), "consultant_signature": signature_data_url("李顾问")},
                       user=consultant, consultant=consultant)
    assert agreement.status.value == "sealed" and agreement.signing_method.value == "drawn"
    signed = agreement.document(services.DocumentRole.SIGNED)  # the Word document staff print, now signed
    signed_docx = in_app(app, services.document_bytes, signed)
    assert len(docx_images(signed_docx)) == 4  # QR, two signatures, the seal
    assert "2026年5月20日" in docx_text(signed_docx)
    sealed = agreement.document(services.DocumentRole.SEALED)  # the original: a certificate-signed PDF
    content = in_app(app, services.document_bytes, sealed)
    assert sealed.mime == "application/pdf" and content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == agreement.sealed_sha256 == sealed.sha256
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "").replace("\n", "")
    assert "出证页" in text and signed.sha256 in text and agreement.number in text
    info = json.loads(sealed.signature_info)
    assert info["certificate"]["demo"] is True and info["timestamp"]["status"] == "none"
    signers = db.session.scalars(select(Signature).order_by(Signature.id)).all()
    assert [(s.role.value, s.ip, s.user_agent) for s in signers] == [
        ("member", "10.1.2.3", "TestPad/1.0"), ("consultant", "10.1.2.3", "TestPad/1.0"), ("issuer", "10.1.2.3", "TestPad/1.0")]
    assert in_app(app, services.seal_state, agreement) == "sealed"
    with pytest.raises(Conflict) as caught:
        in_app(app, services.sign_drawn, agreement.id, {"member_signature": signature_data_url(),
                                                         "consultant_signature": signature_data_url()}, consultant=consultant)
    assert caught.value.code == "agreement_already_sealed"
    assert in_app(app, services.by_sealed_bytes, content) == agreement
    assert in_app(app, services.by_sealed_bytes, content + b" ") is None
    assert agreement.card.status.value == "active"  # the agreement binds: so does the card


@pytest.mark.parametrize("value, code", [
    ("data:image/jpeg;base64,/9j/4AAQ", "signature_not_png"),
    ("data:image/png;base64,not base64!", "signature_not_png"),
    ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", "signature_not_png"),  # truncated PNG
    ("data:image/png;base64," + "A" * 500_000, "signature_too_large"),
    (None, "signature_blank"), ("", "signature_blank"), (12345, "signature_not_png"),
])
def test_bad_signatures_are_refused_and_nothing_is_sealed(app, make_card, value, code):
    card = make_card(signed=False)
    with pytest.raises(ValidationFailed) as caught:
        in_app(app, services.sign_drawn, card.agreements[0].id,
               {"member_signature": value, "consultant_signature": signature_data_url()}, consultant=make_card.consultant)
    assert caught.value.fields["member_signature"].code == code
    assert card.agreements[0].status.value == "unsigned"
    assert db.session.scalar(select(sa.func.count(Signature.id))) == 0


def test_an_empty_signature_pad_is_refused(app, make_card):
    import base64

    from PIL import Image
    blank = io.BytesIO()
    Image.new("RGBA", (400, 150), (0, 0, 0, 0)).save(blank, format="PNG")
    card = make_card(signed=False)
    with pytest.raises(ValidationFailed) as caught:
        in_app(app, services.sign_drawn, card.agreements[0].id,
               {"member_signature": "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode(),
                "consultant_signature": signature_data_url()}, consultant=make_card.consultant)
    assert caught.value.fields["member_signature"].code == "signature_blank"


PDF = PDF_BYTES


def test_a_signed_scan_becomes_the_sealed_original(app, make_card):
    card = make_card(signed=False)
    agreement = in_app(app, services.seal_scan, card.agreements[0].id, PDF, "signed.pdf", consultant=make_card.consultant)
    assert (agreement.status.value, agreement.signing_method.value) == ("sealed", "scan")
    sealed = agreement.document(services.DocumentRole.SEALED)
    assert (sealed.mime, sealed.filename.endswith(".pdf")) == ("application/pdf", True)
    assert in_app(app, services.document_bytes, sealed) == PDF
    assert agreement.sealed_sha256 == hashlib.sha256(PDF).hexdigest()
    assert in_app(app, services.word_document, agreement).role.value == "draft"  # the text stays available as Word


@pytest.mark.parametrize("content, code", [
    (b"", "scan_missing"), (b"GIF89a....", "scan_wrong_type"), (b"hello", "scan_wrong_type"),
    (b"%PDF-1.4 cut off", "scan_damaged"), (b"\x89PNG\r\n\x1a\nbroken", "scan_damaged"),
    (b"%PDF-" + b"0" * (10 * 1024 * 1024), "scan_too_large"),
])
def test_bad_scans_are_refused(app, make_card, content, code):
    card = make_card(signed=False)
    with pytest.raises(ValidationFailed) as caught:
        in_app(app, services.seal_scan, card.agreements[0].id, content, "x.pdf", consultant=make_card.consultant)
    assert caught.value.fields["scan"].code == code
    assert card.agreements[0].status.value == "unsigned"


def test_sealed_documents_cannot_be_changed_in_the_database(app, make_card):
    card = make_card(signed=False)
    in_app(app, services.seal_scan, card.agreements[0].id, PDF, "signed.pdf", consultant=make_card.consultant)
    for table in ("documents", "signatures", "ledger_entries"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(sa.text(f"UPDATE {table} SET id = id"))
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(sa.text(f"DELETE FROM {table}"))
