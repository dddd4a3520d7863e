"""The inventory and published discounts of a programme (DESIGN §10.2)."""

from __future__ import annotations

from flask import current_app, jsonify, url_for
from flask_login import current_user

from ..i18n import say
from ..programs.services import get_program
from ..rules.money import format_fen
from ..units import services
from ..units.schemas import (
    PublishedDiscountIn,
    UnitFilters,
    UnitImportUpload,
    UnitIn,
    UnitPatch,
    dump_published_discount,
    dump_unit,
)
from . import body, bp, query, require, upload
from .responses import (
    PublishedDiscount,
    PublishedDiscounts,
    SalesControl,
    Unit,
    UnitImport,
    UnitImportRefused,
    UnitPage,
)
from .spec import operation


@bp.get("/programs/<code>/units")
@operation({200: UnitPage}, query=UnitFilters)
def list_units(code: str):
    """A page of the inventory by building, unit, floor and room"""
    require("program.view")
    program = get_program(code)
    units, total, page, per_page = services.list_units(program, query(UnitFilters))
    return jsonify({"items": [dump_unit(u) for u in units], "total": total, "page": page, "per_page": per_page})


@bp.post("/programs/<code>/units")
@operation({201: Unit}, body=UnitIn, errors=(409,))
def create_unit(code: str):
    """Admin: add a unit (its code defaults to building-unit-room)"""
    require("program.manage")
    unit = services.create_unit(get_program(code), body(UnitIn), by=current_user)
    response = jsonify(dump_unit(unit))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_unit", code=unit.program.code, unit_code=unit.code)
    return response


@bp.get("/programs/<code>/units/<unit_code>")
@operation({200: Unit})
def get_unit(code: str, unit_code: str):
    """One unit"""
    require("program.view")
    return jsonify(dump_unit(services.get_unit(get_program(code), unit_code)))


@bp.patch("/programs/<code>/units/<unit_code>")
@operation({200: Unit}, body=UnitPatch, errors=(409,))
def update_unit(code: str, unit_code: str):
    """Admin: change particulars, or the status to available, held or withdrawn

    Sold only by a purchase; a sold unit keeps its area, use and price."""
    require("program.manage")
    unit = services.get_unit(get_program(code), unit_code)
    return jsonify(dump_unit(services.update_unit(unit, body(UnitPatch), by=current_user)))


def dump_import(result) -> dict:
    return {"status": "failed" if result.errors else "done", "dry_run": result.dry_run, "rows": result.rows,
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "errors": [{"row": e["row"], "field": e["field"], "code": e["code"], "message": say(e["decision"])}
                       for e in result.errors]}


@bp.post("/programs/<code>/units/import")
@operation({200: UnitImport, 201: UnitImport, 422: UnitImportRefused}, multipart=UnitImportUpload, describe={
    200: "Dry run: what would be imported", 201: "Imported", 422: "Nothing imported: every wrong row named"})
def import_units(code: str):
    """Admin: import the inventory from XLSX or CSV (Chinese or English headers); all rows or none"""
    require("program.manage")
    program = get_program(code)
    sent = upload(UnitImportUpload)
    content, filename = (sent.file.read(), sent.file.filename or "") if sent.file else (b"", "")
    dry_run = bool(sent.dry_run)
    result = services.import_units(program, content, filename, dry_run=dry_run, by=current_user)
    response = jsonify(dump_import(result))
    response.status_code = 422 if result.errors else (200 if dry_run else 201)
    return response


@bp.get("/programs/<code>/units.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/programs/<code>/units.csv", defaults={"fmt": "csv"})
@operation({200: (services.EXPORT_TYPES["xlsx"], "text/csv")}, describe={200: "XLSX or CSV (UTF-8 with BOM), Chinese headers"})
def export_units(code: str, fmt: str):
    """The sales control sheet as Excel or CSV"""
    require("program.view")
    program = get_program(code)
    return current_app.response_class(services.export_units(program, fmt), mimetype=services.EXPORT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="units-{program.code}.{fmt}"'})


@bp.get("/programs/<code>/sales-control")
@operation({200: SalesControl})
def sales_control(code: str):
    """The sales control sheet's figures: counts and list-price totals by status, the sold value, each unit's status"""
    require("program.view")
    grid = services.grid(get_program(code))
    return jsonify({"total": grid.total, "counts": grid.counts,
                    "list_price_totals": {k: format_fen(v) for k, v in grid.list_totals.items()},
                    "sold_value": format_fen(grid.sold_fen),
                    "units": {u.code: u.status.value for b in grid.blocks for row in b["rows"]
                              for u in row["cells"] if u is not None}})


@bp.get("/programs/<code>/published-discounts")
@operation({200: PublishedDiscounts})
def list_published_discounts(code: str):
    """The programme's published discounts"""
    require("program.view")
    program = get_program(code)
    return jsonify({"published_discounts": [dump_published_discount(d) for d in services.published_discounts(program)]})


@bp.post("/programs/<code>/published-discounts")
@operation({201: PublishedDiscount}, body=PublishedDiscountIn)
def create_published_discount(code: str):
    """Admin: publish a discount, e.g. 一次性付款 at 0.98, valid from–until (from defaults to today)"""
    require("program.manage")
    discount = services.create_published_discount(get_program(code), body(PublishedDiscountIn), by=current_user)
    response = jsonify(dump_published_discount(discount))
    response.status_code = 201
    return response


@bp.delete("/programs/<code>/published-discounts/<id:discount_id>")
@operation({204: None})
def delete_published_discount(code: str, discount_id: int):
    """Admin: take a discount down (purchases keep the name and rate they applied)"""
    require("program.manage")
    services.delete_published_discount(get_program(code), discount_id, by=current_user)
    return "", 204
