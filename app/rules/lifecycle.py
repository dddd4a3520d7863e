"""Which transitions a card's state allows, and the other lifecycle decisions."""

from __future__ import annotations

import datetime as dt

from .decision import N_, Decision, allow, refuse
from .terms import CardStatus, ProgramKind

# action: (states it starts from, reason code, sentence when the card is in another state)
_FROM = {
    "report_loss": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be reported lost.")),
    "cancel_loss": ({CardStatus.LOST}, "card_not_lost", N_("Only a card reported lost can have its loss cancelled.")),
    "reissue": ({CardStatus.LOST}, "card_not_lost", N_("A card is reissued only after its loss has been reported.")),
    "transfer": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be transferred.")),
    # A redeemed card may still hold the part of its deposit the price did not use; an expired one its fee.
    "refund": ({CardStatus.ACTIVE, CardStatus.REDEEMED, CardStatus.EXPIRED}, "card_not_refundable",
               N_("This card cannot be refunded in its present state.")),
    "terminate": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be terminated.")),
    "renew": ({CardStatus.ACTIVE, CardStatus.EXPIRED}, "card_not_renewable", N_("Only an active or expired card can be renewed.")),
    # A membership's fee is paid before or after signing, never on a card that has ended.
    "pay_dues": ({CardStatus.AWAITING_SIGNATURE, CardStatus.ACTIVE}, "card_not_active",
                 N_("The fee is paid only on a card still in use.")),
    # A card whose agreement was never signed is not in force: voiding it returns the money in full.
    "void": ({CardStatus.ACTIVE, CardStatus.AWAITING_SIGNATURE}, "card_not_active",
             N_("Only an active card, or one whose agreement is not signed yet, can be voided.")),
}


def check_transition(action: str, status: CardStatus) -> Decision:
    states, code, message = _FROM[action]
    if status is CardStatus.AWAITING_SIGNATURE and status not in states:
        # Said as such: the consultant's next step is the signature, not some other transition.
        return refuse("awaiting_signature", N_("The card's agreement is not signed yet, so the card is not in force: "
                                               "have the agreement signed first, or void the card."))
    if status not in states:
        return refuse(code, message)
    return allow("transition_allowed", N_("Allowed."))


def check_void(issued_on: dt.date, on: dt.date, *, successor: bool, awaiting_signature: bool = False) -> Decision:
    """Void is for a card issued in error: the same business day only, afterwards it is a refund.
    A reissued or transferred card is not "issued in error": voiding it would leave its holder with no card.
    A card whose agreement nobody signed never took effect: a manager may void it any day, the money going back."""
    if awaiting_signature:
        # A new holder who never signed: the transfer never took effect, so voiding undoes it.
        return allow("void_unsigned", N_("The agreement was never signed: the card may be voided and the money returned in full."))
    if successor:
        return refuse("void_not_for_successor", N_("A reissued or transferred card cannot be voided; refund it instead."))
    if on != issued_on:
        return refuse("void_same_day_only", N_("A card can be voided only on the day it was issued (%(issued_on)s); "
                                               "after that, refund it."), issued_on=issued_on)
    return allow("void_allowed", N_("The card may be voided."))


def check_two_people(requested_by: int | None, deciding: int) -> Decision:
    """Money goes out only when a second person agrees."""
    if requested_by is not None and requested_by == deciding:
        return refuse("approver_is_requester", N_("The person who made the request cannot approve it; ask another manager."))
    return allow("second_person", N_("A second person decides."))


def refund_amount(held_fen: int) -> tuple[Decision, int]:
    """What a refund pays: the money held for the member, without interest. A value-add credit is not money held,
    and renewal fees are income of terms already begun, so neither is ever in it."""
    if held_fen <= 0:
        return refuse("nothing_to_refund", N_("No money is held for this card, so there is nothing to refund.")), 0
    return allow("refund_amount", N_("The money held is refunded, without interest.")), held_fen


def check_payout(requested_fen: int, held_fen: int) -> Decision:
    """At approval the money held must still be what was requested: never more, and nothing moved meanwhile."""
    if requested_fen > held_fen:
        return refuse("refund_exceeds_held", N_("The refund cannot exceed the money held for the card."))
    if requested_fen != held_fen:
        return refuse("refund_amount_changed", N_("The money held changed since the request; cancel it and request again."))
    return allow("payout_ok", N_("The amount is the money held."))


def check_issuer_termination(kind: ProgramKind) -> Decision:
    if kind is not ProgramKind.PAID_MEMBERSHIP:
        return refuse("termination_not_applicable", N_("Only memberships are terminated: pre-sale cards are refunded, retail cards lapse at the end of their term."))
    return allow("issuer_termination", N_("Terminated by the issuer: the fee is refunded in full."))


def status_after_refund_closed(*, redeemed: bool, today: dt.date, valid_through: dt.date | None) -> CardStatus:
    """A refund request rejected or withdrawn: the card is what it would be had nobody asked. A card that ran out
    while the request waited is expired, not active again."""
    if redeemed:
        return CardStatus.REDEEMED
    if valid_through is not None and valid_through < today:
        return CardStatus.EXPIRED
    return CardStatus.ACTIVE
