"""The bulk rendering job: every unsigned draft without a PDF gets one (LibreOffice), each kept as made; run again it
makes none; one programme's only when asked."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.agreements.models import Document, DocumentRole
from app.documents.pdf import PDF_MIME
from app.extensions import db


def test_render_makes_each_missing_draft_pdf_once(app, make_card, make_program):
    program, other = make_program(), make_program()
    cards = [make_card(program=program, signed=False) for _ in range(2)] + [make_card(program=other, signed=False)]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["agreements", "render", "--program", program.code])
    assert first.exit_code == 0, first.output
    assert "made 2 PDF(s)" in first.output
    pdfs = {d.agreement_id: d for d in db.session.scalars(select(Document).where(
        Document.role == DocumentRole.DRAFT, Document.mime == PDF_MIME))}
    assert set(pdfs) == {c.agreements[0].id for c in cards[:2]}
    from app.agreements.services import document_bytes
    with app.app_context():
        content = document_bytes(pdfs[cards[0].agreements[0].id])
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert cards[0].member.name in text.replace(" ", "")
    assert "made 0 PDF(s)" in runner.invoke(args=["agreements", "render", "--program", program.code]).output
    assert "made 1 PDF(s)" in runner.invoke(args=["agreements", "render"]).output  # the other programme's
