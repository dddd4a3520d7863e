"""Retail loyalty rules (DESIGN §14): the discount, points, lots spent oldest first, expiry at the end of the card year,
the qualifying spend; with properties over any input hypothesis can think of."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from app.rules import loyalty
from app.rules.loyalty import Lot, LoyaltyTerms
from app.rules.policies import check_program_terms
from app.rules.settlement import settle_card
from app.rules.terms import CardStatus, ProgramKind, RefundAnchor, RefundWindowTerms, TierTerms
from tests.rules.helpers import preset_terms

TERMS = LoyaltyTerms()
DAY = dt.date(2026, 5, 20)


def test_the_retail_preset_is_its_own_kind_free_not_transferable_without_invented_fees():
    terms, tier = preset_terms("retail_vip")
    assert terms.kind is ProgramKind.RETAIL and terms.refund_window is None and terms.termination_notice_days is None
    assert (terms.reissue_fee_fen, terms.transfer_fee_fen, terms.max_active_cards_per_member) == (0, 0, 1)
    assert (terms.validity_months, tier.discount_rate_bp, tier.qualifying_spend_fen, tier.amount_fen) == (24, 8600, 500_000, 0)
    assert check_program_terms(terms, [tier]) == []


def test_a_retail_programme_has_no_refund_window_or_termination():
    terms, tier = preset_terms("retail_vip", refund_window=RefundWindowTerms(RefundAnchor.ISSUE_DATE, 0, 6),
                               termination_notice_days=7)
    assert {name for name, d in check_program_terms(terms, [tier])} == {"refund_window", "termination_notice_days"}


def test_a_retail_card_is_never_redeemed_for_a_unit():
    decision, settlement = settle_card(ProgramKind.RETAIL, 100_000, TierTerms(0, 8600), held_fen=0)
    assert (decision.code, settlement) == ("retail_not_redeemable", None)


def test_the_points_rate_reads_a_tenth_of_a_point_per_yuan_exactly():
    assert loyalty.parse_points_rate("0.1")[1] == 100 and loyalty.parse_points_rate(1)[1] == 1000
    assert loyalty.parse_points_rate("0.0001")[0].code == "points_rate_too_precise"
    assert loyalty.parse_points_rate("abc")[0].code == "points_rate_invalid"
    assert loyalty.parse_points_rate("101")[0].code == "points_rate_invalid"
    assert [loyalty.format_points_rate(m) for m in (100, 1000, 125, 0)] == ["0.1", "1", "0.125", "0"]


def test_discount_unless_special_price_and_points_on_the_money_paid():
    decision, price = loyalty.price_purchase(100_000, 8600, special_price=False)
    assert decision.code == "discount_applied" and (price.discounted_fen, price.paid_fen) == (86_000, 86_000)
    assert loyalty.points_earned(price.paid_fen, TERMS, special_price=False, birthday_month=False) == 86
    decision, price = loyalty.price_purchase(100_000, 8600, special_price=True)
    assert decision.code == "special_price" and not price.discount_applied and price.paid_fen == 100_000
    assert loyalty.points_earned(price.paid_fen, TERMS, special_price=True, birthday_month=True) == 0
    # ¥9.99 earns nothing: points are whole, rounded down
    assert loyalty.points_earned(999, TERMS, special_price=False, birthday_month=False) == 0
    assert loyalty.points_earned(1000, TERMS, special_price=False, birthday_month=True) == 2


def test_points_spent_on_a_receipt_come_off_what_is_paid_and_never_exceed_it():
    _, price = loyalty.price_purchase(20_000, 8600, special_price=False, points_value_fen=10_000)
    assert (price.discounted_fen, price.points_value_fen, price.paid_fen) == (17_200, 10_000, 7_200)
    decision, price = loyalty.price_purchase(10_000, 8600, special_price=False, points_value_fen=9_000)
    assert decision.code == "points_exceed_purchase" and price is None
    assert loyalty.price_purchase(0, 8600, special_price=False)[0].code == "purchase_amount_zero"


def test_birthday_month():
    assert loyalty.is_birthday_month(dt.date(1990, 5, 31), DAY) and not loyalty.is_birthday_month(None, DAY)


def test_points_expire_at_the_end_of_the_card_year_they_were_earned_in():
    """DESIGN §14's example: a card opened 2013-06-10 is valid through 2015-06-09; its points expire 2014-06-09."""
    issued = dt.date(2013, 6, 10)
    assert loyalty.points_expiry(issued, issued, 12) == dt.date(2014, 6, 9)
    assert loyalty.points_expiry(issued, dt.date(2014, 6, 9), 12) == dt.date(2014, 6, 9)
    assert loyalty.points_expiry(issued, dt.date(2014, 6, 10), 12) == dt.date(2015, 6, 9)
    assert loyalty.points_expiry(dt.date(2024, 2, 29), dt.date(2024, 3, 1), 12) == dt.date(2025, 2, 27)


