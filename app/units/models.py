from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column
from ..rules.units import PublishedDiscountTerms, UnitStatus, UnitUse


class Unit(db.Model):
    """One unit of the inventory, sold at most once (a redemption locks this row to sell it)."""

    __tablename__ = "units"
    audit_type = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    code: Mapped[str] = mapped_column(String(40))  # 房号 as the sales centre writes it, e.g. 3-1-1201
    building: Mapped[str] = mapped_column(String(20))  # 楼栋
    unit_no: Mapped[str] = mapped_column(String(20))  # 单元 (API: "unit")
    floor: Mapped[int] = mapped_column(Integer)  # negative below ground (车位)
    room: Mapped[str] = mapped_column(String(20))
    use: Mapped[UnitUse] = mapped_column(enum_column(UnitUse, "unit_use", 12))
    area_dm2: Mapped[int] = mapped_column(Integer)  # 建筑面积 in hundredths of a square metre
    list_price_fen: Mapped[int] = mapped_column(BigInteger)  # 表价 (total)
    status: Mapped[UnitStatus] = mapped_column(enum_column(UnitStatus, "unit_status", 12))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    program = relationship("Program")

    __table_args__ = (
        UniqueConstraint("program_id", "code", name="uq_units_program_code"),
        Index("ix_units_program_status", "program_id", "status"),
        CheckConstraint("area_dm2 > 0", name="area_positive"),
        CheckConstraint("list_price_fen > 0", name="price_positive"),
    )

    @property
    def unit_price_fen(self) -> int:
        """单价: list price per square metre, to the fen."""
        return (self.list_price_fen * 100 * 2 + self.area_dm2) // (2 * self.area_dm2)


class PublishedDiscount(db.Model):
    """A discount the sales centre publishes for a period (e.g. 一次性付款 98折), applied before the card's own."""

    __tablename__ = "published_discounts"
    audit_type = "published_discount"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    rate_bp: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        UniqueConstraint("program_id", "name", name="uq_published_discounts_name"),
        CheckConstraint("rate_bp > 0 AND rate_bp <= 10000", name="rate_range"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="validity_order"),
    )

    def terms(self) -> PublishedDiscountTerms:
        return PublishedDiscountTerms(self.name, self.rate_bp, self.valid_from, self.valid_until)
