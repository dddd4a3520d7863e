"""A card as the API speaks it, and the inputs of issuing and redeeming."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from ..approvals.models import RefundKind
from ..rules import N_, Decision, refuse
from ..rules.cards import format_card_number, mask_card_number
from ..rules.identity import mask_name
from ..rules.money import discount_in_words, format_discount_rate, format_fen
from ..rules.units import PriceStep
from ..rules.windows import Window, refund_window
from ..validation import REQUIRED, Choice, Day, Flag, Integer, Money, Schema, Text
from .charges import fees_of
from .dues import dump_dues
from .models import CardStatus, PaymentMethod


class IssueIn(Schema):
    """A card to issue: the member pays the tier's amount, recorded with its receipt."""

    program: Text(32) = Field(description="The programme's code")
    tier: Text(16) = Field(description="The tier's code")
    member_id: Integer(minimum=1)
    amount_fen: Money = Field(alias="amount", description="Must equal the tier's amount")
    payment_method: Choice(PaymentMethod) = Field(None, description="Required when the amount is above zero")
    receipt_no: Text(64) = Field(None, description="Required when the amount is above zero")
    qualifying_spend_fen: Money = Field(None, alias="qualifying_spend",
                                        description="Required for tiers with a qualifying spend")
    permit_override_reason: Text(200) = Field(None, description="Admin only: issue before the presale permit; logged")
    pay_later: Flag = Field(None, description=(
        "Paid memberships with a payment term: issue now, the fee (amount) falls due within the programme's "
        "payment_due_days of signing and is paid with POST /cards/{number}/dues; leave payment_method and receipt_no out"))

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        problems: dict[str, Decision] = {}
        if self.pay_later:
            return {key: refuse("paid_later", N_("The fee is paid later, with its own receipt: leave this out now."))
                    for key, value in (("payment_method", self.payment_method), ("receipt_no", self.receipt_no))
                    if value is not None}
        if self.amount_fen and self.payment_method is None:
            problems["payment_method"] = REQUIRED
        if self.amount_fen and self.receipt_no is None:
            problems["receipt_no"] = refuse("receipt_required", N_("Record the receipt number of the payment."))
        return problems


class DuesIn(Schema):
    """Paying a membership's fee after issue: the amount is the fee plus any late fee accrued today (the card's
    dues.total_due); another amount is refused with the figure expected."""

    amount_fen: Money = Field(alias="amount", description="The fee plus the late fee owed today")
    payment_method: Choice(PaymentMethod)
    receipt_no: Text(64)


class RedeemIn(Schema):
    """What is bought with the card. With an inventory: ``unit`` (and optionally ``published_discount``), the price being
    the unit's list price. Without: ``item`` and ``price``."""

    item: Text(100) = Field(None, examples=["3-1-1201"])
    price_fen: Money = Field(None, alias="price")
    unit: Text(40) = Field(None, examples=["3-1-1201"], description=(
        "A unit of the programme's inventory; sold once (409 unit_sold, unit_held, unit_withdrawn, unit_use_not_allowed)"))
    published_discount: Text(40) = Field(None, examples=["一次性付款"], description=(
        "The name of a discount published for today; applied before the card's own"))
    payable_fen: Money = Field(None, alias="payable", description=(
        "The payable amount the confirmed preview showed; redeeming answers 409 settlement_changed if it differs now"))
    counter_program: Text(32) = Field(None, description="The programme this counter serves; others answer wrong_program")
    station: Text(40) = Field(None, description="Where the scan happened")

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        if self.unit is not None:
            return {key: refuse("price_from_unit", N_(
                "A unit from the inventory is sold at its list price: leave the item and price out."))
                for key, value in (("item", self.item), ("price", self.price_fen)) if value is not None}
        problems: dict[str, Decision] = {}
        if self.item is None:
            problems["item"] = REQUIRED
        if self.price_fen is None:
            problems["price"] = REQUIRED
        elif self.price_fen == 0:
            problems["price"] = refuse("price_invalid", N_("Enter the price of the purchase; it must be more than zero."))
        return problems


