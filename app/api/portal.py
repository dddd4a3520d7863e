"""The member's own page as JSON, for a mini-program or an app: the same sign-in (card number, ID ending, a code by
SMS) and the same services as /my/. No staff token: the first two calls are public, the others take the member
session's token in the header X-Member-Token."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from pydantic import Field

from ..extensions import limiter
from ..portal import services
from ..portal.schemas import CodeIn, RefundAskIn, SessionIn
from ..rules import N_, refuse
from ..rules.money import format_fen
from ..web import api_error
from . import PUBLIC_ENDPOINTS, body, bp, optional_body
from .responses import CardNumber, Date, Money, Shape
from .spec import operation

MEMBER_HEADER = "X-Member-Token"


class PortalChallenge(Shape):
    challenge: str = Field(description="Send it back with the code; the same answer whether or not the card and ID match")
    expires_in: int = Field(description="Seconds the code, if one was sent, stays valid")


class PortalSession(Shape):
    token: str = Field(description="Send as the X-Member-Token header; ends after a while unused, or signed out")
    expires_in: int = Field(description="Seconds the session lasts at most")


class PortalWindow(Shape):
    first_day: Date
    last_day: Date | None


class PortalAgreement(Shape):
    id: int = Field(description="GET /portal/agreements/{id}/document.pdf downloads it")
    number: str
    kind: str


class PortalCard(Shape):
    number: CardNumber
    status: str
    verdict: str = Field(description="As the public verify page says it")
    verdict_message: str
    program: str
    project: str
    tier: str
    valid_from: Date
    valid_through: Date | None
    held_amount: Money
    refund_window: PortalWindow | None
    refund: str = Field(description="Whether a refund may be asked for today, and if not why (reason code)")
    refund_message: str
    refund_pending: bool
    agreements: list[PortalAgreement] = Field(description="Signed and sealed")
    points: int | None = Field(description="Retail cards: the balance today")


class PortalCards(Shape):
    items: list[PortalCard]


class PortalRefund(Shape):
    id: int
    status: str
    amount: Money


def _card_scope() -> str:
    data = request.get_json(silent=True)
    number = data.get("card_number") if isinstance(data, dict) and isinstance(data.get("card_number"), str) else None
    return "portal-card:" + services.card_key(number)


def _limit(name: str):
    return lambda: current_app.config[name]


_pages = limiter.shared_limit(_limit("VIP_PORTAL_PAGE_RATE_LIMIT"), scope="portal-pages")


def _member():
    g.member = services.member_for(request.headers.get(MEMBER_HEADER))
    return g.member


def _unauthorised():
    from ..i18n import say
    return api_error(401, "member_session_required", say(refuse("member_session_required", N_(
        "Sign in first: send the member session's token as the X-Member-Token header."))))


@bp.post("/portal/code")
@operation({202: PortalChallenge}, body=CodeIn, errors=(429,), public=True)
@_pages
@limiter.limit(_limit("VIP_PORTAL_CODE_RATE_LIMIT"))
@limiter.limit(_limit("VIP_PORTAL_CARD_RATE_LIMIT"), key_func=_card_scope)
def portal_code():
    """Ask for a sign-in code by SMS

    The code goes to the phone on file when the card number and the last 6 characters of the ID number belong
    together; the answer is the same either way."""
    spec = CodeIn.read(body(CodeIn))
    challenge = services.request_code(spec.card_number, spec.id_tail)
    return jsonify({"challenge": challenge, "expires_in": current_app.config["VIP_PORTAL_CODE_MINUTES"] * 60}), 202


@bp.post("/portal/session")
@operation({201: PortalSession}, body=SessionIn, errors=(403, 429), public=True)
@_pages
@limiter.limit(_limit("VIP_PORTAL_VERIFY_RATE_LIMIT"))
def portal_session():
    """Sign in with the code from the text message"""
    spec = SessionIn.read(body(SessionIn))
    token = services.verify_code(spec.challenge, spec.code)
    return jsonify({"token": token, "expires_in": current_app.config["VIP_PORTAL_SESSION_MINUTES"] * 60}), 201


@bp.delete("/portal/session")
@operation({204: None}, errors=(429,), member_session=True)
@_pages
def portal_sign_out():
    """Sign out of the member session"""
    if _member() is None:
        return _unauthorised()
    services.sign_out(request.headers.get(MEMBER_HEADER))
    return "", 204


def _dump(mc) -> dict:
    from ..i18n import say
    card, window = mc.card, mc.window
    return {"number": card.number, "status": card.status.value, "verdict": mc.verdict.code, "verdict_message": say(mc.verdict),
            "program": card.program.name, "project": card.program.project_name, "tier": card.tier.name,
            "valid_from": card.valid_from.isoformat(),
            "valid_through": card.valid_through.isoformat() if card.valid_through else None,
            "held_amount": format_fen(card.held_fen),
            "refund_window": {"first_day": window.first_day.isoformat(),
                              "last_day": window.last_day.isoformat() if window.last_day else None} if window else None,
            "refund": mc.refund.code, "refund_message": say(mc.refund), "refund_pending": mc.pending_refund is not None,
            "agreements": [{"id": a.id, "number": a.number, "kind": a.kind.value} for a in mc.agreements],
            "points": mc.points}


@bp.get("/portal/cards")
@operation({200: PortalCards}, errors=(429,), member_session=True)
@_pages
def portal_cards():
    """The signed-in member's cards

    Each with its verdict, validity, money held, refund window, whether a refund may be asked today, its sealed
    agreements and, for retail cards, the points balance."""
    if _member() is None:
        return _unauthorised()
    return jsonify({"items": [_dump(mc) for mc in services.cards_of(g.member)]})


@bp.get("/portal/agreements/<id:agreement_id>/document.pdf")
@operation({200: "application/pdf"}, errors=(429,), member_session=True)
@_pages
def portal_agreement_pdf(agreement_id: int):
    """One of the member's own sealed agreements as a PDF"""
    if _member() is None:
        return _unauthorised()
    content, filename = services.download_agreement(g.member, agreement_id)
    return current_app.response_class(content, mimetype="application/pdf",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/portal/cards/<number>/refund-requests")
@operation({201: PortalRefund}, body=RefundAskIn, errors=(409, 429), member_session=True)
@_pages
def portal_refund(number: str):
    """Ask for a refund of one of the member's cards inside its window

    A manager pays it out as any refund (POST /refund-requests/{id}/approve)."""
    if _member() is None:
        return _unauthorised()
    asked = services.ask_refund(g.member, number, RefundAskIn.read(optional_body(RefundAskIn)).model_dump())
    return jsonify({"id": asked.id, "status": asked.status.value, "amount": format_fen(asked.amount_fen)}), 201


PUBLIC_ENDPOINTS.update({"api.portal_code", "api.portal_session", "api.portal_sign_out", "api.portal_cards",
                         "api.portal_agreement_pdf", "api.portal_refund"})
