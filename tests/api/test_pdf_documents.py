"""PDF for every document: LibreOffice makes it once from the same .docx, fonts embedded, PDF/A; 503 without it."""

import datetime as dt
import io

from pypdf import PdfReader

from app.cards.services import verify_url
from app.documents import pdf as pdf_module
from tests.conftest import in_request


def _fonts(content: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font a page uses."""
    fonts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = bool(descriptor) and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font.get("/BaseFont")), embedded or font.get("/Subtype") == "/Type3"))
    return fonts


def test_the_draft_pdf_is_made_once_with_its_chinese_and_fonts_embedded(api_as, make_card):
    card = make_card(signed=False)
    agreement_id = card.agreements[0].id
    before = pdf_module.conversions()
    consultant = api_as("consultant")
    first = consultant.get(f"/agreements/{agreement_id}/document.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert "attachment" in first.headers["Content-Disposition"] and first.headers["Content-Disposition"].endswith('.pdf"')
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(first.data)).pages).replace(" ", "")
    assert card.member.name in text and card.agreements[0].number in text and "内部认购协议书" in text
    fonts = _fonts(first.data)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any("CJK" in name for name, _ in fonts)  # Chinese set in a CJK face, not boxes
    assert b"pdfaid:part" in first.data  # PDF/A-2
    second = consultant.get(f"/agreements/{agreement_id}/document.pdf")
    assert second.data == first.data and pdf_module.conversions() == before + 1  # kept, not made again


def test_issuing_a_card_never_waits_for_a_pdf(make_card):
    before = pdf_module.conversions()
    make_card(signed=False)
    assert pdf_module.conversions() == before


def test_the_redemption_and_renewal_confirmations_are_pdfs_too(app, api_as, make_card, make_program, clock):
    consultant, counter = api_as("consultant"), api_as("counter")
    card = make_card()
    token = in_request(app, verify_url, card)
    redeemed = counter.post(f"/verify/{token.rsplit('/v/', 1)[1]}/redeem", {"item": "3-1-1201", "price": "1000000"}).get_json()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        consultant.get(f"/agreements/{redeemed['agreement_id']}/document.pdf").data)).pages).replace(" ", "")
    assert "解筹" in text and "3-1-1201" in text and "¥900,000.00" in text

    membership = make_card(program=make_program("online_membership"))
    clock.at = clock.at + dt.timedelta(days=362)  # 2027-05-17: the first of the last three days, when it renews
    consultant.renew(app)  # a year on, API tokens (90 days) were renewed
    renewed = consultant.post(f"/cards/{membership.number}/renew", {"payment_method": "cash", "receipt_no": "RN-1"}).get_json()
    renewal = next(a for a in renewed["agreements"] if a["kind"] == "renewal")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        consultant.get(f"/agreements/{renewal['id']}/document.pdf").data)).pages).replace(" ", "")
    assert "会员续期确认书" in text and membership.member.name in text


def test_without_libreoffice_the_answer_is_503_naming_the_package(app, api_as, login, make_card, monkeypatch):
    card = make_card(signed=False)
    monkeypatch.setitem(app.config, "VIP_SOFFICE", "/nonexistent/soffice")
    response = api_as("consultant").get(f"/agreements/{card.agreements[0].id}/document.pdf")
    error = response.get_json()["error"]
    assert response.status_code == 503 and error["code"] == "pdf_converter_missing"
    assert "libreoffice-writer-nogui" in error["message"]
    page = login("consultant").get(f"/agreements/{card.agreements[0].id}/document.pdf", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 503 and "libreoffice-writer-nogui" in page.get_data(as_text=True)
    health = app.test_client().get("/healthz").get_json()
    assert health["checks"]["pdf_converter"] == "missing" and any("libreoffice" in w for w in health["warnings"])
    # Reading before signing says why the pages cannot be shown, and the paper route stays open.
    sign_page = login("consultant").get(f"/agreements/{card.agreements[0].id}/sign").get_data(as_text=True)
    assert "libreoffice-writer-nogui" in sign_page and 'name="scan"' in sign_page


def test_only_those_who_may_see_the_id_number_download_it(api_as, make_card):
    card = make_card(signed=False)
    assert api_as("counter").get(f"/agreements/{card.agreements[0].id}/document.pdf").status_code == 403
    assert api_as("auditor").get(f"/agreements/{card.agreements[0].id}/document.pdf").status_code == 403
