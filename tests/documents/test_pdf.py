"""The PDF converter itself: Chinese in the Simplified Chinese faces, pages as images, a warm LibreOffice that is
started again when it died, shared by threads, bounded by timeouts; scans as PDFs; concurrent first requests."""

import io
import socket
import threading
import time

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat
from pypdf import PdfReader
from sqlalchemy import func, select

from app.agreements import services
from app.agreements.models import Document, DocumentRole
from app.documents import pdf
from app.errors import ServiceError
from tests.conftest import in_request

NOTO = "/usr/share/fonts/opentype/noto/{}CJK-Regular.ttc"
FACE = {"JP": 0, "SC": 2}  # face indexes in Debian's fonts-noto-cjk collections


def _docx(*runs: tuple[str, str, int]) -> bytes:
    """A Word document with one paragraph per (text, East Asian font, size in pt)."""
    document = docx.Document()
    document.sections[0].page_width, document.sections[0].page_height = docx.shared.Mm(210), docx.shared.Mm(297)
    for text, font, size in runs:
        run = document.add_paragraph().add_run(text)
        run.font.size = docx.shared.Pt(size)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _ink(image: Image.Image) -> Image.Image:
    """The glyph's ink, cropped and brought to one size."""
    grey = image.convert("L")
    box = ImageChops.invert(grey).getbbox()
    return grey.crop(box).resize((96, 96))


