"""The member's own page: signing in with a one-time code, what the member sees, and what they may do.

Nothing here says whether a card exists or which part of a sign-in was wrong: a card number and ID ending that match
nothing get the same answer as ones that do (the code simply never arrives), and every wrong code gets the same
sentence whether it was mistyped, expired, used, tried too often or the holder is locked out."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select, update

from .. import audit
from ..agreements.models import Agreement, AgreementStatus
from ..agreements.services import pdf_of
from ..approvals.models import RefundRequest
from ..approvals.services import open_request
from ..cards import lifecycle
from ..cards.dues import Membership, membership_facts
from ..cards.models import Card
from ..cards.services import refund_dates, verdict_for
from ..clock import today, utcnow
from ..crypto import cipher
from ..errors import Forbidden, NotFound, ServiceError, ValidationFailed
from ..extensions import db, transition
from ..loyalty.models import PointLot
from ..loyalty.services import balance_of, lots_of
from ..members.models import Member
from ..members.services import decrypt_id_number
from ..rules import N_, Decision, refuse
from ..rules.cards import check_card_number
from ..rules.identity import last_six_match, mask_name, mask_number
from ..rules.lifecycle import check_transition, refund_amount
from ..rules.terms import ProgramKind
from ..rules.windows import check_refund_date
from . import sms
from .models import PortalCode, PortalSession

CODE_WRONG = refuse("portal_code_wrong", N_(
    "This code is not right or no longer valid. Check the digits, or ask for a new code."))
CODE_FORMAT = refuse("portal_code_format", N_("Enter the 6 digits of the code from the text message."))
NOT_FOUND = refuse("portal_card_not_found", N_("You have no card with this number."))


class SmsUnavailable(ServiceError):
    status = 503


@dataclass(frozen=True)
class Holder:
    """The member acting on their own page, as services and the audit log see an actor: no staff user (``id`` None),
    named in the log by their masked name and member number, ``张*三 #12`` (no staff username has a space or '#'),
    words in no one language."""

    member_id: int
    name_masked: str
    id = None

    @property
    def username(self) -> str:
        return f"{self.name_masked} #{self.member_id}"


def _holder(member: Member) -> Holder:
    return Holder(member.id, mask_name(member.name))


class _SignIn:
    """What a sign-in attempt naming no card is logged against."""

    audit_type = "portal"
    id = "sign-in"


def _setting(name: str) -> Any:
    return current_app.config[name]


def _code_hash(challenge: str, code: str) -> str:
    # Keyed by the data key and salted by the challenge: a copy of the table alone cannot try the million codes.
    return cipher().blind_index(code, context=f"portal-code/{challenge}")


def _wrong_codes_lately(member_id: int) -> int:
    since = utcnow() - dt.timedelta(minutes=_setting("VIP_PORTAL_LOCK_MINUTES"))
    return db.session.scalar(select(func.coalesce(func.sum(PortalCode.wrong_attempts), 0))
                             .where(PortalCode.member_id == member_id, PortalCode.created_at >= since))


def _locked(member_id: int) -> bool:
    return _wrong_codes_lately(member_id) >= _setting("VIP_PORTAL_LOCK_ATTEMPTS")


def card_key(card_number: str | None) -> str:
    """The card a sign-in names, in its canonical form, for counting requests per card."""
    _, number = check_card_number(card_number or "")
    return number or (card_number or "").strip()[:40]


def code_text(card: Card, code: str, minutes: int) -> str:
    return (f"【{card.program.name}】您的会员验证码为 {code}，{minutes} 分钟内有效，仅用于查看本人的卡和协议。"
            "请勿告诉任何人，工作人员不会向您索取。")


@transition
def request_code(card_number: str | None, id_tail: str | None) -> str:
    """Send a code to the phone on file when the card number and the ID ending belong together. Returns the challenge
    the browser keeps, a random one when nothing matched, so the answer is the same either way."""
    challenge = secrets.token_urlsafe(32)
    _, number = check_card_number(card_number or "")
    card = db.session.scalar(select(Card).where(Card.number == number)) if number else None
    if card is None or not last_six_match(decrypt_id_number(card.member), id_tail or ""):
        audit.record("portal.code_refused", card or _SignIn(), {"card_number_tail": (number or "")[-4:]}, actor=None)
        return challenge
    member = card.member
    holder = _holder(member)
    if _locked(member.id):
        audit.record("portal.locked", card, {"card": card.number, "member_id": member.id}, actor=holder)
        return challenge
    now = utcnow()
    # A new code replaces any earlier one still waiting.
    db.session.execute(update(PortalCode).where(PortalCode.member_id == member.id, PortalCode.used_at.is_(None),
                                                PortalCode.expires_at > now).values(expires_at=now))
    minutes = _setting("VIP_PORTAL_CODE_MINUTES")
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(PortalCode(challenge=challenge, member_id=member.id, card_id=card.id, code_hash=_code_hash(challenge, code),
                              created_at=now, expires_at=now + dt.timedelta(minutes=minutes), wrong_attempts=0))
    try:
        sms.sender(current_app.config).send(member.phone, code_text(card, code, minutes),
                                            {"code": code, "program": card.program.name})
    except sms.SmsFailed as exc:
        current_app.logger.warning("portal code not sent: %s", exc)
        raise SmsUnavailable(refuse("sms_unavailable", N_(
            "The text message could not be sent just now. Please try again in a few minutes."))) from exc
    audit.record("portal.code_sent", card, {"card": card.number, "member_id": member.id,
                                            "phone_masked": mask_number(member.phone)}, actor=holder)
    return challenge


@transition
def verify_code(challenge: str | None, code: str | None) -> str:
    """The code from the text message opens a member session; returns its token (for the browser, never stored)."""
    digits = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", digits):
        raise ValidationFailed({"code": CODE_FORMAT})
    row = db.session.scalar(select(PortalCode).where(PortalCode.challenge == (challenge or "")).with_for_update()
                            .execution_options(populate_existing=True)) if challenge else None
    if row is None:
        raise Forbidden(CODE_WRONG)
    now, holder = utcnow(), _holder(row.member)
    spent = row.used_at is not None or row.expires_at <= now or row.wrong_attempts >= _setting("VIP_PORTAL_CODE_ATTEMPTS")
    if spent or _locked(row.member_id):
        raise Forbidden(CODE_WRONG)
    if not hmac.compare_digest(_code_hash(row.challenge, digits), row.code_hash):
        row.wrong_attempts += 1
        audit.record("portal.code_wrong", row.card, {"card": row.card.number, "member_id": row.member_id,
                                                     "count": row.wrong_attempts}, actor=holder)
        db.session.commit()  # the wrong try counts even though the answer is a refusal
        raise Forbidden(CODE_WRONG)
    row.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(PortalSession(token_hash=hashlib.sha256(token.encode()).hexdigest(), member_id=row.member_id,
                                 created_at=now, last_seen_at=now,
                                 expires_at=now + dt.timedelta(minutes=_setting("VIP_PORTAL_SESSION_MINUTES"))))
    audit.record("portal.signed_in", row.card, {"card": row.card.number, "member_id": row.member_id}, actor=holder)
    return token


def _session_row(token: str | None) -> PortalSession | None:
    if not token:
        return None
    row = db.session.scalar(select(PortalSession).where(PortalSession.token_hash == hashlib.sha256(token.encode()).hexdigest()))
    now = utcnow()
    idle = dt.timedelta(minutes=_setting("VIP_PORTAL_IDLE_MINUTES"))
    if row is None or row.ended_at is not None or row.expires_at <= now or row.last_seen_at + idle <= now:
        return None
    return row


def member_for(token: str | None) -> Member | None:
    """The member a browser's session token stands for while it is fresh; its use is noted at most once a minute."""
    row = _session_row(token)
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at >= dt.timedelta(minutes=1):
        row.last_seen_at = now
        db.session.commit()
    return row.member