def test_lots_are_spent_the_one_expiring_first_first_and_expired_lots_not_at_all():
    lots = [Lot(1, 50, dt.date(2027, 1, 1)), Lot(2, 30, dt.date(2026, 6, 30)), Lot(3, 40, dt.date(2026, 5, 19))]
    decision, taken = loyalty.spend(lots, 60, DAY)
    assert decision.ok and taken == [(2, 30), (1, 30)]
    assert loyalty.balance(lots, DAY) == 80
    assert loyalty.spend(lots, 81, DAY)[0].code == "not_enough_points"
    assert loyalty.spend(lots, 0, DAY)[0].code == "points_not_positive"


def test_one_purchase_or_a_years_purchases_reach_the_qualifying_spend():
    spend = 500_000
    assert loyalty.check_qualifying([], DAY, spend, today_fen=500_000).code == "qualifies_by_purchase"
    year = [(dt.date(2025, 5, 21), 200_000), (dt.date(2026, 1, 1), 200_000)]
    assert loyalty.check_qualifying(year, DAY, spend, today_fen=100_000).code == "qualifies_by_year"
    older = [(dt.date(2025, 5, 20), 200_000), (dt.date(2026, 1, 1), 200_000)]  # the first is a year and a day ago
    refused = loyalty.check_qualifying(older, DAY, spend, today_fen=100_000)
    assert refused.code == "not_qualified" and refused.params["missing"] == "¥2,000.00"
    assert loyalty.check_qualifying([], DAY, None).code == "no_qualifying_spend"


def test_only_an_active_retail_card_in_its_term_earns_or_spends():
    ok = loyalty.check_retail_card(ProgramKind.RETAIL, CardStatus.ACTIVE, DAY, valid_through=DAY)
    assert ok.ok
    assert loyalty.check_retail_card(ProgramKind.PRESALE_DEPOSIT, CardStatus.ACTIVE, DAY, valid_through=None).code == "not_retail"
    assert loyalty.check_retail_card(ProgramKind.RETAIL, CardStatus.LOST, DAY, valid_through=None).code == "card_not_active"
    assert loyalty.check_retail_card(ProgramKind.RETAIL, CardStatus.ACTIVE, DAY, valid_through=DAY - dt.timedelta(days=1)).code == "expired"


# Properties -------------------------------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=10_000_000_000)
rates = st.integers(min_value=1, max_value=10_000)
terms = st.builds(LoyaltyTerms, points_per_yuan_milli=st.integers(0, 100_000), point_value_fen=st.integers(1, 10_000),
                  points_valid_months=st.integers(1, 120), birthday_multiplier=st.integers(1, 10))
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2080, 12, 31))


