"""A scan that seals an agreement for ever is parsed, not judged by its first bytes (issue 9): the files an outside
probe sealed are refused with a reason, on the API and the web form; a plain scan still seals."""

import io

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from app.documents.uploads import check_image, check_pdf
from tests.conftest import PDF_BYTES, csrf_token, plain_pdf


def _pdf(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi')")})


def _launch_on_page(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})})


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, format="PNG")
    return out.getvalue()


BAD = {
    "sixteen_bytes": (b"%PDF-1.4\n%%EOF\n\n", "scan_damaged"),
    "no_pages": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "scan_damaged"),
    "program_after_eof": (plain_pdf() + b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode", "scan_damaged"),
    "javascript_on_open": (_pdf(_open_action_js), "scan_active_content"),
    "javascript_in_names": (_pdf(lambda w: w.add_open_action(JavaScript("this.print({bUI:true})"))), "scan_active_content"),
    "attached_file": (_pdf(lambda w: w.add_attachment("invoice.exe", b"MZ...")), "scan_active_content"),
    "launch_on_page_open": (_pdf(_launch_on_page), "scan_active_content"),
    "password": (_pdf(lambda w: w.encrypt("secret")), "scan_encrypted"),
    "png_12000_square": (_png(12000, 12000), "scan_too_many_pixels"),
    "truncated_png": (_png(100, 100)[:60], "scan_damaged"),
}


@pytest.mark.parametrize("name", BAD)
def test_each_probe_file_is_refused_with_its_reason_on_the_api(api_as, make_card, name):
    content, reason = BAD[name]
    card = make_card(signed=False)
    consultant = api_as("consultant")
    response = consultant.client.post(f"/api/v1/agreements/{card.agreements[0].id}/scan", headers=consultant._headers(),
                                      data={"scan": (io.BytesIO(content), "signed.pdf")})
    assert (response.status_code, response.get_json()["error"]["reasons"]) == (422, {"scan": reason})
    assert card.agreements[0].sealed_sha256 is None


def test_the_refusal_names_what_was_found_in_the_users_language(api_as, make_card, login):
    card = make_card(signed=False)
    consultant = api_as("consultant")
    answer = consultant.client.post(f"/api/v1/agreements/{card.agreements[0].id}/scan", headers=consultant._headers(),
                                    data={"scan": (io.BytesIO(_pdf(_open_action_js)), "s.pdf")}).get_json()
    assert "/OpenAction /JavaScript" in answer["error"]["fields"]["scan"] and "plain scan" in answer["error"]["fields"]["scan"]
    browser = login("consultant")
    path = f"/agreements/{card.agreements[0].id}/scan"
    token = csrf_token(browser.get(f"/agreements/{card.agreements[0].id}/sign").get_data(as_text=True))
    page = browser.post(path, data={"csrf_token": token, "scan": (io.BytesIO(BAD["png_12000_square"][0]), "s.png")})
    assert page.status_code == 422 and "4000 万像素" in page.get_data(as_text=True)


def test_plain_scans_still_seal(api_as, make_card):
    consultant = api_as("consultant")
    for content, name in ((plain_pdf(pages=3), "signed.pdf"), (_png(2480, 3508), "signed.png")):  # A4 at 300 dpi
        card = make_card(signed=False)
        response = consultant.client.post(f"/api/v1/agreements/{card.agreements[0].id}/scan",
                                          headers=consultant._headers(), data={"scan": (io.BytesIO(content), name)})
        assert response.status_code == 200, response.get_json()
    assert check_pdf(PDF_BYTES) is None and check_image(_png(4961, 7016)) is None  # A4 at 600 dpi
