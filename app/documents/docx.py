"""Agreements rendered from the docxtpl templates in contracts/."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, Mapping

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLANK_LINE = "＿＿＿＿＿＿＿＿"  # where a signature goes on paper


def template_version(name: str) -> str:
    """The first 12 hex digits of the template's SHA-256: which exact template made a document.
    Read each time, not cached, so a template edited while the service runs is noticed."""
    return hashlib.sha256((CONTRACTS / name).read_bytes()).hexdigest()[:12]


def render_docx(name: str, context: Mapping[str, Any], images: Mapping[str, tuple[bytes | None, float]]) -> bytes:
    """Render a template. ``images`` maps a tag to (PNG bytes or None, width in mm); None leaves a blank line."""
    template = DocxTemplate(CONTRACTS / name)
    values = dict(context)
    for tag, (png, width_mm) in images.items():
        values[tag] = InlineImage(template, io.BytesIO(png), width=Mm(width_mm)) if png else BLANK_LINE
    template.render(values, autoescape=True)
    # The document names what made it, in File > Properties, wherever it travels.
    template.docx.core_properties.keywords = f"{name}@{template_version(name)}"
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
