"""Units and published discounts as the API, the forms and the import sheets speak them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..rules import N_, refuse
from ..rules.money import format_discount_rate, format_fen
from ..rules.units import UnitStatus, UnitUse, format_area
from ..validation import FieldReader

UNIT_FIELDS = ("code", "building", "unit", "floor", "room", "use", "area", "list_price", "status")
DISCOUNT_FIELDS = ("name", "rate", "valid_from", "valid_until")
CODE_PATTERN = r"[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_\-# ]{0,39}"


@dataclass
class UnitInput:
    code: str
    building: str
    unit_no: str
    floor: int
    room: str
    use: UnitUse
    area_dm2: int
    list_price_fen: int
    status: UnitStatus | None


def read_unit(data: Mapping[str, Any], *, prefix: str = "", errors: dict | None = None) -> UnitInput | None:
    """Validate one unit; the code defaults to 楼栋-单元-室号 as sales centres write it. Returns None on errors
    (collected in ``errors`` when given, else raised)."""
    r = FieldReader(data, prefix=prefix, errors=errors)
    building = r.text("building", required=True, max_length=20)
    unit_no = r.text("unit", max_length=20) or ""
    floor = r.integer("floor", required=True, minimum=-20, maximum=300)
    room = r.text("room", required=True, max_length=20)
    code = r.text("code", max_length=40, pattern=CODE_PATTERN,
                  pattern_message=N_("Letters, digits, Chinese characters, '-' or '#', up to 40."))
    if code is None and building and room and r.name("code") not in r.errors:
        code = "-".join(p for p in (building, unit_no, room) if p)
    use = r.choice("use", UnitUse, required=True)
    area = r.area("area", required=True)
    price = r.amount("list_price", required=True)
    if price == 0:
        r.fail("list_price", refuse("price_invalid", N_("Enter the price of the purchase; it must be more than zero.")))
    status = r.choice("status", UnitStatus)
    if errors is None:
        r.raise_if_errors()
    if None in (code, building, floor, room, use, area, price) or price == 0:
        return None
    return UnitInput(code, building, unit_no, floor, room, use, area, price, status)  # type: ignore[arg-type]


def dump_unit(u: Any) -> dict[str, Any]:
    return {"id": u.id, "code": u.code, "building": u.building, "unit": u.unit_no, "floor": u.floor, "room": u.room,
            "use": u.use.value, "area": format_area(u.area_dm2), "list_price": format_fen(u.list_price_fen),
            "unit_price": format_fen(u.unit_price_fen), "status": u.status.value,
            "updated_at": u.updated_at.isoformat()}


def dump_published_discount(d: Any) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "rate": format_discount_rate(d.rate_bp),
            "valid_from": d.valid_from.isoformat(), "valid_until": d.valid_until.isoformat() if d.valid_until else None}
