"""A membership's dues and dates as the card page and the API show them: the fee, its due day, the late fee accrued
today or charged when paid; the renewal window, a running notice, and what a termination given today would do, all
from the same rules the transitions use (one source of truth for dates). Paying is a transition: lifecycle.pay_dues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clock import today
from ..rules import Decision
from ..rules.dues import DuesOwed, check_dues_paid, days_late, dues_owed, late_fee_fen
from ..rules.money import format_fen
from ..rules.policies import issuer_termination, member_termination
from ..rules.terms import ProgramKind
from ..rules.validity import check_renewal
from .models import Card, DuesStatus
from .terminations import Termination, running_termination


def owed_today(card: Card) -> DuesOwed | None:
    """What paying today costs, for a card whose fee is not paid; None otherwise."""
    if card.dues_status is not DuesStatus.UNPAID:
        return None
    return dues_owed(card.amount_fen, card.program.late_fee_per_day_bp, due=card.dues_due_on, on=today())


def dump_dues(card: Card) -> dict[str, Any] | None:
    """None for a card paid when issued (or with nothing to pay)."""
    if card.dues_status is None:
        return None
    per_day_bp = card.program.late_fee_per_day_bp
    owed = owed_today(card)
    if owed is not None:
        late, late_fee, total = owed.days_late, owed.late_fee_fen, owed.total_fen
    else:
        late = days_late(card.dues_due_on, card.dues_paid_on) if card.dues_paid_on else 0
        late_fee = card.dues_late_fee_fen or 0
        total = card.amount_fen + late_fee
    return {"status": card.dues_status.value, "fee": format_fen(card.amount_fen),
            "due_on": card.dues_due_on.isoformat() if card.dues_due_on else None,
            "paid_on": card.dues_paid_on.isoformat() if card.dues_paid_on else None,
            "late_fee_per_day_bp": per_day_bp, "late_fee_per_day": format_fen(late_fee_fen(card.amount_fen, per_day_bp, 1)),
            "days_late": late, "late_fee": format_fen(late_fee), "total": format_fen(total)}


@dataclass(frozen=True)
class Membership:
    in_force: Decision  # refused (dues_unpaid) while the fee is not paid
    owed: DuesOwed | None  # the fee and late fee if paying today, while unpaid
    late_fee_per_day_fen: int
    renewal: Decision | None  # None: the programme does not renew
    notice: Termination | None  # running
    member_termination: Decision  # what the member's termination given today would do
    issuer_termination: Decision


def membership_facts(card: Card) -> Membership | None:
    """None for cards that are not memberships."""
    if card.program.kind is not ProgramKind.PAID_MEMBERSHIP:
        return None
    terms, on = card.program.terms(), today()
    notice = running_termination(card)
    renewal = None
    if terms.renewal_window_days and card.valid_through is not None:
        renewal = check_renewal(terms, on, valid_through=card.valid_through, notice_running=notice is not None)
    in_force = check_dues_paid(unpaid=card.dues_status is DuesStatus.UNPAID, due=card.dues_due_on)
    # What the transitions would answer today, in the order they check (an unpaid card: pay first).
    member = in_force if not in_force.ok else member_termination(
        terms, on, issue_date=card.issued_on, valid_through=card.valid_through, notice_running=notice is not None)[0]
    if renewal is not None and not in_force.ok:
        renewal = in_force
    return Membership(
        in_force=in_force, owed=owed_today(card),
        late_fee_per_day_fen=late_fee_fen(card.amount_fen, terms.late_fee_per_day_bp, 1),
        renewal=renewal, notice=notice, member_termination=member,
        issuer_termination=issuer_termination(terms, on, valid_through=card.valid_through, held_fen=card.held_fen,
                                              notice_running=notice is not None)[0])