@transition
def sign_out(token: str | None) -> None:
    row = _session_row(token)
    if row is not None:
        row.ended_at = utcnow()
        audit.record("portal.signed_out", row.member, {"member_id": row.member_id}, actor=_holder(row.member))


# What the member sees ---------------------------------------------------------------------------------------------

@dataclass
class MemberCard:
    card: Card
    verdict: Decision  # as the public verify page would say it
    window: Any  # the refund window's dates, or None
    window_note: Decision  # why there are no dates, or that they are known
    refund: Decision  # may the member ask for a refund today, and if not why
    pending_refund: RefundRequest | None
    agreements: list[Agreement]  # sealed, downloadable
    points: int | None  # retail cards: the balance today
    lots: list[PointLot]  # retail cards: the lots with points left to spend
    membership: Membership | None  # paid memberships: the fee, its due day and late fee, a running notice


def _refund_today(card: Card) -> Decision:
    """Whether the member may ask today; when they may, the window's own sentence (from when, until when)."""
    window = check_refund_date(card.program.terms(), today(), issue_date=card.issued_on, expiry_date=card.valid_through)
    for decision in (check_transition("refund", card.status), window, refund_amount(card.held_fen)[0]):
        if not decision.ok:
            return decision
    return window


def cards_of(member: Member) -> list[MemberCard]:
    """Every card of the member, newest first, with what it means today."""
    found = []
    for card in db.session.scalars(select(Card).where(Card.member_id == member.id).order_by(Card.id.desc())):
        note, window = refund_dates(card)
        retail = card.program.kind is ProgramKind.RETAIL
        found.append(MemberCard(
            card=card, verdict=verdict_for(card), window=window, window_note=note, refund=_refund_today(card),
            pending_refund=open_request(RefundRequest, card),
            agreements=[a for a in card.agreements if a.status is AgreementStatus.SEALED],
            points=balance_of(card) if retail else None,
            lots=[lot for lot in lots_of(card) if lot.remaining and lot.expires_on >= today()] if retail else [],
            membership=membership_facts(card)))
    return found


def _own_card(member: Member, number: str | None) -> Card:
    _, canonical = check_card_number(number or "")
    card = db.session.scalar(select(Card).where(Card.number == canonical, Card.member_id == member.id)) if canonical else None
    if card is None:
        raise NotFound(NOT_FOUND)
    return card


@transition
def download_agreement(member: Member, agreement_id: int) -> tuple[bytes, str]:
    """The sealed PDF of one of the member's own agreements; anyone else's, or an unsealed one, is not found."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or agreement.card.member_id != member.id or agreement.status is not AgreementStatus.SEALED:
        raise NotFound(refuse("agreement_not_found", N_("You have no signed agreement with this number.")))
    content, filename = pdf_of(agreement)
    audit.record("agreement.member_downloaded", agreement, {"card": agreement.card.number, "document": filename,
                                                           "member_id": member.id}, actor=_holder(member))
    return content, filename


def ask_refund(member: Member, number: str | None, data: Mapping[str, Any]) -> RefundRequest:
    """The member asks for their money back inside the window; a manager pays it out as for a request made at the desk
    (the two-person rule holds: no staff user asked)."""
    card = _own_card(member, number)
    reason = str(data.get("reason") or "").strip() or gettext("Asked for by the holder on their own page.")
    return lifecycle.request_refund(card.id, {"reason": reason}, by=_holder(member))
