"""Dues of a paid membership: when the fee falls due, the late fee, and whether an unpaid card is in force.

The fee is due within ``payment_due_days`` of signing (the agreement takes effect on signing); each whole day after
the due day adds ``late_fee_per_day_bp`` of the contract total (5‰ = 50 basis points a day), rounded once to the fen,
half up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .decision import N_, Decision, allow, refuse
from .money import format_yuan
from .terms import ProgramKind, ProgramTerms

BP_SCALE = 10_000


def due_on(signed_on: dt.date, payment_due_days: int) -> dt.date:
    """The last day to pay: signed on 1 March with 2 days, due on 3 March."""
    return signed_on + dt.timedelta(days=payment_due_days)


def days_late(due: dt.date | None, on: dt.date) -> int:
    """Whole days after the due day; none on or before it (and none while no due day is known, before signing)."""
    if due is None:
        return 0
    return max((on - due).days, 0)


def late_fee_fen(contract_total_fen: int, per_day_bp: int | None, days: int) -> int:
    """``per_day_bp`` of the contract total for each day late, rounded to the fen half up (once, on the total)."""
    if not per_day_bp or days <= 0:
        return 0
    exact = Decimal(contract_total_fen) * per_day_bp * days / BP_SCALE
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class DuesOwed:
    fee_fen: int
    due_on: dt.date | None  # None until the agreement is signed
    days_late: int
    late_fee_fen: int

    @property
    def total_fen(self) -> int:
        return self.fee_fen + self.late_fee_fen


def dues_owed(fee_fen: int, per_day_bp: int | None, *, due: dt.date | None, on: dt.date) -> DuesOwed:
    """What paying on ``on`` costs: the fee and the late fee accrued by then."""
    late = days_late(due, on)
    return DuesOwed(fee_fen, due, late, late_fee_fen(fee_fen, per_day_bp, late))


def check_pay_later(terms: ProgramTerms, fee_fen: int) -> Decision:
    """Only a paid membership with a payment term issues a card before its fee is paid."""
    if terms.kind is not ProgramKind.PAID_MEMBERSHIP or terms.payment_due_days is None or not fee_fen:
        return refuse("pay_later_not_offered", N_(
            "Only a paid membership with a payment term (fee due within days of signing) is issued before its fee is "
            "paid."))
    return allow("pay_later", N_("The fee falls due within %(days)s day(s) of signing."), days=terms.payment_due_days)


def check_dues_paid(*, unpaid: bool, due: dt.date | None) -> Decision:
    """An unpaid membership is not in force: no verdict of valid, no use, no renewal or transfer."""
    if not unpaid:
        return allow("dues_paid", N_("The membership fee is paid."))
    if due is None:
        return refuse("dues_unpaid", N_("The membership fee is not paid yet: the card is in force once it is."))
    return refuse("dues_unpaid", N_("The membership fee is not paid yet (due on %(due_on)s): the card is in force once "
                                    "it is."), due_on=due)


def check_dues_amount(owed: DuesOwed, given_fen: int) -> Decision:
    """The amount paid must be exactly what is owed today, late fee included."""
    if given_fen == owed.total_fen:
        return allow("dues_amount_ok", N_("The amount is what is owed."))
    if owed.late_fee_fen:
        return refuse("dues_amount_mismatch", N_(
            "Owed today: %(expected)s, the fee of %(fee)s and a late fee of %(late_fee)s for %(days)s day(s) after "
            "%(due_on)s; the amount entered is %(given)s."),
            expected=format_yuan(owed.total_fen), fee=format_yuan(owed.fee_fen), late_fee=format_yuan(owed.late_fee_fen),
            days=owed.days_late, due_on=owed.due_on, given=format_yuan(given_fen))
    return refuse("dues_amount_mismatch", N_("Owed today: %(expected)s; the amount entered is %(given)s."),
                  expected=format_yuan(owed.total_fen), given=format_yuan(given_fen))
