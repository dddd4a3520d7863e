from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_login import current_user

from ..agreements import services as agreements
from ..agreements.schemas import MAX_SCAN_BYTES, dump_agreement
from ..cards import services
from ..cards.schemas import ISSUE_FIELDS, REDEEM_FIELDS, dump_card, dump_redemption
from ..i18n import say
from ..members.services import get_member
from . import bp, json_body, reject_unknown, require


def _card_body(card) -> dict:
    return dump_card(card, verify_url=services.verify_url(card))


@bp.post("/cards")
def issue_card():
    require("card.issue")
    card = services.issue_card(reject_unknown(json_body(), ISSUE_FIELDS), by=current_user)
    response = jsonify(_card_body(card))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_card", number=card.number)
    return response


@bp.get("/cards")
def list_cards():
    """A page of cards, newest first: ``status`` (e.g. awaiting_signature), ``program``, ``mine=1`` for the cards the
    caller issued; ``page`` and ``per_page`` (at most 200)."""
    require("card.view")
    filters = {k: request.args[k] for k in ("status", "program", "page", "per_page") if k in request.args}
    mine = request.args.get("mine", "").lower() in ("1", "true", "yes")
    cards, total, page, per_page = services.list_cards(filters, issued_by_id=current_user.id if mine else None)
    return jsonify({"items": [_card_body(c) for c in cards], "total": total, "page": page, "per_page": per_page})


@bp.get("/cards/<number>")
def get_card(number: str):
    require("card.view")
    return jsonify(_card_body(services.get_card(number)))


@bp.get("/members/<id:member_id>/cards")
def member_cards(member_id: int):
    require("card.view")
    member = get_member(member_id)
    return jsonify({"cards": [_card_body(c) for c in services.cards_of(member)]})


@bp.get("/cards/<number>/card.png")
def card_png(number: str):
    require("card.view")
    card = services.get_card(number)
    png = services.card_image(card, current_app.config.get("VIP_CJK_FONT"))
    return current_app.response_class(png, mimetype="image/png",
                                      headers={"Content-Disposition": f'inline; filename="card-{card.number}.png"'})


def _redeem_body() -> dict:
    return reject_unknown(json_body(), REDEEM_FIELDS)


@bp.post("/cards/<number>/redeem")
def redeem_card(number: str):
    require("card.redeem")
    card = services.get_card(number)
    body = _redeem_body()
    redemption = services.redeem(card.id, body, counter_program=body.get("counter_program"), station=body.get("station"),
                                 by=current_user)
    return jsonify({"status": redemption.card.status.value, "card": _card_body(redemption.card),
                    **dump_redemption(redemption)})


@bp.get("/verify/<token>")
def verify(token: str):
    require("card.view")
    verdict, card = services.verify_token(token, counter_program=request.args.get("counter_program"),
                                          station=request.args.get("station"))
    body = {"result": verdict.code, "message": say(verdict),
            "card": dump_card(card, verify_url=services.verify_url(card), records=False) if card else None}
    if facts := services.redemption_facts(card):  # a used card says when, where and by whom
        body |= {"redeemed_at": facts["redeemed_at"].isoformat(), "redeemed_by": facts["redeemed_by"],
                 "station": facts["station"]}
    return jsonify(body)


@bp.post("/verify/<token>/settlement")
def settlement_preview(token: str):
    """What redeeming would record for ``{"item", "price"}`` or ``{"unit", "published_discount"}``, to confirm
    before redeeming; nothing is written."""
    require("card.redeem")
    body = _redeem_body()
    card, quote = services.preview_settlement(token, body, counter_program=body.get("counter_program"))
    return jsonify({"result": "valid", "card": _card_body(card), **services.dump_quote(quote, card)})


@bp.post("/verify/<token>/redeem")
def redeem_token(token: str):
    require("card.redeem")
    body = _redeem_body()
    redemption = services.redeem_code(token, body, counter_program=body.get("counter_program"),
                                      station=body.get("station"), by=current_user)
    return jsonify({"status": redemption.card.status.value, "card": _card_body(redemption.card),
                    **dump_redemption(redemption)})


def _agreement_body(agreement) -> dict:
    return dump_agreement(agreement) | {"document_url": url_for("api.agreement_document", agreement_id=agreement.id)}


@bp.get("/agreements/<id:agreement_id>")
def get_agreement(agreement_id: int):
    require("card.view")
    return jsonify(_agreement_body(agreements.get_agreement(agreement_id)))


def _send(document):
    return current_app.response_class(
        agreements.download(document), mimetype=document.mime,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'})


@bp.get("/agreements/<id:agreement_id>/document.docx")
def agreement_document(agreement_id: int):
    """The Word document: signed and sealed when signed on screen, else the draft to print and sign."""
    return _send(agreements.word_document(agreements.downloadable(agreement_id, current_user)))


@bp.get("/agreements/<id:agreement_id>/document.pdf")
def agreement_pdf(agreement_id: int):
    """The PDF: certificate-signed once sealed (or the scan, as a PDF), else the draft; made on first need."""
    content, filename = agreements.download_pdf(agreements.downloadable(agreement_id, current_user))
    return current_app.response_class(content, mimetype="application/pdf",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/agreements/<id:agreement_id>/document")
def agreement_original(agreement_id: int):
    """The authoritative file: the sealed original in its own format (Word or the uploaded scan), else the draft."""
    return _send(agreements.current_document(agreements.downloadable(agreement_id, current_user)))


@bp.post("/agreements/<id:agreement_id>/sign")
def sign_agreement(agreement_id: int):
    """Consultants and managers; counter staff for the confirmations of their own redemptions."""
    require("card.view")
    agreements.signable(agreement_id, current_user)
    # consent: the member ticked "read and agreed" on the integrator's screen; false is refused, absent is not asked
    body = reject_unknown(json_body(), ("member_signature", "consultant_signature", "previous_holder_signature", "consent"))
    return jsonify(_agreement_body(agreements.sign_drawn(agreement_id, body, consultant=current_user)))


@bp.post("/agreements/<id:agreement_id>/scan")
def upload_scan(agreement_id: int):
    require("card.view")
    agreements.signable(agreement_id, current_user)
    upload = request.files.get("scan")
    content = upload.read() if upload else b""
    return jsonify(_agreement_body(agreements.seal_scan(agreement_id, content, upload.filename if upload else None,
                                                       consultant=current_user)))


@bp.post("/documents/check")
def check_document():
    """Multipart ``file``: is it a sealed original (by hash), and what does its PDF signature say?"""
    require("card.view")
    from ..agreements import checking
    upload = request.files.get("file")
    content = upload.read(MAX_SCAN_BYTES + 1) if upload else b""
    if not content:
        from ..errors import ValidationFailed
        from ..rules import N_, refuse
        raise ValidationFailed({"file": refuse("file_missing", N_("Choose the file to check."))})
    return jsonify(checking.dump_check(checking.check_file(content)))
