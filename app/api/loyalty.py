"""Retail purchases and points (DESIGN §10.1, §14)."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext
from flask_login import current_user
from pydantic import Field

from ..clock import today
from ..loyalty import services
from ..loyalty.schemas import ExpiringIn, PointsRedeemIn, PurchaseIn, QualifyIn, dump_lot, dump_purchase, dump_spend
from ..rules.identity import mask_name
from ..rules.money import format_fen
from . import body, bp, query, require
from .responses import CardNumber, Date, DateTime, Money, Shape
from .spec import operation


class PurchaseOut(Shape):
    """A purchase recorded: the discount applied, the points it earned, and the card's balance after it."""

    id: int
    card: CardNumber
    receipt_no: str
    purchased_on: Date
    amount: Money = Field(description="Before the card's discount")
    discount_rate: str = Field(description="The tier's rate, e.g. 0.86 (8.6折)")
    discount_applied: bool = Field(description="False for special-price goods (not combined with other offers)")
    discount: Money = Field(description="What the discount took off")
    discounted_amount: Money
    special_price: bool
    points_value: Money = Field(description="Paid with points spent on this receipt (POST …/points/redeem first)")
    paid: Money = Field(description="Paid with money: what earns points")
    points_earned: int = Field(description="floor(yuan paid × points_per_yuan), × birthday_multiplier in the birthday "
                                           "month; 0 on special-price goods")
    birthday_month: bool
    created_at: DateTime
    balance: int = Field(description="The card's points after this purchase")


class LotOut(Shape):
    id: int
    points: int = Field(description="Earned")
    remaining: int = Field(description="Not yet spent or expired")
    expired: int
    earned_on: Date
    expires_on: Date = Field(description="The last day its points can be spent")
    receipt_no: str = Field(description="The purchase that earned it")
    usable: bool


class PointsOut(Shape):
    """A card's points: the balance, and each lot with its expiry day, the one expiring first first."""

    card: CardNumber
    balance: int
    point_value: Money = Field(description="What one point takes off a purchase")
    balance_value: Money
    earned: int
    spent: int
    expired: int
    lots: list[LotOut]


class SpendPart(Shape):
    lot: int
    points: int


class PointsSpent(Shape):
    """Points spent on a receipt: the value taken off that purchase, and which lots they came from."""

    id: int
    card: CardNumber
    receipt_no: str
    points: int
    value: Money = Field(description="Taken off the purchase on this receipt")
    lots: list[SpendPart]
    created_at: DateTime
    balance: int


class ExpiringLot(Shape):
    card: CardNumber
    holder: str = Field(description="The holder's name, masked")
    program: str
    points: int = Field(description="Points that will expire")
    expires_on: Date


class ExpiringOut(Shape):
    """Points with a month or less to go: whom to remind."""

    items: list[ExpiringLot]


class QualifyOut(Shape):
    """Whether a customer qualifies for the programme's card by spend."""

    qualifies: bool
    code: str
    message: str
    member_id: int | None = Field(description="The customer, if registered")
    holder: str | None = Field(description="The customer's name, masked")
    card: CardNumber | None = Field(description="A card of this programme the customer already holds")


@bp.post("/cards/<number>/purchases")
@operation({201: PurchaseOut}, body=PurchaseIn, errors=(404, 409))
def record_purchase(number: str):
    """Record a purchase on a retail card: the card's discount unless special-price, points earned on the money paid"""
    require("loyalty.record")
    card = services.retail_card(number)
    purchase = services.record_purchase(card.id, body(PurchaseIn), by=current_user)
    response = jsonify(dump_purchase(purchase, balance=services.balance_of(purchase.card)))
    response.status_code = 201
    return response


@bp.get("/cards/<number>/points")
@operation({200: PointsOut}, errors=(404, 409))
def points(number: str):
    """A card's points balance and its lots, each with its expiry day"""
    require("card.view")
    card = services.retail_card(number)
    totals = services.totals(card)
    value = card.program.point_value_fen
    return jsonify({"card": card.number, "balance": totals["balance"], "point_value": format_fen(value),
                    "balance_value": format_fen(totals["balance"] * value), "earned": totals["earned"],
                    "spent": totals["spent"], "expired": totals["expired"],
                    "lots": [dump_lot(lot, today=today()) for lot in services.lots_of(card)]})


@bp.post("/cards/<number>/points/redeem")
@operation({201: PointsSpent}, body=PointsRedeemIn, errors=(404, 409))
def redeem_points(number: str):
    """Spend points on a receipt, oldest first: the value comes off that purchase, to be recorded next"""
    require("loyalty.record")
    card = services.retail_card(number)
    spend = services.redeem_points(card.id, body(PointsRedeemIn), by=current_user)
    response = jsonify(dump_spend(spend) | {"card": card.number, "balance": services.balance_of(card)})
    response.status_code = 201
    return response


@bp.get("/points/expiring")
@operation({200: ExpiringOut}, query=ExpiringIn, errors=(404,))
def expiring_points():
    """Points that expire within a month (or ?days=): the reminder list"""
    require("loyalty.expiring")
    spec = query(ExpiringIn)
    rows = services.expiring_points(program_code=spec.program, within_days=spec.days)
    return jsonify({"items": [{"card": row.card.number, "holder": mask_name(row.card.member.name),
                               "program": row.card.program.code, "points": row.lot.remaining,
                               "expires_on": row.lot.expires_on.isoformat()} for row in rows]})


@bp.get("/loyalty/qualifying")
@operation({200: QualifyOut}, query=QualifyIn, errors=(404, 409))
def qualifying():
    """Whether a customer, found by mobile or ID number, qualifies for a retail programme's card by spend"""
    require("loyalty.record")
    spec = query(QualifyIn)
    found = services.qualifying(spec.program, spec.q, today_fen=spec.amount_fen or 0)
    d = found.decision
    return jsonify({"qualifies": d.ok, "code": d.code, "message": d.sentence(gettext),
                    "member_id": found.member.id if found.member else None,
                    "holder": mask_name(found.member.name) if found.member else None,
                    "card": found.holding.number if found.holding else None})
