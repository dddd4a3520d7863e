"""Public pages: what a card's QR says, and whether a document is the sealed original."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user

from ..agreements import checking
from ..agreements import services as agreements
from ..agreements.schemas import MAX_SCAN_BYTES, dump_agreement
from ..cards import services as cards
from ..cards.schemas import dump_card
from ..errors import ServiceError
from ..extensions import limiter
from ..i18n import say
from ..signing import services as signing
from ..users.roles import can

bp = Blueprint("public", __name__)


def _limit() -> str:
    return current_app.config["VIP_VERIFY_RATE_LIMIT"]


def _card_limit() -> str:
    return current_app.config["VIP_VERIFY_CARD_RATE_LIMIT"]


def _invalid_limit() -> str:
    return current_app.config["VIP_VERIFY_INVALID_RATE_LIMIT"]


def _scanned_code() -> str:
    return "card:" + hashlib.sha256((request.view_args or {}).get("token", "").encode()).hexdigest()[:32]


@bp.get("/v/<path:token>")
@limiter.limit(_limit)
@limiter.limit(_card_limit, key_func=_scanned_code)
@limiter.limit(_invalid_limit, deduct_when=lambda response: bool(g.get("vip_scan_invalid")))
def card(token: str):
    verdict, found = cards.verify_token(token, by=current_user if current_user.is_authenticated else None)
    g.vip_scan_invalid = found is None  # only codes that name no card count towards the guessing limit
    staff = current_user.is_authenticated and can(current_user, "card.view")
    return render_template("verify/card.html", verdict=verdict, card=found, staff=staff,
                           data=dump_card(found, full=staff, holder_name=staff, records=False) if found else None,
                           scans=cards.scans_of(found, 10) if staff and found else [])


def _upload() -> bytes | None:
    upload = request.files.get("file")
    return upload.read(MAX_SCAN_BYTES + 1) if upload else None


@bp.route("/d/<path:token>", methods=["GET", "POST"])
@limiter.limit(_limit)
def document(token: str):
    agreement = agreements.by_public_token(token)
    match = None
    if request.method == "POST" and agreement is not None:
        content = _upload()
        match = bool(content) and agreements.is_sealed_original(agreement, content)
    return _document_page(agreement, match=match)


def _document_page(agreement, *, match=None, proof_error: str | None = None, status: int | None = None):
    return render_template("verify/document.html", agreement=agreement,
                           data=dump_agreement(agreement, public=True) if agreement else None,
                           state=agreements.seal_state(agreement) if agreement else None,
                           match=match, proof_error=proof_error), status or (200 if agreement else 404)


def _download_limit() -> str:
    return current_app.config["VIP_MEMBER_DOWNLOAD_RATE_LIMIT"]


def _per_document_limit() -> str:
    return current_app.config["VIP_MEMBER_DOWNLOAD_DOCUMENT_LIMIT"]


@bp.post("/d/<path:token>/download")
@limiter.limit(_download_limit)
# Guesses spread over many addresses still meet a ceiling per document.
@limiter.limit(_per_document_limit, key_func=lambda: "document:" + (request.view_args or {}).get("token", ""))
def member_download(token: str):
    """The member downloads their own sealed PDF after proving who they are; the public sees the masked page only."""
    agreement = agreements.by_public_token(token)
    if agreement is None:
        return _document_page(None)
    try:
        content, filename = agreements.member_download(agreement, request.form.get("card_number"),
                                                       request.form.get("id_tail"))
    except ServiceError as exc:
        return _document_page(agreement, proof_error=say(exc.decision), status=exc.status)
    return current_app.response_class(content, mimetype="application/pdf",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit(_limit)
def check():
    """Upload any file: is it the sealed original of one of our agreements, and what does its signature say?"""
    result = None
    if request.method == "POST":
        content = _upload()
        result = checking.check_file(content) if content else checking.FileCheck("not_recognised")
    return render_template("verify/check.html", result=result,
                           data=checking.dump_check(result) if result else None)


@bp.get("/check/demo-ca.pem")
def demo_ca():
    """The demo CA certificate, to validate demo-sealed PDFs with any tool (not for production)."""
    return current_app.response_class(signing.demo_ca_pem(), mimetype="application/x-pem-file",
                                      headers={"Content-Disposition": 'attachment; filename="vipcards-demo-ca.pem"'})
