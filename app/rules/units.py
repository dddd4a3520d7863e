"""Units on the sales control sheet (销控表) and the 认购书: which unit a card may buy, which published discount
holds on a day, the price after each discount, and how much of the deposit may count as 定金."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .decision import N_, Decision, allow, refuse
from .money import apply_rate, as_decimal

MAX_AREA_DM2 = 10_000_000  # 100,000 m²: beyond any one unit

DEFAULT_CONTRACT_SIGN_DAYS = 7  # 网签 within a week of the 认购书 unless the programme says otherwise


class UnitUse(str, Enum):
    RESIDENTIAL = "residential"  # 住宅
    COMMERCIAL = "commercial"  # 商铺
    PARKING = "parking"  # 车位


class UnitStatus(str, Enum):
    AVAILABLE = "available"  # 可售
    HELD = "held"  # 保留: kept off the counter by a manager
    SOLD = "sold"  # 已售: only a redemption sells, only an annulment releases
    WITHDRAWN = "withdrawn"  # 不售/撤销


def uses_text(uses: frozenset[UnitUse] | None) -> str | None:
    """A set of uses as stored: the values in the enum's order, comma-separated; None for any use."""
    if not uses or set(uses) == set(UnitUse):
        return None
    return ",".join(u.value for u in UnitUse if u in uses)


def uses_from_text(text: str | None) -> frozenset[UnitUse] | None:
    return frozenset(UnitUse(v) for v in text.split(",")) if text else None


# Every stored value the database accepts: each non-empty proper subset, in canonical order.
USE_SETS = tuple(uses_text(frozenset(u for i, u in enumerate(UnitUse) if mask >> i & 1))
                 for mask in range(1, 2 ** len(UnitUse) - 1))


def parse_area(value) -> tuple[Decision, int | None]:
    """建筑面积 in square metres ("89.56", 89.56) into hundredths of a square metre."""
    number = as_decimal(value)
    if number is None or number <= 0:
        return refuse("area_invalid", N_("Enter the floor area in square metres, such as 89.56.")), None
    if number * 100 > MAX_AREA_DM2 or number != round(number, 2):
        return refuse("area_invalid", N_("Enter the floor area in square metres, such as 89.56.")), None
    return allow("area_ok", N_("Area accepted.")), int(number * 100)


def format_area(dm2: int) -> str:
    return f"{dm2 // 100}.{dm2 % 100:02d}"


# What a manager may set by hand; ``sold`` comes and goes only with a purchase.
MANUAL_STATUSES = (UnitStatus.AVAILABLE, UnitStatus.HELD, UnitStatus.WITHDRAWN)

# 民法典 第586条: 定金 may not exceed 20% of the contract's price; any excess is not 定金 (it is an advance payment).
EARNEST_CAP_BP = 2_000


def check_sale(status: UnitStatus, use: UnitUse, allowed_uses: frozenset[UnitUse] | None) -> Decision:
    """May a card buy this unit now? ``allowed_uses`` None means any use."""
    if status is UnitStatus.SOLD:
        return refuse("unit_sold", N_("This unit is already sold. Choose another one."))
    if status is UnitStatus.HELD:
        return refuse("unit_held", N_("This unit is held by the sales office and not for sale at the counter."))
    if status is UnitStatus.WITHDRAWN:
        return refuse("unit_withdrawn", N_("This unit has been withdrawn from sale."))
    if allowed_uses is not None and use not in allowed_uses:
        return refuse("unit_use_not_allowed", N_(
            "The programme's cards may not buy this kind of unit (for example, a card for homes cannot buy a parking "
            "space)."))
    return allow("unit_available", N_("The unit is available."))


def check_manual_status(current: UnitStatus, new: UnitStatus) -> Decision:
    """Managers hold, release and withdraw units; selling and releasing a sold unit go through the purchase."""
    if new not in MANUAL_STATUSES:
        return refuse("unit_status_by_purchase", N_("A unit becomes sold only by a purchase at the counter."))
    if current is UnitStatus.SOLD:
        return refuse("unit_sold", N_("This unit is sold; cancel the purchase to release it."))
    return allow("unit_status_changed", N_("The unit's status was changed."))


@dataclass(frozen=True)
class PublishedDiscountTerms:
    name: str
    rate_bp: int  # 9800 = 98折
    valid_from: dt.date
    valid_until: dt.date | None


def check_published_discount(discount: PublishedDiscountTerms, day: dt.date) -> Decision:
    if day < discount.valid_from:
        return refuse("published_discount_not_yet", N_("The published discount %(name)s applies from %(day)s."),
                      name=discount.name, day=discount.valid_from)
    if discount.valid_until is not None and day > discount.valid_until:
        return refuse("published_discount_ended", N_("The published discount %(name)s ended on %(day)s."),
                      name=discount.name, day=discount.valid_until)
    return allow("published_discount_valid", N_("The published discount applies today."))


@dataclass(frozen=True)
class PriceStep:
    name: str  # the published discount's name, or the card's tier
    source: str  # "published" or "card"
    rate_bp: int
    before_fen: int
    after_fen: int


def apply_published(list_price_fen: int, discounts: list[PublishedDiscountTerms]) -> tuple[int, list[PriceStep]]:
    """The day's price: the published discounts one after another, each rounded half up to the fen (DESIGN §3).
    The card's entitlement is applied afterwards, to this price, as the pre-sale agreements state."""
    price, steps = list_price_fen, []
    for d in discounts:
        after = apply_rate(price, d.rate_bp)
        steps.append(PriceStep(d.name, "published", d.rate_bp, price, after))
        price = after
    return price, steps


def earnest_money(deposit_applied_fen: int, final_price_fen: int) -> tuple[int, int]:
    """The deposit turned into 定金 at subscription, and what of it counts as advance payment instead."""
    cap = final_price_fen * EARNEST_CAP_BP // 10_000
    earnest = min(deposit_applied_fen, cap)
    return earnest, deposit_applied_fen - earnest


def contract_deadline(subscribed_on: dt.date, days: int) -> dt.date:
    """The last day to sign the sales contract (网签), counted from the day of the 认购书."""
    return subscribed_on + dt.timedelta(days=days)
