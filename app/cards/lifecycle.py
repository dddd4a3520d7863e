"""Card lifecycle (DESIGN §4): one function per transition, each one transaction with its audit entry,
the ledger rows for the money it moves, and the document it needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..agreements import contexts
from ..agreements.models import AgreementKind, AgreementStatus
from ..agreements.services import create_agreement, render_subscription
from ..approvals import services as approvals
from ..approvals.models import AnnulRequest, RefundKind, RefundRequest, RequestStatus, TransferRequest, VoidRequest
from ..audit import actor_id
from ..clock import today, utcnow
from ..errors import Conflict, NotFound, ValidationFailed, ensure
from ..extensions import db, transition
from ..members.models import Member
from ..members.services import decrypt_id_number, id_indexes
from ..rules import N_, refuse
from ..rules import cards as card_rules
from ..rules import lifecycle as rules
from ..rules.dues import check_dues_amount, check_dues_paid, dues_owed
from ..rules.expiry import check_expiry_day
from ..rules.identity import check_id_number
from ..rules.money import format_yuan
from ..rules.policies import (
    check_card_limit,
    check_reissue_identity,
    check_transfer,
    issuer_termination,
    member_termination,
)
from ..rules.terms import CardStatus
from ..rules.validity import check_renewal, renewed_through
from ..rules.windows import check_refund_date
from ..training import training_mode
from ..units import services as units
from ..users.roles import require_permission
from ..validation import REQUIRED
from .charges import Charge, ChargeKind
from .models import Card, DuesStatus, LedgerEntry, LedgerKind, PaymentMethod, Redemption
from .schemas import DuesIn, PayoutIn, ReasonIn, ReasonRequired, RefundIn, ReissueIn, RenewIn, TransferIn
from .services import new_card_number
from .terminations import Termination, TerminationParty, running_termination


def _lock(card_id: int) -> Card:
    card = db.session.scalar(select(Card).where(Card.id == card_id).with_for_update()
                             .execution_options(populate_existing=True))
    if card is None:
        raise NotFound(refuse("card_not_found", N_("No card has the number %(number)s."), number=card_id))
    return card


def _ledger(card: Card, kind: LedgerKind, amount_fen: int, *, by, method: PaymentMethod | None = None,
            reference: str | None = None) -> None:
    db.session.add(LedgerEntry(card=card, kind=kind, amount_fen=amount_fen, payment_method=method, reference=reference,
                               created_at=utcnow(), actor_id=actor_id(by)))


def _close_open_transfer(card: Card, why: str, *, by) -> None:
    """A card leaving active takes its waiting transfer with it, so no approval is left hanging."""
    request = approvals.open_request(TransferRequest, card)
    if request is not None:
        request.status, request.decided_at, request.decision_note = RequestStatus.CANCELLED, utcnow(), why
        audit.record("transfer.cancelled", request, {"card": card.number, "why": why}, actor=by)


def _reason(data: Mapping[str, Any], *, required: bool) -> str:
    return (ReasonRequired if required else ReasonIn).read(data).reason or ""


def _successor(card: Card, member: Member, status: CardStatus = CardStatus.ACTIVE, *, by) -> Card:
    """The next generation of a card: new number and QR, same programme, tier and term; the money held moves over."""
    generation = db.session.scalar(select(func.max(Card.generation)).where(Card.public_id == card.public_id)) + 1
    new = Card(number=new_card_number(), public_id=card.public_id, generation=generation, program=card.program,
               tier=card.tier, member=member, status=status, amount_fen=card.amount_fen,
               payment_method=card.payment_method, receipt_no=card.receipt_no, design=card.design,
               issued_on=card.issued_on, valid_from=card.valid_from, valid_through=card.valid_through,
               issued_at=utcnow(), issued_by_id=actor_id(by), permit_override=card.permit_override,
               predecessor_id=card.id, credit_void=card.credit_void, dues_status=card.dues_status,
               dues_due_on=card.dues_due_on, dues_paid_on=card.dues_paid_on, dues_late_fee_fen=card.dues_late_fee_fen)
    db.session.add(new)
    held = card.held_fen
    if held:
        _ledger(card, LedgerKind.CARRIED_OUT, -held, reference=new.number, by=by)
        _ledger(new, LedgerKind.CARRIED_IN, held, reference=card.number, by=by)
    db.session.flush()
    if (notice := running_termination(card)) is not None:
        notice.card_id = new.id  # the notice runs on: the new card ends when it has run
    return new


def _charge(card: Card, kind: ChargeKind, amount_fen: int, receipt_no: str | None, *, by) -> None:
    if amount_fen:
        db.session.add(Charge(card=card, kind=kind, amount_fen=amount_fen, receipt_no=receipt_no, created_at=utcnow(),
                              actor_id=actor_id(by)))


def _fee_receipt(receipt: str | None, fee_fen: int) -> str | None:
    """A fee the programme charges is recorded with its receipt."""
    if fee_fen and not receipt:
        raise ValidationFailed({"fee_receipt_no": refuse("fee_receipt_required", N_(
            "Record the receipt number of the %(fee)s fee."), fee=format_yuan(fee_fen))})
    return receipt


def _ensure_paid(card: Card) -> None:
    """A membership whose fee is not paid is not in force: nothing but paying (or ending it) moves it on."""
    ensure(check_dues_paid(unpaid=card.dues_status is DuesStatus.UNPAID, due=card.dues_due_on))


# Loss and reissue ----------------------------------------------------------------------------------------

def _set_status(card_id: int, data: Mapping[str, Any], action: str, to: CardStatus, audit_action: str, *, by) -> Card:
    reason = _reason(data, required=False)
    card = _lock(card_id)
    ensure(rules.check_transition(action, card.status))
    card.status = to
    card.loss_reason = (reason or None) if to is CardStatus.LOST else None
    if to is not CardStatus.ACTIVE:
        _close_open_transfer(card, audit_action, by=by)
    audit.record(audit_action, card, {"number": card.number, "reason": reason}, actor=by)
    return card


@transition
def report_loss(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    """Blocks the card at once: its QR answers "lost" from this moment."""
    return _set_status(card_id, data, "report_loss", CardStatus.LOST, "card.loss_reported", by=by)


@transition
def cancel_loss(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    """The card was found: active again."""
    return _set_status(card_id, data, "cancel_loss", CardStatus.ACTIVE, "card.loss_cancelled", by=by)


@transition
def reissue(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    """In person, with the holder's ID: a new card and QR; the old one answers "replaced" for ever."""
    card = _lock(card_id)
    spec = ReissueIn.read(data)
    raw = spec.id_number
    fee = card.program.reissue_fee_fen
    receipt = _fee_receipt(spec.fee_receipt_no, fee)
    reason = spec.reason or card.loss_reason or ""
    ensure(rules.check_transition("reissue", card.status))
    problem, id_number = check_id_number(raw, card.member.id_type.value)
    if id_number is None:
        raise ValidationFailed({"id_number": problem})
    identity = check_reissue_identity(holder_id_index=card.member.id_number_index, presented_id_indexes=id_indexes(id_number, card.member.id_type))
    if not identity.ok:
        raise ValidationFailed({"id_number": identity})
    new = _successor(card, card.member, by=by)
    card.status = CardStatus.REPLACED
    _charge(new, ChargeKind.REISSUE_FEE, fee, receipt, by=by)
    agreement = create_agreement(new, AgreementKind.LOSS_REISSUE, "loss_reissue.docx", lambda number, date, url:
                                 contexts.loss_reissue(new, card, agreement_number=number, date=date, verify_url=url,
                                                       id_number=id_number, reason=reason, fee_fen=fee, fee_receipt_no=receipt), by=by)
    audit.record("card.reissued", card, {"number": card.number, "new_number": new.number, "fee": format_yuan(fee),
                                         "fee_receipt_no": receipt, "agreement": agreement.number}, actor=by)
    return new