class CardFilters(Schema):
    """The card list's filters (DESIGN §10.1): one search box and the card's particulars."""

    q: Text(60) = Field(None, description=(
        "A card number (or its first digits), an agreement's number, the holder's full ID number (any type), mobile "
        "number, or the beginning of their name"))
    status: Choice(CardStatus) = None
    program: Text(32) = Field(None, description="A programme's code")
    tier: Text(16) = Field(None, description="A tier's code (with or without program)")
    issued_by: Text(40) = Field(None, description="The username of the consultant who issued the card")
    issued_from: Day = Field(None, description="Issued on or after this day")
    issued_to: Day = Field(None, description="Issued on or before this day")
    mine: Flag = Field(None, description="Only the cards the caller issued")
    page: Integer(minimum=1, maximum=100_000) = Field(None, description=(
        "A page by its number (offset: the deeper, the slower); after, before and last cost the same anywhere"))
    per_page: Integer(minimum=1, maximum=200) = Field(None, description="50 unless given")
    after: Integer(minimum=1) = Field(None, description="The next (older) page: next_after of this one")
    before: Integer(minimum=1) = Field(None, description="The previous (newer) page: prev_before of this one")
    last: Flag = Field(None, description="The last page: the oldest cards")


def dump_card(card: Any, *, full: bool = True, holder_name: bool = False, verify_url: str | None = None,
              records: bool = True) -> dict[str, Any]:
    """The public sees status, programme, tier, a masked holder and the last four digits; staff see the card in
    full. The holder's name is masked unless ``holder_name`` (staff pages; the API gives it via /members/{id}).
    Without ``records`` the card's agreements, ledger and redemptions are left out (a scan's answer: the card
    page and GET /cards/{number} have them)."""
    tier, program = card.tier, card.program
    body: dict[str, Any] = {
        "number_masked": mask_card_number(card.number),
        "status": card.status.value,
        "program": {"code": program.code, "name": program.name, "project_name": program.project_name},
        "tier": {"code": tier.code, "name": tier.name},
        "holder": {"name_masked": mask_name(card.member.name)},
        "valid_from": card.valid_from.isoformat(),
        "valid_through": card.valid_through.isoformat() if card.valid_through else None,
    }
    if not full:
        return body
    body.update({
        "number": card.number,
        "number_formatted": format_card_number(card.number),
        "generation": card.generation,
        "holder": {"member_id": card.member.id, "name_masked": mask_name(card.member.name),
                   "id_type": card.member.id_type.value, "id_number_masked": card.member.id_number_masked,
                   **({"name": card.member.name} if holder_name else {})},
        "entitlement": {"discount_rate": format_discount_rate(tier.discount_rate_bp),
                        "discount_words": discount_in_words(tier.discount_rate_bp),
                        # a cancelled purchase or a refund voids the credit: it offsets nothing any more
                        "credit": format_fen(0 if card.credit_void else tier.credit_fen), "credit_void": card.credit_void,
                        "amount": format_fen(tier.amount_fen)},
        "amount": format_fen(card.amount_fen),
        "held_amount": format_fen(card.held_fen),
        "payment_method": card.payment_method.value if card.payment_method else None,
        "receipt_no": card.receipt_no,
        "legacy_number": card.legacy_number,
        "issued_on": card.issued_on.isoformat(),
        "issued_at": card.issued_at.isoformat(),
        "design": card.design,
        "permit_override": card.permit_override,
        "redeemed_at": card.redeemed_at.isoformat() if card.redeemed_at else None,
        "refund_window": dump_refund_window(card),
        "dues": dump_dues(card),
    })
    if records:
        subscription = next((a for a in card.agreements if a.kind.value == "subscription"), None)
        body.update({
            "agreement_id": subscription.id if subscription else None,
            "agreements": [{"id": a.id, "number": a.number, "kind": a.kind.value, "status": a.status.value}
                           for a in card.agreements],
            "ledger": [{"kind": e.kind.value, "amount": format_fen(e.amount_fen), "reference": e.reference,
                        "at": e.created_at.isoformat()} for e in card.ledger],
            "redemptions": [dump_redemption(r) for r in card.redemptions],
            "charges": [dump_charge(c, card) for c in fees_of(card)],
        })
    if verify_url:
        body["verify_url"] = verify_url
    return body


