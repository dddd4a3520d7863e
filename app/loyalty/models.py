"""Retail loyalty: purchases recorded at the till, the points they earn as lots with an expiry day, and what each
spend took from which lot (DESIGN §14)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime


class Purchase(db.Model):
    """One receipt at the till on a retail card: the price, the card's discount (unless special-price goods), the part
    paid with points, and the points it earned."""

    __tablename__ = "purchases"
    audit_type = "purchase"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(64))
    purchased_on: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # before the discount
    discounted_fen: Mapped[int] = mapped_column(BigInteger)  # after it (the same for special-price goods)
    special_price: Mapped[bool] = mapped_column(Boolean, default=False)
    points_value_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # paid with points spent on this receipt
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    birthday_month: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    card = relationship("Card")
    created_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("program_id", "receipt_no", name="uq_purchases_program_receipt"),
        CheckConstraint("amount_fen > 0 AND discounted_fen >= 0 AND discounted_fen <= amount_fen", name="amounts"),
        CheckConstraint("points_value_fen >= 0 AND points_value_fen <= discounted_fen", name="points_value_within"),
        CheckConstraint("points_earned >= 0", name="points_not_negative"),
        CheckConstraint("NOT special_price OR (points_earned = 0 AND discounted_fen = amount_fen)",
                        name="special_price_plain"),
        Index("ix_purchases_card_day", "card_id", "purchased_on"),
    )

    @property
    def paid_fen(self) -> int:
        return self.discounted_fen - self.points_value_fen


class PointLot(db.Model):
    """The points one purchase earned: spent oldest first, what is left expires after ``expires_on``."""

    __tablename__ = "point_lots"
    audit_type = "point_lot"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), unique=True)
    points: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    expired_points: Mapped[int] = mapped_column(Integer, default=0)
    earned_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)  # the last day the points can be spent

    purchase = relationship("Purchase")

    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("remaining >= 0 AND expired_points >= 0 AND remaining + expired_points <= points",
                        name="remaining_within"),
        CheckConstraint("expires_on >= earned_on", name="expiry_order"),
    )


class PointSpend(db.Model):
    """Points taken off a purchase (named by its receipt, recorded before the purchase itself)."""

    __tablename__ = "point_spends"
    audit_type = "point_spend"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    parts: Mapped[list[PointSpendPart]] = relationship(back_populates="spend", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("program_id", "receipt_no", name="uq_point_spends_program_receipt"),
        CheckConstraint("points > 0 AND value_fen >= 0", name="points_positive"),
    )


class PointSpendPart(db.Model):
    """How many points a spend took from one lot."""

    __tablename__ = "point_spend_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    spend_id: Mapped[int] = mapped_column(ForeignKey("point_spends.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("point_lots.id"), index=True)
    points: Mapped[int] = mapped_column(Integer)

    spend: Mapped[PointSpend] = relationship(back_populates="parts")

    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),)
