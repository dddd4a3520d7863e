"""The inventory and its published discounts: each change one transaction with its audit entry.

Selling and releasing a unit happen inside the purchase and its cancellation (``cards.services.redeem`` and
``cards.lifecycle.approve_annulment``), which call ``for_sale`` and ``release`` here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..audit import actor_id
from ..clock import today, utcnow
from ..documents.sheets import header_map, read_rows
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db, transition
from ..programs.models import Program
from ..rules import N_, Decision, refuse
from ..rules.money import fen_to_decimal, format_fen
from ..rules.units import UnitStatus, check_manual_status, check_published_discount, check_sale, format_area
from .models import PublishedDiscount, Unit
from .schemas import PublishedDiscountIn, UnitFilters, UnitIn, read_unit

MAX_IMPORT_ROWS = 20_000
EXPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "csv": "text/csv; charset=utf-8"}


def get_unit(program: Program, code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.program_id == program.id, Unit.code == code))
    if unit is None:
        raise NotFound(refuse("unit_not_found", N_("No unit has the number %(code)s."), code=code))
    return unit


def has_inventory(program_id: int) -> bool:
    return db.session.scalar(select(Unit.id).where(Unit.program_id == program_id).limit(1)) is not None


def list_units(program: Program, filters: UnitFilters | Mapping[str, Any]) -> tuple[list[Unit], int, int, int]:
    """A page of the inventory by building, unit, floor and room, optionally of one status:
    (units, total, page, per_page)."""
    f = filters if isinstance(filters, UnitFilters) else UnitFilters.read(filters)
    status, page, per_page = f.status, f.page or 1, f.per_page or 100
    query = select(Unit).where(Unit.program_id == program.id)
    if status is not None:
        query = query.where(Unit.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    units = db.session.scalars(query.order_by(Unit.building, Unit.unit_no, Unit.floor.desc(), Unit.room, Unit.id)
                               .offset((page - 1) * per_page).limit(per_page))
    return list(units), total, page, per_page


def available_units(program: Program) -> list[Unit]:
    """What the counter may sell now, for its picker (allowed uses only)."""
    query = select(Unit).where(Unit.program_id == program.id, Unit.status == UnitStatus.AVAILABLE)
    if program.allowed_uses is not None:
        query = query.where(Unit.use.in_(program.allowed_uses))
    return list(db.session.scalars(query.order_by(Unit.building, Unit.unit_no, Unit.floor, Unit.room)))


def _set(unit: Unit, spec: UnitIn) -> dict[str, Any]:
    """Copy a unit's particulars; the change as {field: {from, to}}. A sold unit keeps its area and price."""
    diff = {}
    for name in ("building", "unit_no", "floor", "room", "use", "area_dm2", "list_price_fen"):
        before, after = getattr(unit, name), getattr(spec, name)
        if before != after:
            diff[name] = {"from": getattr(before, "value", before), "to": getattr(after, "value", after)}
            setattr(unit, name, after)
    return diff


def _changes_refused(unit: Unit, spec: UnitIn) -> Decision | None:
    if unit.status is UnitStatus.SOLD and (spec.area_dm2 != unit.area_dm2 or spec.list_price_fen != unit.list_price_fen
                                           or spec.use is not unit.use):
        return refuse("unit_sold", N_("This unit is sold; cancel the purchase to release it."))
    if spec.status is not None and spec.status is not unit.status:
        decision = check_manual_status(unit.status, spec.status)
        if not decision.ok:
            return decision
    return None


def _status(unit: Unit, new: UnitStatus, reason: str | None = None, *, by) -> None:
    if unit.status is not new:
        audit.record("unit.status_changed", unit, {"code": unit.code, "from": unit.status.value, "to": new.value,
                                                   **({"reason": reason} if reason else {})}, actor=by)
        unit.status = new


@transition
def create_unit(program: Program, data: Mapping[str, Any], *, by) -> Unit:
    spec = read_unit(data)
    if spec.status is not None and spec.status is UnitStatus.SOLD:
        raise ValidationFailed({"status": check_manual_status(UnitStatus.AVAILABLE, spec.status)})
    if db.session.scalar(select(Unit.id).where(Unit.program_id == program.id, Unit.code == spec.code)):
        raise ValidationFailed({"code": refuse("unit_code_taken", N_("The programme already has a unit %(code)s."),
                                               code=spec.code)})
    unit = Unit(program=program, code=spec.code, status=spec.status or UnitStatus.AVAILABLE, updated_at=utcnow())
    _set(unit, spec)
    db.session.add(unit)
    db.session.flush()
    audit.record("unit.created", unit, {"code": unit.code, "status": unit.status.value}, actor=by)
    return unit


