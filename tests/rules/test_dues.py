"""Dues of a paid membership: the due day, the late fee (whole days, half up to the fen, nothing before the due day)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.rules import dues
from app.rules.cards import scan_verdict
from app.rules.terms import CardStatus

from .helpers import preset_terms

D = dt.date
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))
fen = st.integers(min_value=0, max_value=10**12)
bp = st.integers(min_value=0, max_value=10_000)


def test_online_membership_fee_due_two_days_after_signing_then_five_per_mille_a_day():
    terms, tier = preset_terms("online_membership")
    due = dues.due_on(D(2026, 3, 1), terms.payment_due_days)
    assert due == D(2026, 3, 3)
    assert dues.dues_owed(tier.amount_fen, terms.late_fee_per_day_bp, due=due, on=D(2026, 3, 3)).late_fee_fen == 0
    owed = dues.dues_owed(tier.amount_fen, terms.late_fee_per_day_bp, due=due, on=D(2026, 3, 8))
    # 5‰ of ¥2,000.00 is ¥10.00 a day; five days late: ¥50.00.
    assert (owed.days_late, owed.late_fee_fen, owed.total_fen) == (5, 5000, 205000)


def test_a_wrong_amount_is_refused_with_the_figure_owed():
    owed = dues.dues_owed(200000, 50, due=D(2026, 3, 3), on=D(2026, 3, 5))
    assert dues.check_dues_amount(owed, 202000).ok
    refused = dues.check_dues_amount(owed, 200000)
    assert refused.code == "dues_amount_mismatch"
    assert refused.sentence() == ("Owed today: ¥2,020.00, the fee of ¥2,000.00 and a late fee of ¥20.00 for 2 day(s) "
                                  "after 2026-03-03; the amount entered is ¥2,000.00.")
    on_time = dues.dues_owed(200000, 50, due=D(2026, 3, 3), on=D(2026, 3, 1))
    assert dues.check_dues_amount(on_time, 1).sentence() == "Owed today: ¥2,000.00; the amount entered is ¥0.01."


def test_no_due_day_before_signing_means_no_late_fee():
    assert dues.dues_owed(200000, 50, due=None, on=D(2030, 1, 1)).late_fee_fen == 0


def test_only_memberships_with_a_payment_term_issue_before_payment():
    terms, tier = preset_terms("online_membership")
    assert dues.check_pay_later(terms, tier.amount_fen).ok
    presale, deposit = preset_terms("presale_95")
    assert dues.check_pay_later(presale, deposit.amount_fen).code == "pay_later_not_offered"
    no_term, _ = preset_terms("online_membership", payment_due_days=None, late_fee_per_day_bp=None)
    assert dues.check_pay_later(no_term, tier.amount_fen).code == "pay_later_not_offered"


def test_an_unpaid_membership_is_not_in_force_at_the_counter():
    kwargs = dict(valid_from=D(2026, 3, 1), valid_through=D(2027, 2, 28), card_program="M")
    verdict = scan_verdict(CardStatus.ACTIVE, D(2026, 3, 2), dues_unpaid=True, dues_due_on=D(2026, 3, 3), **kwargs)
    assert (verdict.ok, verdict.code) == (False, "dues_unpaid")
    assert "2026-03-03" in verdict.sentence()
    assert scan_verdict(CardStatus.ACTIVE, D(2026, 3, 2), **kwargs).ok
    assert scan_verdict(CardStatus.LOST, D(2026, 3, 2), dues_unpaid=True, **kwargs).code == "lost"


@given(days, st.integers(min_value=0, max_value=400))
def test_late_days_are_whole_days_after_the_due_day_and_none_before(due, offset):
    assert dues.days_late(due, due - dt.timedelta(days=offset)) == 0
    assert dues.days_late(due, due + dt.timedelta(days=offset)) == offset


@given(fen, bp, st.integers(min_value=0, max_value=3650))
def test_the_late_fee_is_rounded_once_half_up_to_the_fen(total, rate, late):
    fee = dues.late_fee_fen(total, rate, late)
    exact = Decimal(total) * rate * late / 10_000
    assert fee == int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    assert abs(Decimal(fee) - exact) <= Decimal("0.5")
    assert fee >= 0


@given(fen, bp, days, days)
def test_no_late_fee_on_or_before_the_due_day_and_it_never_shrinks(total, rate, due, on):
    owed = dues.dues_owed(total, rate, due=due, on=on)
    if on <= due:
        assert owed.late_fee_fen == 0 and owed.total_fen == total
    later = dues.dues_owed(total, rate, due=due, on=on + dt.timedelta(days=1))
    assert later.late_fee_fen >= owed.late_fee_fen