# Transfer ------------------------------------------------------------------------------------------------

@transition
def request_transfer(card_id: int, data: Mapping[str, Any], *, by) -> TransferRequest:
    card = _lock(card_id)
    spec = TransferIn.read(data)
    to_member_id = spec.to_member_id
    fee = card.program.transfer_fee_fen
    receipt = _fee_receipt(spec.fee_receipt_no, fee)
    ensure(rules.check_transition("transfer", card.status))
    _ensure_paid(card)
    if (notice := running_termination(card)) is not None:
        raise Conflict(refuse("termination_notice_running", N_(
            "A termination notice already runs: the membership ends on %(last_day)s."), last_day=notice.last_day))
    to_member = db.session.get(Member, to_member_id)
    if to_member is None:
        raise ValidationFailed({"to_member_id": refuse("member_not_found", N_("No member has the number %(member_id)s."),
                                                       member_id=to_member_id)})
    ensure(check_transfer(card.program.terms(), from_member_id=card.member_id, to_member_id=to_member.id))
    if approvals.open_request(TransferRequest, card) is not None:
        raise Conflict(refuse("transfer_pending", N_("A transfer of this card is already waiting for approval.")))
    request = TransferRequest(card=card, to_member=to_member, status=RequestStatus.PENDING, fee_fen=fee,
                              fee_receipt_no=receipt, requested_by_id=actor_id(by), requested_at=utcnow())
    db.session.add(request)
    db.session.flush()
    audit.record("transfer.requested", request, {"card": card.number, "to_member_id": to_member.id, "fee": format_yuan(fee)}, actor=by)
    return request


