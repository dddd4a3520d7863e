"""Purchases and point spends as the API and the counter's forms speak them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..rules.money import format_discount_rate, format_fen
from ..validation import Flag, Integer, Money, Schema, Text


class PurchaseIn(Schema):
    """A receipt at the till: its amount before the card's discount, whether the goods are special-price."""

    amount_fen: Money = Field(alias="amount", description="The purchase before the card's discount, yuan")
    special_price: Flag = Field(False, description=(
        "Special-price, group or negotiated goods: no card discount (not combined with other offers) and no points"))
    receipt_no: Text(64) = Field(description="The till's receipt number: one purchase per receipt in a programme")


class PointsRedeemIn(Schema):
    """Points taken off the purchase on a receipt, before that purchase is recorded."""

    points: Integer(minimum=1, maximum=100_000_000) = Field(description="Points to spend, oldest first")
    receipt_no: Text(64) = Field(description="The receipt of the purchase the points pay towards")


class CheckoutPoints(Schema):
    """The counter's form: points to spend on the purchase being recorded (none: no spend)."""

    points: Integer(minimum=1, maximum=100_000_000) = None


class QualifyIn(Schema):
    """A customer at the counter: found by mobile or ID number; today's till total counts too."""

    q: Text(40) = Field(description="The customer's mobile or ID number")
    program: Text(32) = Field(description="The retail programme")
    amount_fen: Money = Field(None, alias="amount", description="Today's purchase, not recorded yet, yuan")


class ExpiringIn(Schema):
    program: Text(32) = Field(None, description="Only this programme")
    days: Integer(minimum=1, maximum=366) = Field(31, description="Expiring within this many days from today")


def dump_purchase(p, *, balance: int | None = None, qualifying: Any = None) -> dict[str, Any]:
    out = {
        "id": p.id,
        "card": p.card.number,
        "receipt_no": p.receipt_no,
        "purchased_on": p.purchased_on.isoformat(),
        "amount": format_fen(p.amount_fen),
        "discount_rate": format_discount_rate(p.card.tier.discount_rate_bp),
        "discount_applied": p.discounted_fen < p.amount_fen,
        "discount": format_fen(p.amount_fen - p.discounted_fen),
        "discounted_amount": format_fen(p.discounted_fen),
        "special_price": p.special_price,
        "points_value": format_fen(p.points_value_fen),
        "paid": format_fen(p.paid_fen),
        "points_earned": p.points_earned,
        "birthday_month": p.birthday_month,
        "created_at": p.created_at.isoformat(),
    }
    if balance is not None:
        out["balance"] = balance
    return out


def dump_lot(lot, *, today) -> dict[str, Any]:
    return {"id": lot.id, "points": lot.points, "remaining": lot.remaining, "expired": lot.expired_points,
            "earned_on": lot.earned_on.isoformat(), "expires_on": lot.expires_on.isoformat(),
            "receipt_no": lot.purchase.receipt_no, "usable": lot.remaining > 0 and lot.expires_on >= today}


def dump_spend(spend) -> dict[str, Any]:
    return {"id": spend.id, "receipt_no": spend.receipt_no, "points": spend.points, "value": format_fen(spend.value_fen),
            "lots": [{"lot": part.lot_id, "points": part.points} for part in spend.parts],
            "created_at": spend.created_at.isoformat()}
