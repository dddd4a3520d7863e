"""Agreements rendered from the docxtpl templates in contracts/."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, Template

from ..training import mark_document
from .package import split

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLANK_LINE = "＿＿＿＿＿＿＿＿"  # where a signature goes on paper
_BREAKS = re.compile("[\t\a\n\f]")


def template_version(name: str) -> str:
    """The first 12 hex digits of the template's SHA-256: which exact template made a document.
    Read each time, not cached, so a template edited while the service runs is noticed."""
    return hashlib.sha256((CONTRACTS / name).read_bytes()).hexdigest()[:12]


def chinese_date(day: dt.date | str | None) -> str:
    """2026年3月1日, as contracts write a day: from a date, or from an ISO day (2026-03-01) wherever it appears in
    the text; other text as it is."""
    if day is None:
        return ""
    if isinstance(day, dt.date):
        return f"{day.year}年{day.month}月{day.day}日"
    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", str(day))


class _CompiledOnce(Environment):
    """docxtpl turns each part of a template into Jinja source and compiles it on every render, most of the render's
    time; the same source compiles to the same template, so it is kept, keyed by the source itself (an edited
    template is compiled anew)."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self.compiled: dict[str, Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's own signature
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self.compiled:
            if len(self.compiled) > 64:  # a handful of templates, a few parts each
                self.compiled.clear()
            self.compiled[source] = super().from_string(source)
        return self.compiled[source]


@functools.cache
def _environment() -> Environment:
    """Autoescaped Jinja with the documents' filters: ``cn_date`` writes a day in Chinese."""
    env = _CompiledOnce()
    env.filters["cn_date"] = chinese_date
    return env


class _Template(DocxTemplate):
    """docxtpl's clean-up of Word's XML before compiling (regular expressions over the whole document) depends on
    the XML alone: done once per template part."""

    patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        if src_xml not in self.patched:
            if len(self.patched) > 64:
                self.patched.clear()
            self.patched[src_xml] = super().patch_xml(src_xml)
        return self.patched[src_xml]

    def resolve_listing(self, xml: str) -> str:
        # Turns tabs, line and page breaks in the values into Word's; without any, its three nested regular
        # expressions over the whole document change nothing.
        return super().resolve_listing(xml) if _BREAKS.search(xml) else xml


def render_docx(name: str, context: Mapping[str, Any], images: Mapping[str, tuple[bytes | None, float]]) -> bytes:
    """Render a template. ``images`` maps a tag to (PNG bytes or None, width in mm); None leaves a blank line."""
    parts = split((CONTRACTS / name).read_bytes())
    template = _Template(io.BytesIO(parts.light))
    values = dict(context)
    for tag, (png, width_mm) in images.items():
        values[tag] = InlineImage(template, io.BytesIO(png), width=Mm(width_mm)) if png else BLANK_LINE
    template.render(values, _environment(), autoescape=True)
    # The document names what made it, in File > Properties, wherever it travels.
    template.docx.core_properties.keywords = f"{name}@{template_version(name)}"
    mark_document(template.docx)  # a training copy's documents say so at the top, and in their PDFs
    out = io.BytesIO()
    template.save(out)
    return parts.whole(out.getvalue())


def append_evidence(content: bytes, title: str, sections: list[tuple[str, list[str] | None, list[list[str]]]],
                    footer: str) -> bytes:
    """The document with an evidence page (出证页) after it: each section a heading and a table (a header row when
    ``columns`` is given), then a closing note. Added after rendering, so templates need not know about it."""
    from docx import Document as open_docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    document = open_docx(io.BytesIO(content))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = document.add_paragraph()
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(15)
    heading.alignment = 1  # centred
    for name, columns, rows in sections:
        label = document.add_paragraph()
        label.add_run(name).bold = True
        label.paragraph_format.keep_with_next = True
        table = document.add_table(rows=0, cols=len(columns or rows[0]))
        table.style = "Table Grid"
        for values, bold in ([(columns, True)] if columns else []) + [(r, False) for r in rows]:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                cell_run = cell.paragraphs[0].add_run(value)
                cell_run.font.size = Pt(8.5)
                cell_run.bold = bold
    note = document.add_paragraph()
    note.add_run(footer).font.size = Pt(8.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
