"""The faster QR and draft rendering make the same codes and the same documents as the libraries' own ways."""

from __future__ import annotations

import io
import random
import string
import zipfile

import pytest
import qrcode
from docx import Document
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import lost_point

from app.documents.docx import CONTRACTS, render_docx
from app.documents.package import split
from app.documents.qr import _bits, _penalty, qr_matrix, qr_png

TEMPLATES = sorted(path.name for path in CONTRACTS.glob("*.docx"))


def test_penalty_is_the_librarys():
    rng = random.Random(7)
    for size in (5, 21, 25, 41, 57, 77):
        for share in (0.2, 0.5, 0.8):
            modules = [[rng.random() < share for _ in range(size)] for _ in range(size)]
            assert _penalty([_bits(row) for row in modules], size) == lost_point(modules)


@pytest.mark.parametrize("length", [1, 30, 75, 140, 300])  # versions 1 to 13: with and without version modules
def test_qr_matrix_is_the_librarys(length):
    rng = random.Random(length)
    for _ in range(8):
        url = "https://vip.example.com/d/" + "".join(rng.choices(string.ascii_letters + string.digits + "-_.", k=length))
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=1)
        code.add_data(url)
        code.make(fit=True)  # the library choosing its mask by its own penalty
        assert qr_matrix(url) == code.get_matrix()


def test_qr_png_is_black_and_white_whole_modules():
    from PIL import Image

    url = "https://vip.example.com/d/abc"
    image = Image.open(io.BytesIO(qr_png(url, size_px=360)))
    matrix = qr_matrix(url)
    box = image.width // len(matrix)
    assert image.mode == "1" and image.width == image.height == box * len(matrix) and box >= 4
    pixels = image.convert("L").load()
    assert all((pixels[c * box + box // 2, r * box + box // 2] == 0) == dark
               for r, row in enumerate(matrix) for c, dark in enumerate(row))


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_draft_carries_the_templates_own_parts(name):
    """Parts set aside while rendering come back as the template has them, and every part is there once, in order."""
    template = (CONTRACTS / name).read_bytes()
    kept = split(template).kept
    assert "word/styles.xml" in kept  # the 0.35 MB a render never touches
    draft = render_docx(name, {"member_name": "张三"}, {"verify_qr": (qr_png("https://vip.example.com/d/x"), 28)})
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(io.BytesIO(draft)) as made:
        assert made.testzip() is None
        assert [n for n in made.namelist() if not n.startswith("word/media/")] == source.namelist()
        for part in kept:
            assert made.read(part) == source.read(part)
    document = Document(io.BytesIO(draft))
    assert document.styles["Table Grid"] is not None  # the evidence page's tables find their style
    assert len(document.styles) == len(Document(CONTRACTS / name).styles)
    assert "张三" in "".join(p.text for p in document.paragraphs) or "张三" in document.element.xml


def test_a_line_break_in_a_value_is_still_a_line_break():
    """Values without tabs or breaks skip docxtpl's listing pass; one with a break still gets Word's break."""
    name = "subscription_presale_deposit.docx"
    one_line = render_docx(name, {"member_address": "甘肃省兰州市"}, {})
    two_lines = render_docx(name, {"member_address": "甘肃省兰州市\n城关区"}, {})
    with zipfile.ZipFile(io.BytesIO(one_line)) as a, zipfile.ZipFile(io.BytesIO(two_lines)) as b:
        assert b.read("word/document.xml").count(b"<w:br/>") == a.read("word/document.xml").count(b"<w:br/>") + 1