@given(amounts, rates, st.booleans(), terms, st.booleans(), st.integers(0, 10_000_000_000))
def test_points_are_never_negative_and_the_paid_part_never_more_than_the_price(amount, rate, special, t, birthday, points_value):
    decision, price = loyalty.price_purchase(amount, rate, special_price=special, points_value_fen=points_value)
    if price is None:
        assert decision.code == "points_exceed_purchase" and points_value > (amount if special else 0)
        return
    assert 0 <= price.paid_fen <= price.discounted_fen <= price.amount_fen
    earned = loyalty.points_earned(price.paid_fen, t, special_price=special, birthday_month=birthday)
    assert earned >= 0 and (earned == 0 if special else True)
    # the part paid with points earns nothing: the points never exceed those of the money paid alone
    assert earned <= price.paid_fen * t.points_per_yuan_milli // 100_000 * t.birthday_multiplier


@st.composite
def lot_lists(draw):
    n = draw(st.integers(0, 8))
    return [Lot(i + 1, draw(st.integers(0, 1000)), draw(days)) for i in range(n)]


@given(lot_lists(), st.integers(1, 9000), days)
def test_a_spend_takes_exactly_the_points_oldest_expiry_first_and_the_balance_follows(lots, points, on):
    decision, taken = loyalty.spend(lots, points, on)
    before = loyalty.balance(lots, on)
    if not decision.ok:
        assert points > before and taken == []
        return
    assert sum(p for _, p in taken) == points and all(p > 0 for _, p in taken)
    by_id = {lot.id: lot for lot in lots}
    assert all(by_id[lot_id].expires_on >= on and p <= by_id[lot_id].remaining for lot_id, p in taken)
    # FIFO: every lot taken from but the last is emptied, and no usable lot expiring earlier was left untouched
    for lot_id, p in taken[:-1]:
        assert p == by_id[lot_id].remaining
    last_expiry = by_id[taken[-1][0]].expires_on
    touched = {lot_id for lot_id, _ in taken}
    assert not any(lot.remaining and on <= lot.expires_on < last_expiry and lot.id not in touched for lot in lots)
    after = [Lot(lot.id, lot.remaining - dict(taken).get(lot.id, 0), lot.expires_on) for lot in lots]
    assert loyalty.balance(after, on) == before - points


@given(st.lists(st.tuples(st.integers(1, 500), st.integers(0, 400)), max_size=12), st.lists(st.integers(1, 300), max_size=6),
       days)
def test_balance_is_earned_less_spent_less_expired(earnings, spends, start):
    """Lots earned on successive days, spent whenever possible, swept when past their day: the books always balance."""
    lots: list[Lot] = []
    earned = spent = expired = 0
    on = start
    for i, (points, offset) in enumerate(earnings):
        on = on + dt.timedelta(days=offset % 40)
        # the sweep: lots past their last day lose what is left
        swept = [lot for lot in lots if lot.expires_on < on and lot.remaining]
        expired += sum(lot.remaining for lot in swept)
        lots = [Lot(lot.id, 0, lot.expires_on) if lot in swept else lot for lot in lots]
        lots.append(Lot(i + 1, points, on + dt.timedelta(days=offset)))
        earned += points
        if i < len(spends):
            decision, taken = loyalty.spend(lots, spends[i], on)
            if decision.ok:
                spent += spends[i]
                used = dict(taken)
                lots = [Lot(lot.id, lot.remaining - used.get(lot.id, 0), lot.expires_on) for lot in lots]
        assert all(lot.remaining >= 0 for lot in lots)
        assert sum(lot.remaining for lot in lots) == earned - spent - expired
        assert loyalty.balance(lots, on) == earned - spent - expired


@given(days, st.integers(0, 4000), st.integers(1, 36))
def test_a_lots_expiry_is_the_last_day_of_the_card_year_it_was_earned_in(issued, after, months):
    earned = issued + dt.timedelta(days=after)
    expires = loyalty.points_expiry(issued, earned, months)
    assert earned <= expires
    # the day after expiry starts a new card year: earned then, points expire a full card year later
    assert loyalty.points_expiry(issued, expires + dt.timedelta(days=1), months) > expires
    assert loyalty.points_expiry(issued, expires, months) == expires