def _distance(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.parametrize("word_font, noto", [("SimSun", "NotoSerif"), ("SimHei", "NotoSans")])
def test_chinese_is_set_in_the_simplified_chinese_face(word_font, noto):
    """宋体/黑体 become Noto Serif/Sans CJK SC (fonts.conf), not the Japanese cut whose 直 and 骨 differ."""
    content = pdf.docx_to_pdf(_docx(("直", word_font, 150)))
    fonts = [f for f in _embedded_fonts(content) if "CJK" in f]
    assert fonts and all(noto in f for f in fonts), fonts
    page = Image.open(io.BytesIO(pdf.pdf_page_png(content, 0, 1200)))
    glyph = _ink(page.crop((0, 0, page.width, page.height // 3)))
    distances = {}
    for region, index in FACE.items():
        reference = Image.new("L", (400, 400), 255)
        ImageDraw.Draw(reference).text((20, 20), "直", font=ImageFont.truetype(NOTO.format(noto), 300, index=index), fill=0)
        distances[region] = _distance(glyph, _ink(reference))
    assert distances["SC"] < distances["JP"], distances


def _embedded_fonts(content: bytes) -> list[str]:
    names = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.append(str(font.get_object().get("/BaseFont")))
    return names


def test_pages_as_images():
    content = pdf.docx_to_pdf(_docx(*[(f"认筹协议第{i}段", "SimSun", 72) for i in range(12)]))
    pages = pdf.pdf_page_count(content)
    assert pages >= 2
    image = Image.open(io.BytesIO(pdf.pdf_page_png(content, pages - 1, 640)))
    assert image.format == "PNG" and image.width == 640 and 890 <= image.height <= 920  # A4 proportions


def test_a_converter_that_died_is_started_again():
    pdf.docx_to_pdf(_docx(("会员", "SimSun", 12)))
    starts = pdf._server.starts
    pdf._server.process.kill()  # unoserver gone; LibreOffice is stopped with it below
    pdf._server.process.wait()
    started = time.monotonic()
    assert pdf.docx_to_pdf(_docx(("会员", "SimSun", 12))).startswith(b"%PDF-")
    assert pdf._server.starts == starts + 1 and time.monotonic() - started < 30  # no 40 s of client retries


def test_threads_share_one_warm_converter():
    pdf.docx_to_pdf(_docx(("预热", "SimSun", 12)))
    starts, before = pdf._server.starts, pdf.conversions()
    results, errors = [], []

    def convert(i):
        try:
            results.append(pdf.docx_to_pdf(_docx((f"并发{i}", "SimSun", 12))))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(results) == 4 and all(r.startswith(b"%PDF-") for r in results)
    assert pdf._server.starts == starts and pdf.conversions() == before + 4


def _silent_server():
    """A port that accepts connections and never answers, like a hung converter."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    return listener


def test_an_external_converter_that_does_not_answer_is_a_503_not_a_hang(monkeypatch):
    listener = _silent_server()
    try:
        monkeypatch.setenv("VIP_UNOSERVER", f"127.0.0.1:{listener.getsockname()[1]}")
        monkeypatch.setattr(pdf, "CONVERT_TIMEOUT", 1)
        monkeypatch.setattr(pdf, "CLIENT_MARGIN", 0)
        started = time.monotonic()
        with pytest.raises(ServiceError) as raised:
            pdf.docx_to_pdf(_docx(("会员", "SimSun", 12)))
        assert time.monotonic() - started < 10
        assert raised.value.status == 503 and raised.value.decision.code == "pdf_converter_failed"
    finally:
        listener.close()
    with socket.socket() as probe:  # nothing listens here at all
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setenv("VIP_UNOSERVER", f"127.0.0.1:{probe.getsockname()[1]}")
    started = time.monotonic()
    with pytest.raises(ServiceError) as raised:
        pdf.docx_to_pdf(_docx(("会员", "SimSun", 12)))
    assert raised.value.status == 503 and time.monotonic() - started < 5


def test_an_external_converter_is_answered_as_json_503(app, api_as, make_card, monkeypatch):
    card = make_card(signed=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setitem(app.config, "VIP_UNOSERVER", f"127.0.0.1:{probe.getsockname()[1]}")
    response = api_as("consultant").get(f"/agreements/{card.agreements[0].id}/document.pdf")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "pdf_converter_failed"


def _pdf_rows(agreement) -> int:
    from app.extensions import db
    return db.session.scalar(select(func.count()).select_from(Document).where(
        Document.agreement_id == agreement.id, Document.mime == pdf.PDF_MIME))


def test_a_card_sealed_by_a_scanned_image_gives_that_scan_as_a_pdf_not_stored(app, api_as, make_card):
    card = make_card()  # sealed with an uploaded PNG scan
    agreement = card.agreements[0]
    before = pdf.conversions()
    response = api_as("consultant").get(f"/agreements/{agreement.id}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert pdf.pdf_page_count(response.data) == 1 and pdf.conversions() == before
    assert _pdf_rows(agreement) == 0


def test_two_first_requests_at_once_keep_one_pdf(app, make_card, monkeypatch):
    """Another request stores the same draft PDF while this one converts: the unique index refuses the second row and
    this request answers with the one already kept."""
    card = make_card(signed=False)
    agreement = card.agreements[0]
    real = services.docx_to_pdf

    def convert_while_another_request_stores_it(content):
        made = real(content)
        services._store(agreement, DocumentRole.DRAFT, b"%PDF- theirs", filename="theirs.pdf", mime=pdf.PDF_MIME)
        from app.extensions import db
        db.session.commit()
        return made

    monkeypatch.setattr(services, "docx_to_pdf", convert_while_another_request_stores_it)
    content, filename = in_request(app, services.pdf_of, agreement)
    assert (content, filename) == (b"%PDF- theirs", "theirs.pdf") and _pdf_rows(agreement) == 1


def test_a_forked_worker_leaves_its_parents_converter_alone():
    """gunicorn forks workers: a child starts its own converter when it needs one, and neither stops the parent's nor
    removes its profile when it stops or exits."""
    import os

    pdf.docx_to_pdf(_docx(("会员", "SimSun", 12)))
    starts, profile, process = pdf._server.starts, pdf._server.profile, pdf._server.process
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit status
        ok = pdf._server.process is None and not pdf._server.lock.locked()
        pdf.stop_converter()
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.path.isdir(profile) and process.poll() is None
    assert pdf.docx_to_pdf(_docx(("会员", "SimSun", 12))).startswith(b"%PDF-") and pdf._server.starts == starts