@transition
def approve_transfer(request_id: int, data: Mapping[str, Any], *, approver) -> Card:
    """A manager approves: the new holder gets a new card and agreement; the old QR answers "transferred"."""
    require_permission(approver, "transfer.approve")
    note = approvals.read_note(data)
    request = approvals.lock_request(TransferRequest, request_id)
    ensure(rules.check_two_people(request.requested_by_id, approver.id))
    card = _lock(request.card_id)
    ensure(rules.check_transition("transfer", card.status))
    # The programme may have changed since the request: its rule now is the one that counts.
    ensure(check_transfer(card.program.terms(), from_member_id=card.member_id, to_member_id=request.to_member_id))
    held = db.session.scalar(select(func.count(Card.id)).where(
        Card.member_id == request.to_member_id, Card.program_id == card.program_id,
        Card.status.in_(card_rules.HOLDING_STATUSES)))
    ensure(check_card_limit(card.program.terms(), held))
    # The new holder signs a subscription agreement of their own; until then the card is not in force.
    new = _successor(card, request.to_member, CardStatus.AWAITING_SIGNATURE, by=approver)
    card.status = CardStatus.TRANSFERRED
    _charge(new, ChargeKind.TRANSFER_FEE, request.fee_fen, request.fee_receipt_no, by=approver)
    transfer_doc = create_agreement(new, AgreementKind.TRANSFER, "transfer.docx", lambda number, date, url: contexts.transfer(
        new, card, agreement_number=number, date=date, verify_url=url, from_id_number=decrypt_id_number(card.member),
        to_id_number=decrypt_id_number(new.member), fee_fen=request.fee_fen, fee_receipt_no=request.fee_receipt_no,
        approver_name=approver.display_name), by=approver)
    subscription = render_subscription(new, by=approver)
    request.status, request.new_card = RequestStatus.DONE, new
    request.decided_by_id, request.decided_at, request.decision_note = approver.id, utcnow(), note
    audit.record("transfer.approved", request, {"card": card.number, "new_number": new.number,
                                                "to_member_id": new.member_id, "agreements": [transfer_doc.number, subscription.number]},
                 actor=approver)
    audit.record("card.transferred", card, {"number": card.number, "new_number": new.number}, actor=approver)
    return new


@transition
def close_transfer(request_id: int, data: Mapping[str, Any], *, by, reject: bool) -> TransferRequest:
    """Rejected by a manager other than the requester, or withdrawn by the requester (or a manager)."""
    request = approvals.close_request(TransferRequest, request_id, data, by=by, reject=reject)
    audit.record(f"transfer.{request.status.value}", request, {"card_id": request.card_id, "note": request.decision_note},
                 actor=by)
    return request


