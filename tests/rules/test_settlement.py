from app.rules.settlement import settle
from app.rules.terms import TierTerms

from .helpers import preset_terms


def test_presale_95_card_on_a_one_million_unit():
    _, tier = preset_terms("presale_95")
    decision, s = settle(100_000_000, tier)
    assert decision.ok
    assert s.discounted_fen == 95_000_000          # 1,000,000 × 0.95
    assert s.offset_fen == 5_000_000               # the 50,000 deposit
    assert s.payable_fen == 90_000_000
    assert (s.deposit_applied_fen, s.deposit_remaining_fen) == (5_000_000, 0)
    assert (s.credit_used_fen, s.credit_lapsed_fen) == (0, 0)


def test_value_add_card_offsets_its_credit_and_the_extra_is_a_price_reduction():
    _, tier = preset_terms("presale_value_add")
    _, s = settle(80_000_000, tier)
    assert s.discounted_fen == 80_000_000          # rate 1.00
    assert s.offset_fen == 5_000_000               # credit 50,000 includes the 20,000 deposit
    assert s.payable_fen == 75_000_000
    assert s.deposit_applied_fen == 2_000_000
    assert s.credit_used_fen == 3_000_000


def test_offset_larger_than_price_never_goes_negative_and_deposit_left_stays_refundable():
    tier = TierTerms(amount_fen=5_000_000, discount_rate_bp=9500)
    _, s = settle(4_000_000, tier)                 # a 40,000 parking space
    assert s.discounted_fen == 3_800_000
    assert s.payable_fen == 0
    assert (s.deposit_applied_fen, s.deposit_remaining_fen) == (3_800_000, 1_200_000)


def test_unused_credit_lapses_and_is_never_cash():
    _, tier = preset_terms("presale_value_add")
    _, s = settle(3_000_000, tier)                 # price 30,000 < credit 50,000
    assert s.payable_fen == 0
    assert s.deposit_applied_fen == 2_000_000
    assert s.credit_used_fen == 1_000_000
    assert s.credit_lapsed_fen == 2_000_000
    assert s.deposit_remaining_fen == 0


def test_retail_card_discount_with_no_deposit_rounds_half_up():
    _, tier = preset_terms("retail_vip")
    _, s = settle(123_45, tier)                    # 123.45 × 0.86 = 106.167 -> 106.17
    assert (s.discounted_fen, s.payable_fen, s.offset_fen) == (10617, 10617, 0)


def test_settlement_on_money_actually_held():
    _, tier = preset_terms("presale_95")
    _, s = settle(100_000_000, tier, deposit_fen=0)  # e.g. deposit already refunded
    assert s.payable_fen == 95_000_000


def test_a_price_is_required():
    _, tier = preset_terms("presale_95")
    assert settle(0, tier)[0].code == "price_invalid"
    assert settle(-5, tier)[1] is None


def test_value_add_credit_stands_only_while_the_whole_deposit_is_held():
    _, tier = preset_terms("presale_value_add")  # deposit 20,000, credit 50,000
    _, partial = settle(80_000_000, tier, deposit_fen=1_000_000)
    assert (partial.offset_fen, partial.credit_used_fen, partial.payable_fen) == (1_000_000, 0, 79_000_000)
    _, none_held = settle(80_000_000, tier, deposit_fen=0)
    assert (none_held.offset_fen, none_held.payable_fen) == (0, 80_000_000)


def test_membership_fees_buy_the_discount_only():
    from app.rules.settlement import settle_card
    from app.rules.terms import ProgramKind
    _, tier = preset_terms("online_membership")
    _, s = settle_card(ProgramKind.PAID_MEMBERSHIP, 100_000, tier, held_fen=200_000)
    assert (s.offset_fen, s.deposit_applied_fen, s.payable_fen) == (0, 0, 100_000)
    _, presale_tier = preset_terms("presale_95")
    _, p = settle_card(ProgramKind.PRESALE_DEPOSIT, 100_000_000, presale_tier, held_fen=5_000_000)
    assert p.payable_fen == 90_000_000
