from __future__ import annotations

from flask import current_app, jsonify, url_for
from flask_login import current_user

from ..agreements import services as agreements
from ..agreements.schemas import MAX_SCAN_BYTES, CheckUpload, ScanUpload, SignIn, dump_agreement
from ..cards import scans, services
from ..cards.scans import ScanFilters
from ..cards.schemas import CardFilters, CounterScan, IssueIn, RedeemIn, dump_card, dump_redemption
from ..documents.docx import DOCX_MIME
from ..i18n import say
from ..members.services import get_member
from . import body, bp, query, require
from . import upload as upload_of
from .responses import Agreement, Card, CardList, CardPage, DocumentCheck, Redeemed, Scans, Settlement, Verdict
from .spec import operation


def _card_body(card) -> dict:
    return dump_card(card, verify_url=services.verify_url(card))


@bp.post("/cards")
@operation({201: Card}, body=IssueIn, errors=(409,))
def issue_card():
    """Issue a card: awaiting its holder's signature until the subscription agreement is signed"""
    require("card.issue")
    card = services.issue_card(body(IssueIn), by=current_user)
    response = jsonify(_card_body(card))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_card", number=card.number)
    return response


@bp.get("/cards")
@operation({200: CardPage}, query=CardFilters)
def list_cards():
    """A page of cards, newest first"""
    require("card.view")
    filters = query(CardFilters)
    found = services.list_cards(filters, issued_by_id=current_user.id if filters.mine else None, records=True)
    return jsonify({"items": [_card_body(c) for c in found.cards], "total": found.total, "total_exact": found.total_exact,
                    "page": found.page, "per_page": found.per_page, "next_after": found.next_after,
                    "prev_before": found.prev_before})


@bp.get("/scans")
@operation({200: Scans}, query=ScanFilters)
def list_scans():
    """Scans kept, genuine or not, newest first, a page at a time (next_before)"""
    require("audit.view")
    page = scans.list_scans(query(ScanFilters))
    return jsonify({"scans": [scans.dump_scan(s) for s in page.scans], "next_before": page.next_before})


@bp.get("/cards/<number>")
@operation({200: Card})
def get_card(number: str):
    """Read a card: its entitlement, money held, agreements, ledger and redemptions"""
    require("card.view")
    return jsonify(_card_body(services.get_card(number)))


@bp.get("/members/<id:member_id>/cards")
@operation({200: CardList})
def member_cards(member_id: int):
    """A member's cards, newest first"""
    require("card.view")
    member = get_member(member_id)
    return jsonify({"cards": [_card_body(c) for c in services.cards_of(member)]})


@bp.get("/cards/<number>/card.png")
@operation({200: "image/png"}, errors=(503,))
def card_png(number: str):
    """The card's image with its QR, to print or send"""
    require("card.view")
    card = services.get_card(number)
    png = services.card_image(card, current_app.config.get("VIP_CJK_FONT"))
    return current_app.response_class(png, mimetype="image/png",
                                      headers={"Content-Disposition": f'inline; filename="card-{card.number}.png"'})


def _redeem_body() -> dict:
    return body(RedeemIn)


@bp.post("/cards/<number>/redeem")
@operation({200: Redeemed}, body=RedeemIn, errors=(409,))
def redeem_card(number: str):
    """Redeem a card by its number (once, unless the programme allows more)"""
    require("card.redeem")
    card = services.get_card(number)
    body = _redeem_body()
    redemption = services.redeem(card.id, body, counter_program=body.get("counter_program"), station=body.get("station"),
                                 by=current_user)
    return jsonify({"status": redemption.card.status.value, "card": _card_body(redemption.card),
                    **dump_redemption(redemption)})


@bp.get("/verify/<token>")
@operation({200: Verdict}, query=CounterScan)
def verify(token: str):
    """What a scanned QR (or a typed card number) is worth here, now; every scan is recorded

    A used card says when, where and by whom it was redeemed."""
    require("card.view")
    scan = query(CounterScan)
    verdict, card = services.verify_token(token, counter_program=scan.counter_program, station=scan.station,
                                          by=current_user)
    body = {"result": verdict.code, "message": say(verdict),
            "card": dump_card(card, verify_url=services.verify_url(card), records=False) if card else None}
    if facts := services.redemption_facts(card):  # a used card says when, where and by whom
        body |= {"redeemed_at": facts["redeemed_at"].isoformat(), "redeemed_by": facts["redeemed_by"],
                 "station": facts["station"]}
    return jsonify(body)