# Refunds -------------------------------------------------------------------------------------------------

@transition
def request_refund(card_id: int, data: Mapping[str, Any], *, by) -> RefundRequest:
    """Inside the programme's window (or the issuer ending a membership): the card waits, blocked, for a second person."""
    spec = RefundIn.read(data)
    reason, kind = spec.reason, spec.kind
    card = _lock(card_id)
    ensure(rules.check_transition("refund", card.status))
    if kind is RefundKind.ISSUER_TERMINATION:
        require_permission(by, "refund.approve")
        ensure(rules.check_issuer_termination(card.program.kind))
        if card.program.issuer_termination_notice_days is not None:
            raise Conflict(refuse("issuer_termination_by_notice", N_(
                "The issuer's termination takes effect after %(days)s day(s) of notice: give the notice; the full "
                "refund is asked for when it has run."), days=card.program.issuer_termination_notice_days))
    else:
        ensure(check_refund_date(card.program.terms(), today(), issue_date=card.issued_on, expiry_date=card.valid_through))
    decision, amount = rules.refund_amount(card.held_fen)
    ensure(decision)
    request = RefundRequest(card=card, kind=kind, status=RequestStatus.PENDING, amount_fen=amount, reason=reason,
                            requested_by_id=by.id, requested_at=utcnow())
    db.session.add(request)
    card.status = CardStatus.REFUND_PENDING
    _close_open_transfer(card, "refund.requested", by=by)
    db.session.flush()
    audit.record("refund.requested", request, {"card": card.number, "amount": format_yuan(amount), "kind": kind.value,
                                               "reason": reason}, actor=by)
    return request


@transition
def approve_refund(request_id: int, data: Mapping[str, Any], *, approver) -> RefundRequest:
    """The second person pays out: the ledger records it, any credit is voided, the card is refunded."""
    require_permission(approver, "refund.approve")
    spec = PayoutIn.read(data)
    method, reference = spec.payout_method, spec.payout_reference
    request = approvals.lock_request(RefundRequest, request_id)
    ensure(rules.check_two_people(request.requested_by_id, approver.id))
    card = _lock(request.card_id)
    ensure(rules.check_payout(request.amount_fen, card.held_fen))
    _ledger(card, LedgerKind.REFUND_PAID, -request.amount_fen, method=method, reference=reference, by=approver)
    if card.tier.credit_fen and not card.credit_void:
        _ledger(card, LedgerKind.CREDIT_VOIDED, 0, reference=format_yuan(card.tier.credit_fen), by=approver)
        card.credit_void = True
    card.status = CardStatus.REFUNDED
    request.status, request.payout_method, request.payout_reference = RequestStatus.DONE, method, reference
    request.decided_by_id, request.decided_at = approver.id, utcnow()
    db.session.flush()
    request.agreement_id = create_agreement(card, AgreementKind.REFUND, "refund.docx", lambda number, date, url: contexts.refund(
        card, request, agreement_number=number, date=date, verify_url=url, id_number=decrypt_id_number(card.member),
        approver_name=approver.display_name), by=approver).id
    audit.record("refund.paid", request, {"card": card.number, "amount": format_yuan(request.amount_fen),
                                          "payout_method": method.value, "payout_reference": reference}, actor=approver)
    return request


@transition
def close_refund(request_id: int, data: Mapping[str, Any], *, by, reject: bool) -> RefundRequest:
    """Rejected by a second person, or withdrawn by the requester: the card goes back to what it was."""
    request = approvals.close_request(RefundRequest, request_id, data, by=by, reject=reject)
    card = _lock(request.card_id)
    card.status = rules.status_after_refund_closed(redeemed=card.redeemed_at is not None, today=today(),
                                                   valid_through=card.valid_through)
    audit.record(f"refund.{request.status.value}", request, {"card": card.number, "note": request.decision_note}, actor=by)
    return request