@transition
def update_unit(unit: Unit, data: Mapping[str, Any], *, by) -> Unit:
    """Change a unit's particulars or set it available, held or withdrawn (never sold: only a purchase sells)."""
    unit = db.session.scalar(select(Unit).where(Unit.id == unit.id).with_for_update()
                             .execution_options(populate_existing=True))
    current = {"code": unit.code, "building": unit.building, "unit": unit.unit_no, "floor": unit.floor,
               "room": unit.room, "use": unit.use.value, "area": format_area(unit.area_dm2),
               "list_price": format_fen(unit.list_price_fen)}
    if "code" in data and data["code"] != unit.code:
        raise ValidationFailed({"code": refuse("unit_code_immutable", N_("A unit's number cannot be changed."))})
    spec = read_unit({**current, **{k: v for k, v in data.items() if k != "code"}, "code": unit.code})
    if problem := _changes_refused(unit, spec):
        raise Conflict(problem)
    diff = _set(unit, spec)
    if diff:
        audit.record("unit.updated", unit, {"code": unit.code, **diff}, actor=by)
    if spec.status is not None:
        _status(unit, spec.status, by=by)
    unit.updated_at = utcnow()
    return unit


def for_sale(card, code: str, *, lock: bool) -> Unit:
    """The unit a card is buying, checked by the rules. With ``lock`` (redeeming) its row stays locked for the rest
    of the transaction and is read again under the lock: of two counters choosing it at once, the second reads it
    sold. Without (the settlement preview) it is only checked."""
    query = select(Unit).where(Unit.program_id == card.program_id, Unit.code == code)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    unit = db.session.scalar(query)
    if unit is None:
        raise ValidationFailed({"unit": refuse("unit_not_found", N_("No unit has the number %(code)s."), code=code)})
    decision = check_sale(unit.status, unit.use, card.program.allowed_uses)
    if not decision.ok:
        raise Conflict(decision, unit_status=unit.status.value)
    return unit


def sale_of(unit: Unit):
    """The purchase that sold this unit (a live redemption), or None."""
    from ..cards.models import Redemption

    return db.session.scalar(select(Redemption).where(Redemption.unit_id == unit.id, Redemption.annulled_at.is_(None)))


def sell(unit: Unit, card_number: str, *, by) -> None:
    audit.record("unit.status_changed", unit, {"code": unit.code, "from": unit.status.value, "to": "sold",
                                               "card": card_number}, actor=by)
    unit.status, unit.updated_at = UnitStatus.SOLD, utcnow()


def release(unit_id: int, card_number: str, *, by) -> Unit:
    """A cancelled purchase puts its unit back on sale (caller's transaction)."""
    unit = db.session.scalar(select(Unit).where(Unit.id == unit_id).with_for_update()
                             .execution_options(populate_existing=True))
    audit.record("unit.status_changed", unit, {"code": unit.code, "from": unit.status.value, "to": "available",
                                               "card": card_number}, actor=by)
    unit.status, unit.updated_at = UnitStatus.AVAILABLE, utcnow()
    return unit


# Published discounts -------------------------------------------------------------------------------------------

def published_discounts(program: Program) -> list[PublishedDiscount]:
    return list(db.session.scalars(select(PublishedDiscount).where(PublishedDiscount.program_id == program.id)
                                   .order_by(PublishedDiscount.valid_from, PublishedDiscount.id)))


def current_discounts(program: Program) -> list[PublishedDiscount]:
    """Those that apply today: what the counter may choose from."""
    day = today()
    return [d for d in published_discounts(program) if check_published_discount(d.terms(), day).ok]


def published_for_sale(program_id: int, name: str) -> PublishedDiscount:
    """The published discount chosen at the counter, refused unless it applies today."""
    discount = db.session.scalar(select(PublishedDiscount).where(PublishedDiscount.program_id == program_id,
                                                                 PublishedDiscount.name == name))
    if discount is None:
        raise ValidationFailed({"published_discount": refuse(
            "published_discount_not_found", N_("No published discount is called %(name)s."), name=name)})
    decision = check_published_discount(discount.terms(), today())
    if not decision.ok:
        raise ValidationFailed({"published_discount": decision})
    return discount


@transition
def create_published_discount(program: Program, data: Mapping[str, Any], *, by) -> PublishedDiscount:
    spec = PublishedDiscountIn.read(data)
    name, rate, valid_from, valid_until = spec.name, spec.rate_bp, spec.valid_from or today(), spec.valid_until
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed({"valid_until": refuse("validity_reversed", N_("The last day cannot come before the first."))})
    if db.session.scalar(select(PublishedDiscount.id).where(PublishedDiscount.program_id == program.id,
                                                            PublishedDiscount.name == name)):
        raise ValidationFailed({"name": refuse("published_discount_taken", N_(
            "A published discount is already called %(name)s."), name=name)})
    discount = PublishedDiscount(program_id=program.id, name=name, rate_bp=rate, valid_from=valid_from,
                                 valid_until=valid_until, created_at=utcnow(), created_by_id=actor_id(by))
    db.session.add(discount)
    db.session.flush()
    audit.record("published_discount.created", discount, {"program": program.code, "name": name, "rate_bp": rate,
                                                          "valid_from": valid_from, "valid_until": valid_until}, actor=by)
    return discount