@bp.post("/verify/<token>/settlement")
@operation({200: Settlement}, body=RedeemIn, errors=(409,))
def settlement_preview(token: str):
    """What redeeming would record, to confirm before redeeming; nothing is written"""
    require("card.redeem")
    body = _redeem_body()
    card, quote = services.preview_settlement(token, body, counter_program=body.get("counter_program"))
    return jsonify({"result": "valid", "card": _card_body(card), **services.dump_quote(quote, card)})


@bp.post("/verify/<token>/redeem")
@operation({200: Redeemed}, body=RedeemIn, errors=(409,))
def redeem_token(token: str):
    """Redeem the scanned card (pass payable from the confirmed preview to refuse a changed settlement)"""
    require("card.redeem")
    body = _redeem_body()
    redemption = services.redeem_code(token, body, counter_program=body.get("counter_program"),
                                      station=body.get("station"), by=current_user)
    return jsonify({"status": redemption.card.status.value, "card": _card_body(redemption.card),
                    **dump_redemption(redemption)})


def _agreement_body(agreement) -> dict:
    return dump_agreement(agreement) | {"document_url": url_for("api.agreement_document", agreement_id=agreement.id)}


@bp.get("/agreements/<id:agreement_id>")
@operation({200: Agreement})
def get_agreement(agreement_id: int):
    """Read an agreement: its status, signers and the seal of the signed original"""
    require("card.view")
    return jsonify(_agreement_body(agreements.get_agreement(agreement_id)))


def _send(document):
    return current_app.response_class(
        agreements.download(document, by=current_user), mimetype=document.mime,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'})


@bp.get("/agreements/<id:agreement_id>/document.docx")
@operation({200: DOCX_MIME})
def agreement_document(agreement_id: int):
    """The Word document: signed and sealed when signed on screen, else the draft to print and sign."""
    return _send(agreements.word_document(agreements.downloadable(agreement_id, current_user)))


@bp.get("/agreements/<id:agreement_id>/document.pdf")
@operation({200: "application/pdf"}, errors=(503,))
def agreement_pdf(agreement_id: int):
    """The PDF: certificate-signed once sealed (or the scan, as a PDF), else the draft; made on first need."""
    content, filename = agreements.download_pdf(agreements.downloadable(agreement_id, current_user), by=current_user)
    return current_app.response_class(content, mimetype="application/pdf",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/agreements/<id:agreement_id>/document")
@operation({200: (DOCX_MIME, "application/pdf", "image/jpeg", "image/png")}, describe={200: "Word, PDF, JPEG or PNG, as sealed"})
def agreement_original(agreement_id: int):
    """The authoritative file: the sealed original in its own format (Word or the uploaded scan), else the draft."""
    return _send(agreements.current_document(agreements.downloadable(agreement_id, current_user)))


@bp.post("/agreements/<id:agreement_id>/sign")
@operation({200: Agreement}, body=SignIn, errors=(409, 503))
def sign_agreement(agreement_id: int):
    """Seal an agreement with signatures drawn on screen

    Consultants and managers; counter staff for the confirmations of their own redemptions."""
    require("card.view")
    agreements.signable(agreement_id, current_user)
    return jsonify(_agreement_body(agreements.sign_drawn(agreement_id, body(SignIn), consultant=current_user)))


@bp.post("/agreements/<id:agreement_id>/scan")
@operation({200: Agreement}, multipart=ScanUpload, errors=(409,))
def upload_scan(agreement_id: int):
    """Seal an agreement with the scan of its ink-signed copy (PDF, JPEG or PNG, at most 10 MB)"""
    require("card.view")
    agreements.signable(agreement_id, current_user)
    upload = upload_of(ScanUpload).scan
    content = upload.read() if upload else b""
    return jsonify(_agreement_body(agreements.seal_scan(agreement_id, content, upload.filename if upload else None,
                                                       consultant=current_user)))


@bp.post("/documents/check")
@operation({200: DocumentCheck}, multipart=CheckUpload)
def check_document():
    """Is this file a sealed original (by its hash), and what does its PDF signature say?"""
    require("card.view")
    from ..agreements import checking
    upload = upload_of(CheckUpload).file
    content = upload.read(MAX_SCAN_BYTES + 1) if upload else b""
    if not content:
        from ..errors import ValidationFailed
        from ..rules import N_, refuse
        raise ValidationFailed({"file": refuse("file_missing", N_("Choose the file to check."))})
    return jsonify(checking.dump_check(checking.check_file(content)))
