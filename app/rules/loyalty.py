"""Retail loyalty (DESIGN §14): the discount on a purchase, the points it earns, lots spent oldest first, their expiry,
and whether a customer's spend qualifies for a card.

The earning rate is kept in thousandths of a point per yuan (``points_per_yuan_milli``): the default 1 point per
¥10 paid is 0.1 point per yuan, stored as 100, so a rate such as 0.125 stays exact and no float touches points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .decision import N_, Decision, allow, refuse
from .money import apply_rate, as_decimal, format_yuan
from .terms import CardStatus, ProgramKind
from .validity import add_months

MILLI = 1000  # points_per_yuan_milli / MILLI = points per yuan


@dataclass(frozen=True)
class LoyaltyTerms:
    points_per_yuan_milli: int = 100  # 0.1 point per yuan: 1 point per ¥10
    point_value_fen: int = 100  # what a point takes off a purchase: ¥1
    points_valid_months: int = 12  # lots expire at the end of the card year they were earned in
    birthday_multiplier: int = 2  # points earned in the holder's birthday month are multiplied


@dataclass(frozen=True)
class PurchasePrice:
    amount_fen: int  # the price of the goods before any discount
    discounted_fen: int  # after the card's discount (the same for special-price goods)
    discount_applied: bool
    points_value_fen: int  # paid with points
    paid_fen: int  # paid with money: what earns points


@dataclass(frozen=True)
class Lot:
    """A lot as the rules see it: its id, points still there, last day they can be spent."""

    id: int
    remaining: int
    expires_on: dt.date


def parse_points_rate(value: object) -> tuple[Decision, int | None]:
    """Points per yuan paid, at most three decimals: "0.1" (1 point per ¥10) -> 100 thousandths."""
    number = as_decimal(value)
    if number is None or not (0 <= number <= 100):
        return refuse("points_rate_invalid", N_("Enter the points per yuan paid, from 0 to 100, such as 0.1 "
                                                "(1 point per ¥10).")), None
    scaled = number * MILLI
    if scaled != scaled.to_integral_value():
        return refuse("points_rate_too_precise", N_("The points per yuan have at most three decimal places.")), None
    return allow("points_rate_ok", N_("Points rate accepted.")), int(scaled)


def format_points_rate(milli: int) -> str:
    """100 -> "0.1", 1000 -> "1", 125 -> "0.125"."""
    whole, frac = divmod(milli, MILLI)
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".")


def points_rule_text(terms: LoyaltyTerms) -> str:
    """The points rule as the agreement and the receipt print it (Chinese, as documents are)."""
    milli = terms.points_per_yuan_milli
    rate = (f"每实付人民币{MILLI // milli}元积1分" if milli and MILLI % milli == 0
            else f"每实付人民币1元积{format_points_rate(milli)}分")
    return (f"积分规则：{rate}（不足1分的部分不计），特价、团购"
            f"及议价商品不积分，以积分抵扣的部分不积分；会员生日当月积分按{terms.birthday_multiplier}倍计算；每1分抵扣"
            f"{format_yuan(terms.point_value_fen)}；积分于所属积分年度（自发卡之日起每{terms.points_valid_months}个月为一个"
            f"积分年度）的末日失效。")


def check_retail_card(kind: ProgramKind, status: CardStatus, on: dt.date, *, valid_through: dt.date | None) -> Decision:
    """Purchases and point spends are recorded on an active retail card inside its term."""
    if kind is not ProgramKind.RETAIL:
        return refuse("not_retail", N_("Purchases and points belong to retail VIP cards; this card is of another kind."))
    if status is not CardStatus.ACTIVE:
        return refuse("card_not_active", N_("Only an active card earns or spends points."))
    if valid_through is not None and on > valid_through:
        return refuse("expired", N_("This card expired after %(valid_through)s."), valid_through=valid_through)
    return allow("retail_card_ok", N_("The card may be used for purchases."))


def price_purchase(amount_fen: int, discount_rate_bp: int, *, special_price: bool,
                   points_value_fen: int = 0) -> tuple[Decision, PurchasePrice | None]:
    """The card's discount, unless the goods are special-price (not combined with other offers); then the value of
    any points spent on the same receipt comes off what is paid."""
    if amount_fen <= 0:
        return refuse("purchase_amount_zero", N_("Enter the amount of the purchase.")), None
    discounted = amount_fen if special_price else apply_rate(amount_fen, discount_rate_bp)
    if points_value_fen > discounted:
        return refuse("points_exceed_purchase", N_("The points spent on this receipt are worth %(value)s, more than the "
                                                   "purchase (%(amount)s)."),
                      value=format_yuan(points_value_fen), amount=format_yuan(discounted)), None
    price = PurchasePrice(amount_fen, discounted, not special_price and discounted < amount_fen,
                          points_value_fen, discounted - points_value_fen)
    if special_price:
        return allow("special_price", N_("Special-price goods: no card discount (not combined with other offers) "
                                         "and no points.")), price
    return allow("discount_applied", N_("The card's discount is applied.")), price


def points_earned(paid_fen: int, terms: LoyaltyTerms, *, special_price: bool, birthday_month: bool) -> int:
    """floor(yuan paid × rate), multiplied in the birthday month; nothing on special-price goods. ``paid_fen`` is the
    money paid only: the part paid with points earns nothing."""
    if special_price or paid_fen <= 0:
        return 0
    points = paid_fen * terms.points_per_yuan_milli // (100 * MILLI)
    return points * (terms.birthday_multiplier if birthday_month else 1)


def is_birthday_month(birthday: dt.date | None, on: dt.date) -> bool:
    return birthday is not None and birthday.month == on.month


def points_expiry(issued_on: dt.date, earned_on: dt.date, valid_months: int) -> dt.date:
    """Points expire at the end of the card year (``valid_months`` long, counted from the card's issue) in which they
    were earned: a card issued 2013-06-10 has its first year's points expire on 2014-06-09, its second's on
    2015-06-09."""
    periods = 1
    while add_months(issued_on, valid_months * periods) <= earned_on:
        periods += 1
    return add_months(issued_on, valid_months * periods) - dt.timedelta(days=1)


def balance(lots: Iterable[Lot], on: dt.date) -> int:
    return sum(lot.remaining for lot in lots if lot.expires_on >= on)


def spend(lots: Sequence[Lot], points: int, on: dt.date) -> tuple[Decision, list[tuple[int, int]]]:
    """Take ``points`` from the lots that have not expired, the one expiring first first (then the older lot):
    (lot id, points taken) pairs."""
    if points <= 0:
        return refuse("points_not_positive", N_("Enter the number of points to spend.")), []
    usable = sorted((lot for lot in lots if lot.expires_on >= on and lot.remaining > 0),
                    key=lambda lot: (lot.expires_on, lot.id))
    available = sum(lot.remaining for lot in usable)
    if points > available:
        return refuse("not_enough_points", N_("The card has %(balance)s points; %(points)s cannot be spent."),
                      balance=available, points=points), []
    taken: list[tuple[int, int]] = []
    left = points
    for lot in usable:
        if left == 0:
            break
        take = min(lot.remaining, left)
        taken.append((lot.id, take))
        left -= take
    return allow("points_spent", N_("%(points)s points spent."), points=points), taken


def points_value(points: int, terms: LoyaltyTerms) -> int:
    return points * terms.point_value_fen


def check_qualifying(purchases: Iterable[tuple[dt.date, int]], on: dt.date, qualifying_spend_fen: int | None,
                     *, today_fen: int = 0) -> Decision:
    """One purchase reaching the tier's qualifying spend, or the purchases of the year up to ``on`` together
    (``today_fen``: a purchase at the till not recorded yet)."""
    if qualifying_spend_fen is None:
        return refuse("no_qualifying_spend", N_("This tier has no qualifying spend."))
    since = add_months(on, -12) + dt.timedelta(days=1)
    year = [amount for day, amount in purchases if since <= day <= on] + ([today_fen] if today_fen else [])
    largest, total = max(year, default=0), sum(year)
    if largest >= qualifying_spend_fen:
        return allow("qualifies_by_purchase", N_("This customer qualifies: one purchase of %(amount)s reaches %(spend)s."),
                     amount=format_yuan(largest), spend=format_yuan(qualifying_spend_fen))
    if total >= qualifying_spend_fen:
        return allow("qualifies_by_year", N_("This customer qualifies: purchases of %(total)s since %(since)s reach "
                                             "%(spend)s."), total=format_yuan(total), since=since,
                     spend=format_yuan(qualifying_spend_fen))
    return refuse("not_qualified", N_("Purchases of %(total)s since %(since)s; %(missing)s more to reach %(spend)s."),
                  total=format_yuan(total), since=since, missing=format_yuan(qualifying_spend_fen - total),
                  spend=format_yuan(qualifying_spend_fen))