@transition
def delete_published_discount(program: Program, discount_id: int, *, by) -> None:
    """Purchases keep the name and rate they applied, so taking a discount down changes no record."""
    discount = db.session.get(PublishedDiscount, discount_id)
    if discount is None or discount.program_id != program.id:
        raise NotFound(refuse("published_discount_not_found", N_("No published discount is called %(name)s."),
                              name=discount_id))
    audit.record("published_discount.deleted", discount, {"program": program.code, "name": discount.name,
                                                          "rate_bp": discount.rate_bp}, actor=by)
    db.session.delete(discount)


# The sales control sheet ---------------------------------------------------------------------------------------

@dataclass
class Grid:
    """The inventory as blocks (a building's unit) of floors of rooms, with counts and totals by status."""

    blocks: list[dict[str, Any]] = field(default_factory=list)  # one per building and unit (entrance)
    counts: dict[str, int] = field(default_factory=dict)
    list_totals: dict[str, int] = field(default_factory=dict)
    area_totals: dict[str, int] = field(default_factory=dict)
    sold_fen: int = 0  # what the sold units were sold for (after every discount)
    total: int = 0


def grid(program: Program) -> Grid:
    from ..cards.models import Redemption  # a unit's sale is a redemption

    units = list(db.session.scalars(select(Unit).where(Unit.program_id == program.id)
                                    .order_by(Unit.building, Unit.unit_no, Unit.floor.desc(), Unit.room)))
    result = Grid(counts={s.value: 0 for s in UnitStatus}, list_totals={s.value: 0 for s in UnitStatus},
                  area_totals={s.value: 0 for s in UnitStatus}, total=len(units))
    # One block per building and unit (entrance): its floors as rows, its stacks of rooms as columns.
    blocks: dict[tuple[str, str], dict[int, list[Unit]]] = {}
    for u in units:
        blocks.setdefault((u.building, u.unit_no), {}).setdefault(u.floor, []).append(u)
        result.counts[u.status.value] += 1
        result.list_totals[u.status.value] += u.list_price_fen
        result.area_totals[u.status.value] += u.area_dm2
    for (building, unit_no), floors in blocks.items():
        columns = sorted({u.room[-2:] for units_on_floor in floors.values() for u in units_on_floor})
        rows = []
        for floor in sorted(floors, reverse=True):
            by_column = {u.room[-2:]: u for u in floors[floor]}
            rows.append({"floor": floor, "cells": [by_column.get(c) for c in columns]})
        result.blocks.append({"name": building, "unit": unit_no, "columns": columns, "rows": rows})
    result.sold_fen = db.session.scalar(
        select(func.coalesce(func.sum(Redemption.discounted_fen), 0)).join(Unit, Unit.id == Redemption.unit_id)
        .where(Unit.program_id == program.id, Redemption.annulled_at.is_(None))) or 0
    return result


# Import and export ---------------------------------------------------------------------------------------------

# The headers sales centres use, in Chinese or English, for each field.
HEADERS = {
    "code": ("房号", "房源编号", "房源", "code"),
    "building": ("楼栋", "楼号", "栋", "building"),
    "unit": ("单元", "unit"),
    "floor": ("楼层", "层", "floor"),
    "room": ("室号", "房间号", "室", "room"),
    "use": ("用途", "房屋用途", "use"),
    "area": ("建筑面积", "面积", "建筑面积(㎡)", "建筑面积（㎡）", "area"),
    "list_price": ("表价", "总价", "标准总价", "表价(元)", "表价（元）", "list_price", "price"),
    "status": ("状态", "销售状态", "status"),
}
USE_WORDS = {"住宅": "residential", "住房": "residential", "公寓": "residential", "商铺": "commercial",
             "商业": "commercial", "底商": "commercial", "车位": "parking", "停车位": "parking", "储藏间": "commercial"}
STATUS_WORDS = {"可售": "available", "待售": "available", "保留": "held", "销控": "held", "不售": "withdrawn",
                "撤销": "withdrawn", "已售": "sold"}
EXPORT_HEADERS = ("房号", "楼栋", "单元", "楼层", "室号", "用途", "建筑面积(㎡)", "表价(元)", "单价(元/㎡)", "状态")
USE_LABELS = {"residential": "住宅", "commercial": "商铺", "parking": "车位"}
STATUS_LABELS = {"available": "可售", "held": "保留", "sold": "已售", "withdrawn": "不售"}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False


