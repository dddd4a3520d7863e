"""An agreement as pages to read on screen before signing it."""

from __future__ import annotations

from .. import audit
from ..documents.pdf import pdf_page_count, pdf_page_png
from ..errors import NotFound
from ..extensions import transition
from ..rules import N_, refuse
from .services import pdf_of


def _pdf(agreement) -> bytes:
    return pdf_of(agreement)[0]


@transition
def page_count(agreement, *, by) -> int:
    """How many pages to show; opening the agreement to read is logged, as its pages show the full ID number."""
    count = pdf_page_count(_pdf(agreement))
    audit.record("agreement.opened_for_signing", agreement, {"number": agreement.number, "pages": count}, actor=by)
    return count


def page_png(agreement, page: int, width_px: int) -> bytes:
    """Page ``page`` (from 1) as a PNG ``width_px`` wide."""
    pdf = _pdf(agreement)
    if not 1 <= page <= pdf_page_count(pdf):
        raise NotFound(refuse("page_not_found", N_("The document has no page %(page)s."), page=page))
    return pdf_page_png(pdf, page - 1, width_px)
