"""Properties of the money and date rules, for any input hypothesis can think of (issue 9): a settlement is never
negative and accounts for every fen; fen, decimal strings and 人民币大写 go round without loss; a refund window is one
consistent interval; a price through the day's discounts is never more than the list price.

`make test` runs a bounded number of examples (the "suite" profile); `make fuzz` the long run."""

import datetime as dt
from decimal import Decimal

import cn2an
from hypothesis import given
from hypothesis import strategies as st

from app.rules.money import (
    BP_SCALE,
    MAX_FEN,
    amount_in_words,
    apply_rate,
    format_discount_rate,
    format_fen,
    format_yuan,
    parse_amount,
    parse_discount_rate,
)
from app.rules.settlement import settle, settle_card
from app.rules.terms import ProgramKind, ProgramTerms, RefundAnchor, RefundWindowTerms, TierTerms
from app.rules.units import PublishedDiscountTerms, apply_published
from app.rules.windows import check_refund_date, refund_window

fen = st.integers(min_value=0, max_value=MAX_FEN)
price = st.integers(min_value=1, max_value=MAX_FEN)
rate_bp = st.integers(min_value=1, max_value=BP_SCALE)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@st.composite
def tiers(draw):
    amount = draw(st.integers(min_value=0, max_value=10_000_000_000))
    credit = draw(st.one_of(st.just(0), st.integers(min_value=amount, max_value=amount * 3 + 1)))
    return TierTerms(amount_fen=amount, discount_rate_bp=draw(rate_bp), credit_fen=credit if amount else 0)


@given(price, tiers(), st.one_of(st.none(), fen))
def test_a_settlement_is_never_negative_and_accounts_for_every_fen(price_fen, tier, held):
    decision, result = settle(price_fen, tier, deposit_fen=held)
    assert decision.ok, decision
    deposit = tier.amount_fen if held is None else held
    assert result.payable_fen >= 0 and result.deposit_remaining_fen >= 0 and result.credit_lapsed_fen >= 0
    assert result.discounted_fen <= price_fen
    # what is paid, plus the deposit applied, plus the credit used, is the discounted price (or the deposit covered it)
    assert result.payable_fen + result.deposit_applied_fen + result.credit_used_fen >= result.discounted_fen
    assert result.deposit_applied_fen + result.deposit_remaining_fen == deposit
    assert result.payable_fen <= result.discounted_fen


@given(price, tiers(), fen)
def test_a_membership_fee_is_never_set_against_a_price(price_fen, tier, held):
    _, result = settle_card(ProgramKind.PAID_MEMBERSHIP, price_fen, tier, held_fen=held)
    assert result.payable_fen == apply_rate(price_fen, tier.discount_rate_bp)
    assert result.deposit_applied_fen == result.credit_used_fen == 0


_CAPITAL_DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=False))


def _words_to_fen(words: str) -> int:
    """人民币大写 read back: the yuan through cn2an, then 角 and 分."""
    yuan, _, rest = words.rpartition("元")
    total = int(cn2an.cn2an(yuan, "strict")) * 100 if yuan else 0
    for unit, scale in (("角", 10), ("分", 1)):
        if unit in rest:
            total += _CAPITAL_DIGITS[rest[rest.index(unit) - 1]] * scale
    return total


@given(fen)
def test_fen_decimal_string_and_words_go_round(amount):
    text = format_fen(amount)
    assert Decimal(text) * 100 == amount
    assert parse_amount(text)[1] == amount and parse_amount(format_yuan(amount))[1] == amount
    words = amount_in_words(amount)
    assert words.endswith(("整", "分", "角"))
    assert _words_to_fen(words) == amount


@given(st.integers(min_value=-10**14, max_value=10**14), st.integers(min_value=0, max_value=3))
def test_three_decimals_or_a_negative_are_refused_never_rounded(digits, places):
    written = str(Decimal(digits).scaleb(-places))  # "12.340" keeps its three places, as a person typed it
    decision, value = parse_amount(written)
    if digits < 0:
        assert decision.code == "amount_negative"
    elif Decimal(written) * 100 > MAX_FEN:
        assert decision.code == "amount_too_large"
    elif places == 3:
        assert decision.code == "amount_too_precise"
    else:
        assert value == digits * 10 ** (2 - places)


@given(rate_bp)
def test_a_discount_rate_goes_round(bp):
    assert parse_discount_rate(format_discount_rate(bp))[1] == bp


@given(fen, rate_bp)
def test_a_rate_never_raises_a_price_and_rounds_half_up(amount, bp):
    discounted = apply_rate(amount, bp)
    assert 0 <= discounted <= amount
    assert abs(Decimal(discounted) - Decimal(amount) * bp / BP_SCALE) <= Decimal("0.5")


@given(price, st.lists(st.integers(min_value=1, max_value=BP_SCALE), max_size=4))
def test_the_days_discounts_never_raise_the_list_price(list_price, rates):
    discounts = [PublishedDiscountTerms(name=f"d{i}", rate_bp=r, valid_from=dt.date(2026, 1, 1), valid_until=None)
                 for i, r in enumerate(rates)]
    final, steps = apply_published(list_price, discounts)
    assert 0 <= final <= list_price and len(steps) == len(rates)
    before = list_price
    for step in steps:
        assert step.before_fen == before and step.after_fen <= before
        before = step.after_fen
    assert before == final


@given(st.sampled_from(list(RefundAnchor)), st.integers(min_value=0, max_value=400),
       st.one_of(st.none(), st.integers(min_value=0, max_value=800)), dates, dates, dates)
def test_a_refund_window_is_one_consistent_interval(anchor, opens, closes, issued, opening, on):
    if closes is not None and closes < opens:
        closes, opens = opens, closes
    terms = ProgramTerms(kind=ProgramKind.PRESALE_DEPOSIT, opening_date=opening,
                         refund_window=RefundWindowTerms(anchor, opens, closes))
    expiry = issued + dt.timedelta(days=365)
    _, window = refund_window(terms, issue_date=issued, expiry_date=expiry)
    assert window.last_day is None or window.first_day <= window.last_day
    decision = check_refund_date(terms, on, issue_date=issued, expiry_date=expiry)
    inside = window.first_day <= on and (window.last_day is None or on <= window.last_day)
    assert decision.ok == inside
    assert decision.code == ("refund_window_open" if inside else
                             "refund_window_not_open" if on < window.first_day else "refund_window_closed")