@transition
def terminate_membership(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    """The member ends the membership with the programme's notice: nothing is refunded (the notice is notice, not a
    cooling-off period); the card runs to the notice's last day and the daily job ends it."""
    reason = _reason(data, required=True)
    card = _lock(card_id)
    ensure(rules.check_transition("terminate", card.status))
    _ensure_paid(card)
    decision, last_day = member_termination(card.program.terms(), today(), issue_date=card.issued_on,
                                            valid_through=card.valid_through,
                                            notice_running=running_termination(card) is not None)
    ensure(decision)
    _give_notice(card, TerminationParty.MEMBER, last_day, reason, by=by)
    audit.record("card.termination_notified", card, {"number": card.number, "last_day": str(last_day), "reason": reason}, actor=by)
    return card


@transition
def terminate_by_issuer(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    """The issuer ends the membership with its notice: the card stays in force until the notice's last day; then the
    daily job asks for the full refund of the fee held, which a second person approves (the one who gave notice is
    the requester)."""
    require_permission(by, "refund.approve")
    reason = _reason(data, required=True)
    card = _lock(card_id)
    ensure(rules.check_transition("terminate", card.status))
    decision, last_day = issuer_termination(card.program.terms(), today(), valid_through=card.valid_through,
                                            held_fen=card.held_fen, notice_running=running_termination(card) is not None)
    ensure(decision)
    _give_notice(card, TerminationParty.ISSUER, last_day, reason, by=by)
    audit.record("card.issuer_termination_notified", card, {"number": card.number, "last_day": str(last_day),
                                                            "refund": format_yuan(card.held_fen), "reason": reason}, actor=by)
    return card


def _give_notice(card: Card, party: TerminationParty, last_day, reason: str, *, by) -> None:
    db.session.add(Termination(card=card, party=party, noticed_on=today(), last_day=last_day, reason=reason,
                               noticed_by_id=actor_id(by), created_at=utcnow()))
    card.valid_through = last_day


# Redemption follow-up ------------------------------------------------------------------------------------

def _lock_redemption(redemption_id: int) -> Redemption:
    redemption = db.session.scalar(select(Redemption).where(Redemption.id == redemption_id).with_for_update()
                                   .execution_options(populate_existing=True))
    if redemption is None:
        raise NotFound(refuse("redemption_not_found", N_("No redemption has the number %(id)s."), id=redemption_id))
    if redemption.annulled_at is not None:
        raise Conflict(refuse("redemption_already_annulled", N_("This redemption was already annulled.")))
    return redemption


def _lock_current_card(redemption: Redemption) -> Card:
    card = _lock(redemption.card_id)
    # Only on the card as it stands: after a reissue, transfer or refund the money would land on a dead card.
    if card.status not in (CardStatus.REDEEMED, CardStatus.ACTIVE):
        raise Conflict(refuse("annul_needs_current_card", N_(
            "The card has since been %(status)s; a redemption is annulled only on the card still in use."),
            status=card.status.value))
    return card


@transition
def request_annulment(redemption_id: int, data: Mapping[str, Any], *, by) -> AnnulRequest:
    """The purchase is being cancelled (退房): recorded as a request; a manager other than the requester decides."""
    require_permission(by, "redemption.annul_request")
    reason = _reason(data, required=True)
    redemption = _lock_redemption(redemption_id)
    card = _lock_current_card(redemption)
    if db.session.scalar(select(AnnulRequest.id).where(AnnulRequest.redemption_id == redemption.id,
                                                       AnnulRequest.status == RequestStatus.PENDING)):
        raise Conflict(refuse("annul_request_open", N_("A cancellation of this purchase is already waiting for approval.")))
    request = AnnulRequest(redemption=redemption, card=card, status=RequestStatus.PENDING, reason=reason,
                           requested_by_id=by.id, requested_at=utcnow())
    db.session.add(request)
    db.session.flush()
    audit.record("annul.requested", request, {"card": card.number, "item": redemption.item, "reason": reason}, actor=by)
    return request


@transition
def approve_annulment(request_id: int, data: Mapping[str, Any], *, approver) -> AnnulRequest:
    """A second person approves the cancellation: the unit goes back on sale, the deposit applied returns to the card,
    any credit is void (settlement is on money actually paid), the 认购书 no longer holds, and the 退房确认书 is drawn
    up for both parties to sign."""
    require_permission(approver, "redemption.annul")
    note = approvals.read_note(data)
    request = approvals.lock_request(AnnulRequest, request_id)
    ensure(rules.check_two_people(request.requested_by_id, approver.id))
    redemption = _lock_redemption(request.redemption_id)
    card = _lock_current_card(redemption)
    redemption.annulled_at, redemption.annulled_by_id, redemption.annul_reason = utcnow(), approver.id, request.reason
    if redemption.agreement is not None:
        redemption.agreement.status = AgreementStatus.VOID  # the confirmation or 认购书 no longer holds
    if redemption.deposit_applied_fen:
        _ledger(card, LedgerKind.DEPOSIT_RELEASED, redemption.deposit_applied_fen, reference=redemption.item, by=approver)
    credit_voided = 0
    if card.tier.credit_fen and not card.credit_void:
        credit_voided = card.tier.credit_fen
        _ledger(card, LedgerKind.CREDIT_VOIDED, 0, reference=format_yuan(card.tier.credit_fen), by=approver)
        card.credit_void = True
    if card.status is CardStatus.REDEEMED:
        card.status, card.redeemed_at = CardStatus.ACTIVE, None
    if redemption.unit_id is not None:
        units.release(redemption.unit_id, card.number, by=approver)
    request.status, request.decided_by_id, request.decided_at, request.decision_note = (
        RequestStatus.DONE, approver.id, utcnow(), note)
    db.session.flush()
    request.agreement = create_agreement(card, AgreementKind.CANCELLATION, "cancellation.docx", lambda number, date, url:
                                         contexts.cancellation(card, redemption, request, agreement_number=number,
                                                               date=date, verify_url=url,
                                                               id_number=decrypt_id_number(card.member),
                                                               approver_name=approver.display_name,
                                                               credit_voided_fen=credit_voided, cancelled_on=today()), by=approver)
    audit.record("redemption.annulled", redemption, {"card": card.number, "item": redemption.item,
                                                     "reason": request.reason, "agreement": request.agreement.number},
                 actor=approver)
    return request


@transition
def close_annulment(request_id: int, data: Mapping[str, Any], *, by, reject: bool) -> AnnulRequest:
    """Rejected by a manager other than the requester, or withdrawn: the purchase stands."""
    request = approvals.close_request(AnnulRequest, request_id, data, by=by, reject=reject)
    audit.record(f"annul.{request.status.value}", request, {"card_id": request.card_id, "note": request.decision_note},
                 actor=by)
    return request


# Renewal and expiry ----------------------------------------------------------------------------------------

@transition
def renew(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    card = _lock(card_id)
    spec = RenewIn.read(data)
    method, receipt = spec.payment_method, spec.receipt_no
    fee = card.tier.amount_fen
    if fee and (method is None or not receipt):
        raise ValidationFailed({key: REQUIRED for key, value in (("payment_method", method), ("receipt_no", receipt))
                                if not value})
    ensure(rules.check_transition("renew", card.status))
    _ensure_paid(card)
    ensure(check_renewal(card.program.terms(), today(), valid_through=card.valid_through,
                         notice_running=running_termination(card) is not None))
    old_through = card.valid_through
    card.valid_through = renewed_through(card.program.terms(), valid_through=card.valid_through)
    card.status = CardStatus.ACTIVE
    # The new term's fee is income, like a service fee: the money held stays the one refundable fee.
    _charge(card, ChargeKind.RENEWAL_FEE, fee, receipt, by=by)
    db.session.flush()
    agreement = create_agreement(card, AgreementKind.RENEWAL, "renewal.docx", lambda number, date, url: contexts.renewal(
        card, agreement_number=number, date=date, verify_url=url, id_number=decrypt_id_number(card.member),
        old_valid_through=old_through, amount_fen=fee, payment_method=method.value if method else None, receipt_no=receipt), by=by)
    audit.record("card.renewed", card, {"number": card.number, "from": str(old_through), "to": str(card.valid_through),
                                        "fee": format_yuan(fee), "agreement": agreement.number}, actor=by)
    return card


@transition
def expire_cards(*, by, on: dt.date | None = None) -> list[Card]:
    """Cards past their last valid day end. Safe to run again and again (from cron). A termination whose notice has
    run takes effect first: the member's ends the card without refund; the issuer's asks for the full refund of the
    fee held, requested by whoever gave the notice, so that a second person approves it. ``on``: as of that day
    (``flask cards expire --date``), else today: an earlier day anywhere, a later one only on a training copy."""
    day = on or today()
    if on is not None:
        ensure(check_expiry_day(on, today(), training=training_mode()))
    ended: list[Card] = []
    for notice in list(db.session.scalars(select(Termination).where(Termination.took_effect_at.is_(None),
                                                                    Termination.last_day < day)
                                          .order_by(Termination.id).with_for_update())):
        card = _lock(notice.card_id)
        notice.took_effect_at = utcnow()
        if card.status is not CardStatus.ACTIVE:
            continue  # lost, being refunded, voided meanwhile: the card's own state stands
        details = {"number": card.number, "last_day": str(notice.last_day)}
        action = "card.terminated" if notice.party is TerminationParty.MEMBER else "card.terminated_by_issuer"
        if notice.party is TerminationParty.ISSUER and card.held_fen > 0:
            request = RefundRequest(card=card, kind=RefundKind.ISSUER_TERMINATION, status=RequestStatus.PENDING,
                                    amount_fen=card.held_fen, reason=notice.reason, requested_by_id=notice.noticed_by_id,
                                    requested_at=utcnow())
            db.session.add(request)
            card.status = CardStatus.REFUND_PENDING
            db.session.flush()
            audit.record("refund.requested", request, {"card": card.number, "amount": format_yuan(request.amount_fen),
                                                       "kind": request.kind.value, "reason": notice.reason}, actor=by)
        else:
            card.status = CardStatus.EXPIRED
        _close_open_transfer(card, "card.terminated", by=by)
        audit.record(action, card, details, actor=by)
        ended.append(card)
    cards = list(db.session.scalars(select(Card).where(Card.status == CardStatus.ACTIVE, Card.valid_through.is_not(None),
                                                       Card.valid_through < day).with_for_update()))
    for card in cards:
        card.status = CardStatus.EXPIRED
        audit.record("card.expired", card, {"number": card.number, "valid_through": str(card.valid_through)}
                     | ({"as_of": str(on)} if on is not None else {}), actor=by)
    return ended + cards


# Dues ----------------------------------------------------------------------------------------------------

@transition
def pay_dues(card_id: int, data: Mapping[str, Any], *, by) -> Card:
    """The fee of a membership issued before it was paid: the amount must be the fee plus the late fee accrued today
    (whole days after the due day, at the programme's rate of the contract total). The fee goes on the ledger as
    money held; the late fee is a charge, income."""
    spec = DuesIn.read(data)
    card = _lock(card_id)
    if card.dues_status is not DuesStatus.UNPAID:
        raise Conflict(refuse("dues_not_owed", N_("No fee is owed on this card: it was paid already.")))
    ensure(rules.check_transition("pay_dues", card.status))
    owed = dues_owed(card.amount_fen, card.program.late_fee_per_day_bp, due=card.dues_due_on, on=today())
    amount = check_dues_amount(owed, spec.amount_fen)
    if not amount.ok:
        raise ValidationFailed({"amount": amount})
    _ledger(card, LedgerKind.FEE_RECEIVED, owed.fee_fen, method=spec.payment_method, reference=spec.receipt_no, by=by)
    _charge(card, ChargeKind.LATE_FEE, owed.late_fee_fen, spec.receipt_no, by=by)
    card.dues_status, card.dues_paid_on, card.dues_late_fee_fen = DuesStatus.PAID, today(), owed.late_fee_fen
    card.payment_method, card.receipt_no = spec.payment_method, spec.receipt_no
    db.session.flush()
    audit.record("card.dues_paid", card, {"number": card.number, "fee": format_yuan(owed.fee_fen),
                                          "due_on": str(owed.due_on) if owed.due_on else None, "days_late": owed.days_late,
                                          "late_fee": format_yuan(owed.late_fee_fen),
                                          "payment_method": spec.payment_method.value, "receipt_no": spec.receipt_no},
                 actor=by)
    return card


# Void ----------------------------------------------------------------------------------------------------

def _check_voidable(card: Card) -> None:
    ensure(rules.check_transition("void", card.status))
    ensure(rules.check_void(card.issued_on, today(), successor=card.predecessor_id is not None,
                             awaiting_signature=card.status is CardStatus.AWAITING_SIGNATURE))


@transition
def request_void(card_id: int, data: Mapping[str, Any], *, by) -> VoidRequest:
    """Issued in error, noticed the same day (or never signed, any day): one person asks; nothing moves until a
    manager other than them approves."""
    require_permission(by, "card.void_request")
    reason = _reason(data, required=True)
    card = _lock(card_id)
    _check_voidable(card)
    if approvals.open_request(VoidRequest, card) is not None:
        raise Conflict(refuse("void_request_open", N_("A void of this card is already waiting for approval.")))
    request = VoidRequest(card=card, status=RequestStatus.PENDING, reason=reason, requested_by_id=by.id,
                          requested_at=utcnow())
    db.session.add(request)
    db.session.flush()
    audit.record("void.requested", request, {"card": card.number, "reason": reason}, actor=by)
    return request


@transition
def approve_void(request_id: int, data: Mapping[str, Any], *, approver) -> VoidRequest:
    """The second manager approves: every movement of money is reversed and the agreements voided (the rules are
    checked again: a day later, a card issued in error is refunded instead). A transferred card whose new holder
    never signed goes back to the previous holder."""
    require_permission(approver, "card.void")
    note = approvals.read_note(data)
    request = approvals.lock_request(VoidRequest, request_id)
    ensure(rules.check_two_people(request.requested_by_id, approver.id))
    card = _lock(request.card_id)
    _check_voidable(card)
    reason = request.reason
    _close_open_transfer(card, "card.voided", by=approver)
    undone = None
    if card.predecessor_id is not None:
        # Only a transferred card waiting for its new holder's signature gets here: the transfer never took effect,
        # so the previous holder's card comes back with the money.
        undone = _lock(card.predecessor_id)
        if held := card.held_fen:
            _ledger(card, LedgerKind.CARRIED_OUT, -held, reference=undone.number, by=approver)
            _ledger(undone, LedgerKind.CARRIED_IN, held, reference=card.number, by=approver)
        undone.status = CardStatus.ACTIVE
        audit.record("card.transfer_undone", undone, {"number": undone.number, "voided": card.number}, actor=approver)
    elif card.held_fen:
        _ledger(card, LedgerKind.REVERSED, -card.held_fen, reference=reason[:64], by=approver)
    for agreement in card.agreements:
        agreement.status = AgreementStatus.VOID
    card.status = CardStatus.VOIDED
    request.status, request.decided_by_id, request.decided_at, request.decision_note = (
        RequestStatus.DONE, approver.id, utcnow(), note)
    audit.record("card.voided", card, {"number": card.number, "reason": reason, "requested_by": request.requested_by_id,
                                       **({"returned_to": undone.number} if undone else {})}, actor=approver)
    return request


@transition
def close_void(request_id: int, data: Mapping[str, Any], *, by, reject: bool) -> VoidRequest:
    """Rejected by a manager other than the requester, or withdrawn: the card stays as it is."""
    request = approvals.close_request(VoidRequest, request_id, data, by=by, reject=reject)
    audit.record(f"void.{request.status.value}", request, {"card_id": request.card_id, "note": request.decision_note},
                 actor=by)
    return request