@transition
def import_units(program: Program, content: bytes, filename: str, *, dry_run: bool, by) -> ImportResult:
    """Add or update units from a sheet, by their 房号. All or nothing: a sheet with any wrong row writes nothing and
    names every wrong row and field. A dry run checks and counts without writing."""
    if not content:
        raise ValidationFailed({"file": refuse("required", N_("This field is required."))})
    rows = read_rows(content, max_rows=MAX_IMPORT_ROWS)
    if not rows:
        raise ValidationFailed({"file": refuse("sheet_empty", N_("The sheet has no rows."))})
    header = header_map(rows[0], HEADERS)
    missing = [k for k in ("building", "floor", "room", "use", "area", "list_price") if k not in header.values()]
    if missing:
        raise ValidationFailed({"file": refuse("sheet_columns_missing", N_(
            "The first row must name the columns; missing: %(columns)s."),
            columns="、".join(HEADERS[k][0] for k in missing))})
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise ValidationFailed({"file": refuse("sheet_too_long", N_("A sheet may hold at most %(n)s units."),
                                               n=MAX_IMPORT_ROWS)})
    result = ImportResult(rows=len(rows) - 1, dry_run=dry_run)
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.program_id == program.id)
                                                      .with_for_update())}
    seen: set[str] = set()
    plans: list[tuple[Unit | None, UnitIn]] = []
    for number, row in enumerate(rows[1:], start=2):
        data = {key: row[i] for i, key in header.items() if i < len(row) and row[i] not in (None, "")}
        if isinstance(data.get("use"), str):
            data["use"] = USE_WORDS.get(data["use"], data["use"])
        if isinstance(data.get("status"), str):
            data["status"] = STATUS_WORDS.get(data["status"], data["status"])
        errors: dict[str, Decision] = {}
        spec = read_unit(data, errors=errors)
        if spec is not None and spec.code in seen:
            errors["code"] = refuse("unit_code_duplicate", N_("The sheet lists %(code)s twice."), code=spec.code)
        elif spec is not None:
            seen.add(spec.code)
            unit = existing.get(spec.code)
            if unit is None and spec.status is UnitStatus.SOLD:
                errors["status"] = check_manual_status(UnitStatus.AVAILABLE, spec.status)
            elif unit is not None and (problem := _changes_refused(unit, spec)):
                errors["code"] = problem
        for name, decision in errors.items():
            result.errors.append({"row": number, "field": name, "code": decision.code, "decision": decision})
        if not errors and spec is not None:
            plans.append((existing.get(spec.code), spec))
    if result.errors:
        db.session.rollback()
        return result
    for unit, spec in plans:
        if unit is None:
            unit = Unit(program=program, code=spec.code, status=spec.status or UnitStatus.AVAILABLE,
                        updated_at=utcnow())
            _set(unit, spec)
            db.session.add(unit)
            result.created += 1
            continue
        diff = _set(unit, spec)
        if spec.status is not None and spec.status is not unit.status:
            diff["status"] = {"from": unit.status.value, "to": spec.status.value}
            if not dry_run:  # every status change is audited, whether by hand or by sheet
                _status(unit, spec.status, reason=f"import {filename[:60]}", by=by)
            unit.status = spec.status
        if diff:
            unit.updated_at = utcnow()
            result.updated += 1
        else:
            result.unchanged += 1
    if dry_run:
        db.session.rollback()
        return result
    db.session.flush()
    audit.record("units.imported", program, {"file": filename[:100], "rows": result.rows, "created": result.created,
                                             "updated": result.updated}, actor=by)
    return result


def export_rows(program: Program) -> list[list[Any]]:
    rows: list[list[Any]] = [list(EXPORT_HEADERS)]
    for u in db.session.scalars(select(Unit).where(Unit.program_id == program.id)
                                .order_by(Unit.building, Unit.unit_no, Unit.floor, Unit.room)):
        rows.append([u.code, u.building, u.unit_no, u.floor, u.room, USE_LABELS[u.use.value],
                     Decimal(format_area(u.area_dm2)), fen_to_decimal(u.list_price_fen), fen_to_decimal(u.unit_price_fen),
                     STATUS_LABELS[u.status.value]])
    return rows


def export_units(program: Program, fmt: str) -> bytes:
    """The sales control sheet as XLSX (numbers as numbers) or CSV (UTF-8 with BOM, so Excel reads Chinese)."""
    rows = export_rows(program)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "销控表"
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJ", (14, 8, 6, 6, 8, 6, 12, 14, 12, 6), strict=False):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
