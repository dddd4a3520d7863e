"""Public pages: what a card's QR says, and whether a document is the sealed original."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ..agreements import services as agreements
from ..agreements.schemas import MAX_SCAN_BYTES, dump_agreement
from ..cards import services as cards
from ..cards.schemas import dump_card
from ..extensions import limiter
from ..users.roles import can

bp = Blueprint("public", __name__)


def _limit() -> str:
    return current_app.config["VIP_VERIFY_RATE_LIMIT"]


@bp.get("/v/<path:token>")
@limiter.limit(_limit)
def card(token: str):
    verdict, found = cards.verify_token(token)
    staff = current_user.is_authenticated and can(current_user, "card.view")
    return render_template("verify/card.html", verdict=verdict, card=found, staff=staff,
                           data=dump_card(found, full=staff, holder_name=staff) if found else None,
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
    return render_template("verify/document.html", agreement=agreement,
                           data=dump_agreement(agreement, public=True) if agreement else None,
                           state=agreements.seal_state(agreement) if agreement else None,
                           match=match), 200 if agreement else 404


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit(_limit)
def check():
    """Upload any file: is it the sealed original of one of our agreements?"""
    found = None
    checked = request.method == "POST"
    if checked:
        content = _upload()
        found = agreements.by_sealed_bytes(content) if content else None
    return render_template("verify/check.html", checked=checked, agreement=found,
                           data=dump_agreement(found, public=True) if found else None)