def card_refund_window(card: Any) -> tuple[Decision, Window | None]:
    """The card's refund window as real days (docs/rules.md: the anchor day itself is not counted), or why they are
    not known yet. The card page, the API and the documents all print these days."""
    return refund_window(card.program.terms(), issue_date=card.issued_on, expiry_date=card.valid_through)


def dump_refund_window(card: Any) -> dict[str, Any] | None:
    known, window = card_refund_window(card)
    if known.code == "refund_not_offered":
        return None
    return {"first_day": window.first_day.isoformat() if window else None,
            "last_day": window.last_day.isoformat() if window and window.last_day else None, "code": known.code}


def dump_charge(charge: Any, card: Any) -> dict[str, Any]:
    """A fee beside the ledger: income, not money held. ``card`` is the card whose table shows it."""
    return {"kind": charge.kind.value, "amount": format_fen(charge.amount_fen), "receipt_no": charge.receipt_no,
            "at": charge.created_at.isoformat(), "card": charge.card.number, "for_successor": charge.card_id != card.id}


def price_steps(list_price_fen: int, published: tuple[str, int] | None, price_fen: int, tier_name: str,
                discount_rate_bp: int, discounted_fen: int) -> list[PriceStep]:
    """Each discount in the order it applies: the published one (list price to the day's price), then the card's."""
    steps = []
    if published is not None:
        steps.append(PriceStep(published[0], "published", published[1], list_price_fen, price_fen))
    if discount_rate_bp < 10_000:
        steps.append(PriceStep(tier_name, "card", discount_rate_bp, price_fen, discounted_fen))
    return steps


def dump_settlement(s: Any, discount_rate_bp: int, *, list_price_fen: int | None = None,
                    steps: list[PriceStep] | tuple[PriceStep, ...] = ()) -> dict[str, Any]:
    """A settlement (computed, or as a redemption recorded it) in the API's words: the list price, each discount
    with the amount before and after it, the day's price, the final price, and how it is paid."""
    return {
        "list_price": format_fen(s.price_fen if list_price_fen is None else list_price_fen),
        "discounts": [{"name": step.name, "kind": step.source, "rate": format_discount_rate(step.rate_bp),
                       "before": format_fen(step.before_fen), "after": format_fen(step.after_fen)} for step in steps],
        "price": format_fen(s.price_fen), "discount_rate": format_discount_rate(discount_rate_bp),
        "discounted": format_fen(s.discounted_fen), "final_price": format_fen(s.discounted_fen),
        "offset": format_fen(s.offset_fen),
        "deposit_applied": format_fen(s.deposit_applied_fen), "deposit_remaining": format_fen(s.deposit_remaining_fen),
        "credit_used": format_fen(s.credit_used_fen), "credit_applied": format_fen(s.credit_used_fen),
        "credit_lapsed": format_fen(s.credit_lapsed_fen),
        "payable": format_fen(s.payable_fen),
    }


def dump_redemption(r: Any) -> dict[str, Any]:
    published = (r.published_discount, r.published_rate_bp) if r.published_discount else None
    list_price = r.list_price_fen if r.list_price_fen is not None else r.price_fen
    steps = price_steps(list_price, published, r.price_fen, r.card.tier.name, r.discount_rate_bp, r.discounted_fen)
    body = {
        "id": r.id, "item": r.item, "redeemed_at": r.redeemed_at.isoformat(),
        "agreement_id": r.agreement_id,
        "annulled_at": r.annulled_at.isoformat() if r.annulled_at else None, "annul_reason": r.annul_reason,
        "unit": r.unit.code if r.unit_id else None,
        "published_discount": r.published_discount,
        "settlement": dump_settlement(r, r.discount_rate_bp, list_price_fen=list_price, steps=steps),
    }
    if r.unit_id:
        body |= {"earnest": format_fen(r.earnest_fen or 0),
                 "contract_due_on": r.contract_due_on.isoformat() if r.contract_due_on else None}
    return body


