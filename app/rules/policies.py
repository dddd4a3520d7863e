"""What a programme allows: issuing, transfer, reissue, termination."""

from __future__ import annotations

import datetime as dt

from .decision import N_, Decision, allow, refuse
from .money import format_yuan
from .terms import ProgramKind, ProgramTerms, TransferPolicy
from .windows import check_refund_date


def check_issue(terms: ProgramTerms, on: dt.date, *, active_cards: int, permit_override: bool = False) -> Decision:
    """May one more card be issued to a member who already holds ``active_cards``?"""
    if not terms.issuing_open:
        return refuse("program_closed", N_("This programme is not issuing cards."))
    if terms.kind is ProgramKind.PRESALE_DEPOSIT and not permit_override:
        if not terms.presale_permit_no or terms.presale_permit_date is None:
            return refuse(
                "presale_permit_missing",
                N_("Deposits may not be taken before the presale permit is recorded on the programme."),
            )
        if on < terms.presale_permit_date:
            return refuse(
                "presale_permit_not_yet_valid",
                N_("The presale permit is dated %(permit_date)s; deposits may not be taken before it."),
                permit_date=terms.presale_permit_date,
            )
    if active_cards >= terms.max_active_cards_per_member:
        return refuse(
            "member_card_limit",
            N_("This member already holds %(limit)s active card(s) of this programme, the most it allows."),
            limit=terms.max_active_cards_per_member,
        )
    return allow("issue_allowed", N_("The card may be issued."))


def check_transfer(terms: ProgramTerms, *, from_member_id: int, to_member_id: int) -> Decision:
    if terms.transfer_policy is TransferPolicy.FORBIDDEN:
        return refuse("transfer_forbidden", N_("The agreement makes this card real-name and not transferable."))
    if from_member_id == to_member_id:
        return refuse("transfer_same_holder", N_("The new holder is the same person as the current holder."))
    if terms.transfer_fee_fen:
        return allow(
            "transfer_needs_approval",
            N_("A transfer needs a manager's approval and a fee of %(fee)s."),
            fee=format_yuan(terms.transfer_fee_fen),
        )
    return allow("transfer_needs_approval", N_("A transfer needs a manager's approval."))


def check_reissue_identity(*, holder_id_index: str, presented_id_index: str) -> Decision:
    """Reissue is in person: the ID number presented must be the holder's (compared by blind index)."""
    if holder_id_index != presented_id_index:
        return refuse("id_number_mismatch", N_("The ID number does not match the card holder's."))
    return allow("id_number_matches", N_("The ID number matches the holder."))


def termination_refund(
    terms: ProgramTerms,
    on: dt.date,
    *,
    by_issuer: bool,
    held_fen: int,
    issue_date: dt.date,
    expiry_date: dt.date | None,
) -> tuple[Decision, int]:
    """Ending a paid membership early: the issuer refunds in full; the member only inside the refund window."""
    if by_issuer:
        return allow("issuer_termination", N_("Terminated by the issuer: the fee is refunded in full.")), held_fen
    window = check_refund_date(terms, on, issue_date=issue_date, expiry_date=expiry_date)
    if window.ok:
        return allow("member_termination_in_window", N_("Terminated by the member inside the refund window: refunded in full.")), held_fen
    return refuse(
        "member_termination_no_refund",
        N_("Terminated by the member after the refund window: the fee is not refunded."),
    ), 0
