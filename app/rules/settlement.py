"""Settlement at redemption: what the member pays for a unit or purchase."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .decision import N_, Decision, allow, refuse
from .money import apply_rate
from .terms import ProgramKind, TierTerms
from .units import PriceStep, PublishedDiscountTerms, apply_published


@dataclass(frozen=True)
class Settlement:
    price_fen: int
    discounted_fen: int  # price × rate, half up to the fen
    offset_fen: int  # credit when there is one, else the deposit
    payable_fen: int  # never negative
    deposit_applied_fen: int  # the member's money used towards the price
    deposit_remaining_fen: int  # stays held and refundable
    credit_used_fen: int  # price reduction beyond the deposit; never cash
    credit_lapsed_fen: int  # unused reduction, gone


def settle(price_fen: int, tier: TierTerms, *, deposit_fen: int | None = None) -> tuple[Decision, Settlement | None]:
    """Apply DESIGN §3: payable = max(P × r − offset, 0), offset = C if C > 0 else D.

    ``deposit_fen`` is the money actually held (defaults to the tier amount). The deposit is
    applied before the extra credit: the agreement says the deposit counts towards the purchase,
    and only what the price leaves of it stays refundable. A value-add credit stands only while the
    whole deposit does: with less held, settlement uses the money actually held and no credit.
    """
    if price_fen <= 0:
        return refuse("price_invalid", N_("Enter the price of the purchase; it must be more than zero.")), None
    deposit = tier.amount_fen if deposit_fen is None else deposit_fen
    credit = tier.credit_fen if deposit >= tier.amount_fen else 0
    if credit and credit < tier.amount_fen:
        return refuse("credit_below_deposit", N_("A credit must be at least the deposit it includes.")), None
    discounted = apply_rate(price_fen, tier.discount_rate_bp)
    offset = credit if credit > 0 else deposit
    payable = max(discounted - offset, 0)
    applied = min(deposit, discounted)
    extra_credit = credit - tier.amount_fen if credit > 0 else 0
    credit_used = min(extra_credit, discounted - applied)
    return allow("settled", N_("Settlement computed.")), Settlement(
        price_fen=price_fen,
        discounted_fen=discounted,
        offset_fen=offset,
        payable_fen=payable,
        deposit_applied_fen=applied,
        deposit_remaining_fen=deposit - applied,
        credit_used_fen=credit_used,
        credit_lapsed_fen=extra_credit - credit_used,
    )


def check_redeemable_kind(kind: ProgramKind) -> Decision:
    """A retail card is used for purchases at the till (app/rules/loyalty.py), never redeemed for a unit."""
    if kind is ProgramKind.RETAIL:
        return refuse("retail_not_redeemable", N_("A retail VIP card buys no unit: record a purchase on it instead, "
                                                  "which applies its discount and earns points."))
    return allow("redeemable_kind", N_("Cards of this kind are redeemed."))


def settle_card(kind: ProgramKind, price_fen: int, tier: TierTerms, *, held_fen: int) -> tuple[Decision, Settlement | None]:
    """Pre-sale cards offset the deposit actually held (or their credit); a membership fee buys the
    discount only and is never set against a price."""
    redeemable = check_redeemable_kind(kind)
    if not redeemable.ok:
        return redeemable, None
    if kind is ProgramKind.PAID_MEMBERSHIP:
        return settle(price_fen, dataclasses.replace(tier, amount_fen=0, credit_fen=0), deposit_fen=0)
    return settle(price_fen, tier, deposit_fen=held_fen)


@dataclass(frozen=True)
class PricedSettlement:
    """A settlement from the list price: the published discounts, then the card's entitlement, each step shown."""

    list_price_fen: int
    steps: tuple[PriceStep, ...]
    settlement: Settlement


def settle_from_list_price(kind: ProgramKind, list_price_fen: int, published: list[PublishedDiscountTerms],
                           tier: TierTerms, tier_name: str, *, held_fen: int
                           ) -> tuple[Decision, PricedSettlement | None]:
    """The day's published discounts make the price; the card's entitlement applies to that price (the pre-sale
    agreements grant their discount on the price published on the day), and then the deposit or credit offsets."""
    price, steps = apply_published(list_price_fen, published)
    decision, settlement = settle_card(kind, price, tier, held_fen=held_fen)
    if settlement is None:
        return decision, None
    if tier.discount_rate_bp < 10_000:
        steps.append(PriceStep(tier_name, "card", tier.discount_rate_bp, price, settlement.discounted_fen))
    return decision, PricedSettlement(list_price_fen, tuple(steps), settlement)
