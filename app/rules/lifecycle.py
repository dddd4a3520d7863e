"""Which transitions a card's state allows, and the other lifecycle decisions."""

from __future__ import annotations

import datetime as dt

from .decision import N_, Decision, allow, refuse
from .terms import CardStatus

# action: (states it starts from, reason code, sentence when the card is in another state)
_FROM = {
    "report_loss": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be reported lost.")),
    "cancel_loss": ({CardStatus.LOST}, "card_not_lost", N_("Only a card reported lost can have its loss cancelled.")),
    "reissue": ({CardStatus.LOST}, "card_not_lost", N_("A card is reissued only after its loss has been reported.")),
    "transfer": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be transferred.")),
    "refund": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be refunded.")),
    "renew": ({CardStatus.ACTIVE, CardStatus.EXPIRED}, "card_not_renewable", N_("Only an active or expired card can be renewed.")),
    "void": ({CardStatus.ACTIVE}, "card_not_active", N_("Only an active card can be voided.")),
}


def check_transition(action: str, status: CardStatus) -> Decision:
    states, code, message = _FROM[action]
    if status not in states:
        return refuse(code, message)
    return allow("transition_allowed", N_("Allowed."))


def check_void(issued_on: dt.date, on: dt.date) -> Decision:
    """Void is for a card issued in error: the same business day only, afterwards it is a refund."""
    if on != issued_on:
        return refuse("void_same_day_only", N_("A card can be voided only on the day it was issued (%(issued_on)s); "
                                               "after that, refund it."), issued_on=issued_on)
    return allow("void_allowed", N_("The card may be voided."))


def check_two_people(requested_by: int | None, deciding: int) -> Decision:
    """Money goes out only when a second person agrees."""
    if requested_by is not None and requested_by == deciding:
        return refuse("approver_is_requester", N_("The person who made the request cannot approve it; ask another manager."))
    return allow("second_person", N_("A second person decides."))


def check_refund_amount(requested_fen: int, held_fen: int) -> Decision:
    if requested_fen <= 0:
        return refuse("nothing_to_refund", N_("No money is held for this card, so there is nothing to refund."))
    if requested_fen > held_fen:
        return refuse("refund_exceeds_held", N_("The refund cannot exceed the money held for the card."))
    return allow("refund_amount_ok", N_("The amount is covered by the money held."))
