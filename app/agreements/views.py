"""Agreements in the browser: read the pages, sign on the tablet or seal a signed scan, and download the documents."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..cards import services as cards
from ..errors import ServiceError, ValidationFailed
from ..i18n import say
from ..web import field_errors, require
from . import reading
from . import services as agreements

bp = Blueprint("agreements", __name__)


def _reading(agreement):
    """The pages to read before signing: their count, or why they cannot be shown (no PDF converter)."""
    try:
        return reading.page_count(agreement, by=current_user), None
    except ServiceError as exc:
        return 0, say(exc.decision)


@bp.route("/agreements/<id:agreement_id>/sign", methods=["GET", "POST"])
@require("card.view")
def sign(agreement_id: int):
    """Read, then sign: the whole agreement as pages, its key terms with real dates, the member's consent and pad,
    then the consultant's. A refused submit comes back with the strokes and the consent as they were."""
    agreement = agreements.signable(agreement_id, current_user)
    errors: dict[str, str] = {}
    kept: dict[str, str] = {}
    if request.method == "POST":
        try:
            agreements.sign_drawn(agreement.id, request.form, consultant=current_user, require_consent=True)
        except ValidationFailed as exc:
            errors = field_errors(exc)
            kept = {k: v for k, v in request.form.items() if k.endswith("_signature") or k == "consent"}
        else:
            flash(gettext("Signed and sealed."), "success")
            return redirect(url_for("cards.detail", number=agreement.card.number))
    return _sign_page(agreement, errors, kept)


def _sign_page(agreement, errors: dict[str, str], kept: dict[str, str] | None = None):
    pages, unreadable = _reading(agreement) if agreement.status.value == "unsigned" else (0, None)
    return render_template("agreements/sign.html", agreement=agreement, card=agreement.card, errors=errors,
                           purchase=cards.purchase_of(agreement),
                           kept=kept or {}, pages=pages, unreadable=unreadable,
                           refund=cards.refund_dates(agreement.card)), 422 if errors else 200


@bp.get("/agreements/<id:agreement_id>/pages/<int:page>.png")
@require("card.view")
def page_image(agreement_id: int, page: int):
    """One page of the agreement as an image, for reading it on a tablet before signing."""
    agreement = agreements.signable(agreement_id, current_user)
    width = min(max(request.args.get("w", 1200, type=int), 300), 2400)
    return current_app.response_class(reading.page_png(agreement, page, width), mimetype="image/png")


@bp.post("/agreements/<id:agreement_id>/scan")
@require("card.view")
def scan(agreement_id: int):
    agreement = agreements.signable(agreement_id, current_user)
    upload = request.files.get("scan")
    try:
        agreements.seal_scan(agreement.id, upload.read() if upload else b"", upload.filename if upload else None,
                             consultant=current_user)
    except ValidationFailed as exc:
        return _sign_page(agreement, field_errors(exc))
    flash(gettext("The signed scan is sealed."), "success")
    return redirect(url_for("cards.detail", number=agreement.card.number))


@bp.get("/agreements/<id:agreement_id>/document.pdf")
@require("card.view")
def document_pdf(agreement_id: int):
    """The PDF members keep: the certificate-signed original once sealed, else the draft to read."""
    content, filename = agreements.download_pdf(agreements.downloadable(agreement_id, current_user), by=current_user)
    return current_app.response_class(content, mimetype="application/pdf",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/agreements/<id:agreement_id>/document")
@require("card.view")
def document(agreement_id: int):
    """The Word document staff edit and print: with the signatures once signed on screen, else the draft."""
    doc = agreements.word_document(agreements.downloadable(agreement_id, current_user))
    return current_app.response_class(agreements.download(doc, by=current_user), mimetype=doc.mime,
                                      headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'})
