"""What a programme allows: issuing, transfer, reissue, termination."""

from __future__ import annotations

import datetime as dt

from .decision import N_, Decision, allow, refuse
from .money import format_yuan
from .terms import ProgramKind, ProgramTerms, RefundAnchor, TierTerms, TransferPolicy
from .windows import check_refund_date


def check_issue(terms: ProgramTerms, on: dt.date, *, active_cards: int, permit_override: bool = False) -> Decision:
    """May one more card be issued to a member who already holds ``active_cards``?"""
    if not terms.issuing_open:
        return refuse("program_closed", N_("This programme is not issuing cards."))
    if terms.valid_until is not None and on > terms.valid_until:
        return refuse("program_expired", N_("Cards of this programme are valid only until %(valid_until)s; it has ended."),
                      valid_until=terms.valid_until)
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
    limit = check_card_limit(terms, active_cards)
    return limit if not limit.ok else allow("issue_allowed", N_("The card may be issued."))


def check_card_limit(terms: ProgramTerms, active_cards: int) -> Decision:
    """One more card for a member who holds ``active_cards``: for issuing and for receiving a transfer alike."""
    if active_cards >= terms.max_active_cards_per_member:
        return refuse(
            "member_card_limit",
            N_("This member already holds %(limit)s active card(s) of this programme, the most it allows."),
            limit=terms.max_active_cards_per_member,
        )
    return allow("within_card_limit", N_("Within the programme's card limit."))


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


def check_reissue_identity(*, holder_id_index: str, presented_id_indexes: list[str]) -> Decision:
    """Reissue is in person: the ID number presented must be the holder's (compared by blind index; during a data key
    rotation the presented number has one index per key)."""
    if holder_id_index not in presented_id_indexes:
        return refuse("id_number_mismatch", N_("The ID number does not match the card holder's."))
    return allow("id_number_matches", N_("The ID number matches the holder."))


def member_termination(terms: ProgramTerms, on: dt.date, *, issue_date: dt.date, valid_through: dt.date | None,
                       notice_running: bool = False) -> tuple[Decision, dt.date | None]:
    """A member ends a paid membership: inside a refund window (where the programme has one) that is a refund; else
    nothing is refunded and the card ends once the notice has run (never later than its term). The notice is notice,
    not a cooling-off period."""
    if terms.kind is not ProgramKind.PAID_MEMBERSHIP:
        return refuse("termination_not_applicable", N_("Only memberships are terminated: pre-sale cards are refunded, retail cards lapse at the end of their term.")), None
    if notice_running:
        return refuse("termination_notice_running", N_("A termination notice already runs: the membership ends on "
                                                       "%(last_day)s."), last_day=valid_through), None
    if check_refund_date(terms, on, issue_date=issue_date, expiry_date=valid_through).ok:
        return refuse("terminate_by_refund", N_("Inside the refund window: request a refund instead, it is paid in full.")), None
    last_day = _notice_ends(on, terms.termination_notice_days, valid_through)
    return allow("member_termination", N_("Notice given today: the membership ends on %(last_day)s; the fee is not "
                                          "refunded."), last_day=last_day), last_day


def issuer_termination(terms: ProgramTerms, on: dt.date, *, valid_through: dt.date | None, held_fen: int,
                       notice_running: bool = False) -> tuple[Decision, dt.date | None]:
    """The issuer ends a paid membership: the card runs to the end of the issuer's notice, then the fee held is
    refunded in full (once a second person approves)."""
    if terms.kind is not ProgramKind.PAID_MEMBERSHIP:
        return refuse("termination_not_applicable", N_("Only memberships are terminated: pre-sale cards are refunded, retail cards lapse at the end of their term.")), None
    if notice_running:
        return refuse("termination_notice_running", N_("A termination notice already runs: the membership ends on "
                                                       "%(last_day)s."), last_day=valid_through), None
    last_day = _notice_ends(on, terms.issuer_termination_notice_days, valid_through)
    if held_fen <= 0:
        return allow("issuer_termination_notice", N_(
            "Notice given today: the membership ends on %(last_day)s; no fee was paid, so nothing is refunded."),
            last_day=last_day), last_day
    return allow("issuer_termination_notice", N_(
        "Notice given today: the membership ends on %(last_day)s; the fee held is then refunded in full, once a second "
        "person approves."), last_day=last_day), last_day


