"""Units and published discounts as the API, the forms and the import sheets speak them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from ..errors import ValidationFailed
from ..rules import N_, Decision, refuse
from ..rules.money import format_discount_rate, format_fen
from ..rules.units import UnitStatus, UnitUse, format_area
from ..validation import (
    Area,
    Choice,
    Day,
    DiscountRate,
    Flag,
    Integer,
    Money,
    Schema,
    Text,
    Upload,
    documented_required,
    partial,
)

CODE_PATTERN = r"[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_\-# ]{0,39}"


class UnitIn(Schema):
    """A unit of the inventory. On an edit (PATCH) the fields sent replace the unit's; the code never changes."""

    code: Text(40, pattern=CODE_PATTERN, pattern_message=N_("Letters, digits, Chinese characters, '-' or '#', up to 40.")) = \
        Field(None, description="Defaults to building-unit-room, e.g. 3-1-1201")
    building: Text(20)
    unit_no: Text(20) = Field("", alias="unit", description="单元; may be left out")
    floor: Integer(minimum=-20, maximum=300)
    room: Text(20)
    use: Choice(UnitUse)
    area_dm2: Area = Field(alias="area", description="建筑面积, m², at most two decimals")
    list_price_fen: Money = Field(alias="list_price")
    status: Choice(UnitStatus) = Field(None, description="available, held or withdrawn (sold only by a purchase)")

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        if self.list_price_fen == 0:
            return {"list_price": refuse("price_invalid", N_("Enter the price of the purchase; it must be more than zero."))}
        return {}

    @model_validator(mode="after")
    def _code(self) -> UnitIn:
        if self.code is None and self.building and self.room:
            self.code = "-".join(p for p in (self.building, self.unit_no or "", self.room) if p)
        self.unit_no = self.unit_no or ""
        return self


UnitPatch = partial(UnitIn)


class UnitImportUpload(Schema):
    model_config = ConfigDict(json_schema_extra=documented_required("file"))

    file: Upload = Field(None, description="XLSX or CSV, one unit a row, Chinese or English headers")
    dry_run: Flag = Field(None, description="Check every row and import nothing")


class UnitFilters(Schema):
    status: Choice(UnitStatus) = None
    page: Integer(minimum=1, maximum=100_000) = None
    per_page: Integer(minimum=1, maximum=500) = Field(None, description="100 unless given")


class PublishedDiscountIn(Schema):
    """A discount published for everyone, e.g. 一次性付款 at 0.98; applied before the card's own."""

    name: Text(40)
    rate_bp: DiscountRate = Field(alias="rate")
    valid_from: Day = Field(None, description="Today unless given")
    valid_until: Day = None

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            return {"valid_until": refuse("validity_reversed", N_("The last day cannot come before the first."))}
        return {}


def read_unit(data: Mapping[str, Any], *, prefix: str = "", errors: dict | None = None) -> UnitIn | None:
    """Validate one unit; the code defaults to 楼栋-单元-室号 as sales centres write it. With ``errors`` (an import)
    wrong fields are collected there under ``prefix`` and None is returned; without, they are raised."""
    try:
        return UnitIn.read(data)
    except ValidationFailed as failed:
        if errors is None:
            raise
        for name, decision in failed.fields.items():
            errors.setdefault(prefix + name, decision)
        return None


def dump_unit(u: Any) -> dict[str, Any]:
    return {"id": u.id, "code": u.code, "building": u.building, "unit": u.unit_no, "floor": u.floor, "room": u.room,
            "use": u.use.value, "area": format_area(u.area_dm2), "list_price": format_fen(u.list_price_fen),
            "unit_price": format_fen(u.unit_price_fen), "status": u.status.value,
            "updated_at": u.updated_at.isoformat()}


def dump_published_discount(d: Any) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "rate": format_discount_rate(d.rate_bp),
            "valid_from": d.valid_from.isoformat(), "valid_until": d.valid_until.isoformat() if d.valid_until else None}