def dump_refund(r: Any) -> dict[str, Any]:
    status = {"done": "paid"}.get(r.status.value, r.status.value)  # a refund that is done has been paid
    return {"id": r.id, "card_number": r.card.number, "kind": r.kind.value, "status": status,
            "amount": format_fen(r.amount_fen), "reason": r.reason, "requested_at": r.requested_at.isoformat(),
            "requested_by": r.requested_by.username if r.requested_by else None,
            "decided_by": r.decided_by.username if r.decided_by else None,
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "payout_method": r.payout_method.value if r.payout_method else None,
            "payout_reference": r.payout_reference, "agreement_id": r.agreement_id}


def dump_transfer(t: Any) -> dict[str, Any]:
    status = {"done": "completed"}.get(t.status.value, t.status.value)
    return {"id": t.id, "card_number": t.card.number, "to_member_id": t.to_member_id, "status": status,
            "fee": format_fen(t.fee_fen), "fee_receipt_no": t.fee_receipt_no, "requested_at": t.requested_at.isoformat(),
            "requested_by": t.requested_by.username if t.requested_by else None,
            "new_card_number": t.new_card.number if t.new_card else None}


def dump_annul(a: Any) -> dict[str, Any]:
    status = {"done": "approved"}.get(a.status.value, a.status.value)
    return {"id": a.id, "redemption_id": a.redemption_id, "card_number": a.card.number, "status": status,
            "item": a.redemption.item, "unit": a.redemption.unit.code if a.redemption.unit_id else None,
            "reason": a.reason, "requested_at": a.requested_at.isoformat(),
            "requested_by": a.requested_by.username if a.requested_by else None,
            "decided_by": a.decided_by.username if a.decided_by else None,
            "decided_at": a.decided_at.isoformat() if a.decided_at else None, "agreement_id": a.agreement_id}


def dump_void(v: Any) -> dict[str, Any]:
    status = {"done": "approved"}.get(v.status.value, v.status.value)
    return {"id": v.id, "card_number": v.card.number, "status": status, "reason": v.reason,
            "requested_at": v.requested_at.isoformat(),
            "requested_by": v.requested_by.username if v.requested_by else None,
            "decided_by": v.decided_by.username if v.decided_by else None,
            "decided_at": v.decided_at.isoformat() if v.decided_at else None}


# The inputs of the card's transitions (DESIGN §10.1) ------------------------------------------------------------

class ReasonIn(Schema):
    """Why, kept in the audit log."""

    reason: Text(200) = None


class ReasonRequired(Schema):
    """Why, kept in the audit log and on the request."""

    reason: Text(200)


class ReissueIn(Schema):
    """In person, with the holder's ID document."""

    id_number: Text(40) = Field(description="The holder's ID number, as on the document shown")
    fee_receipt_no: Text(64) = Field(None, description="Required when the programme charges a reissue fee")
    reason: Text(200) = Field(None, description="Defaults to the reason given when the loss was reported")


class TransferIn(Schema):
    to_member_id: Integer(minimum=1) = Field(description="The new holder, registered first")
    fee_receipt_no: Text(64) = Field(None, description="Required when the programme charges a transfer fee")


class RefundIn(Schema):
    reason: Text(200)
    kind: Choice(RefundKind) = Field(RefundKind.REFUND, description=(
        "issuer_termination: the issuer ends a membership (managers), refunded in full whatever the window"))


class PayoutIn(Schema):
    """How the second person paid the refund out."""

    payout_method: Choice(PaymentMethod)
    payout_reference: Text(64) = Field(description="The bank or payment reference of the payout")


class RenewIn(Schema):
    payment_method: Choice(PaymentMethod) = Field(None, description="Required when the tier charges a fee")
    receipt_no: Text(64) = Field(None, description="Required when the tier charges a fee")


class CounterScan(Schema):
    counter_program: Text(32) = Field(None, description="The programme this counter serves; others answer wrong_program")
    station: Text(40) = Field(None, description="Where the scan happened")