def _notice_ends(on: dt.date, notice_days: int | None, valid_through: dt.date | None) -> dt.date:
    last_day = on + dt.timedelta(days=notice_days or 0)
    return last_day if valid_through is None else min(last_day, valid_through)


def check_program_terms(terms: ProgramTerms, tiers: list[TierTerms]) -> list[tuple[str, Decision]]:
    """What a programme's settings must satisfy together, as (field, reason) pairs; empty when coherent."""
    problems: list[tuple[str, Decision]] = []
    presale = terms.kind is ProgramKind.PRESALE_DEPOSIT
    if presale and terms.refund_window is None:
        problems.append(("refund_window", refuse(
            "refund_window_required", N_("Pre-sale deposits must be refundable: set the refund window."))))
    if not presale and (terms.presale_permit_no or terms.presale_permit_date):
        problems.append(("presale_permit_no", refuse(
            "presale_permit_not_applicable", N_("A presale permit belongs to pre-sale deposit programmes only."))))
    if (terms.presale_permit_no is None) != (terms.presale_permit_date is None):
        problems.append(("presale_permit_date" if terms.presale_permit_date is None else "presale_permit_no", refuse(
            "presale_permit_incomplete", N_("Record the permit's number and its date together."))))
    if terms.validity_months is not None and terms.valid_until is not None:
        problems.append(("valid_until", refuse(
            "validity_ambiguous", N_("Give either a validity in months or a fixed end date, not both."))))
    if terms.renewal_window_days is not None and terms.validity_months is None:
        problems.append(("renewal_window_days", refuse(
            "renewal_needs_validity", N_("Renewal needs a validity in months to extend by."))))
    if (terms.refund_window is not None and terms.refund_window.anchor is RefundAnchor.EXPIRY_DATE
            and terms.validity_months is None and terms.valid_until is None):
        problems.append(("refund_window.anchor", refuse(
            "refund_anchor_needs_expiry", N_("Cards that never expire cannot have a refund window counted from expiry."))))
    if terms.transfer_policy is TransferPolicy.FORBIDDEN and terms.transfer_fee_fen:
        problems.append(("transfer_fee", refuse(
            "transfer_fee_without_transfer", N_("A transfer fee applies only when transfers are allowed."))))
    membership_only = (("termination_notice_days", terms.termination_notice_days),
                       ("issuer_termination_notice_days", terms.issuer_termination_notice_days),
                       ("payment_due_days", terms.payment_due_days), ("late_fee_per_day_bp", terms.late_fee_per_day_bp))
    for name, value in membership_only:
        if value is not None and terms.kind is not ProgramKind.PAID_MEMBERSHIP:
            problems.append((name, refuse("membership_terms_only", N_("This applies to paid memberships only."))))
    if terms.late_fee_per_day_bp and terms.payment_due_days is None:
        problems.append(("late_fee_per_day_bp", refuse(
            "late_fee_needs_due_days", N_("A late fee needs a payment term: set the days within which the fee is due."))))
    if terms.kind is ProgramKind.RETAIL:
        for name, value in (("refund_window", terms.refund_window), ("termination_notice_days", terms.termination_notice_days)):
            if value is not None:
                problems.append((name, refuse("retail_not_refunded", N_(
                    "A retail VIP card is free and lapses at the end of its term: it has no refund window and no "
                    "termination."))))
    for i, tier in enumerate(tiers):
        if presale and tier.amount_fen == 0:
            problems.append((f"tiers.{i}.amount", refuse(
                "deposit_zero", N_("A pre-sale card needs a deposit of more than zero."))))
        if tier.credit_fen and tier.credit_fen < tier.amount_fen:
            problems.append((f"tiers.{i}.credit", refuse("credit_below_deposit", N_(
                "The credit includes the deposit of %(deposit)s, so it cannot be less. To give what the card adds on "
                "top of the deposit, enter it as the increment."), deposit=format_yuan(tier.amount_fen))))
    return problems
