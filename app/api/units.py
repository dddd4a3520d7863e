"""The inventory and published discounts of a programme (DESIGN §10.2)."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from ..i18n import say
from ..programs.services import get_program
from ..rules.money import format_fen
from ..units import services
from ..units.schemas import DISCOUNT_FIELDS, UNIT_FIELDS, dump_published_discount, dump_unit
from . import bp, json_body, reject_unknown, require


@bp.get("/programs/<code>/units")
def list_units(code: str):
    """A page of the inventory: ``status``, ``page``, ``per_page`` (at most 500)."""
    require("program.view")
    program = get_program(code)
    units, total, page, per_page = services.list_units(program, request.args)
    return jsonify({"items": [dump_unit(u) for u in units], "total": total, "page": page, "per_page": per_page})


@bp.post("/programs/<code>/units")
def create_unit(code: str):
    require("program.manage")
    unit = services.create_unit(get_program(code), reject_unknown(json_body(), UNIT_FIELDS))
    response = jsonify(dump_unit(unit))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_unit", code=unit.program.code, unit_code=unit.code)
    return response


@bp.get("/programs/<code>/units/<unit_code>")
def get_unit(code: str, unit_code: str):
    require("program.view")
    return jsonify(dump_unit(services.get_unit(get_program(code), unit_code)))


@bp.patch("/programs/<code>/units/<unit_code>")
def update_unit(code: str, unit_code: str):
    """Particulars, or ``status``: available, held or withdrawn (sold only by a purchase)."""
    require("program.manage")
    unit = services.get_unit(get_program(code), unit_code)
    return jsonify(dump_unit(services.update_unit(unit, reject_unknown(json_body(), UNIT_FIELDS))))


def dump_import(result) -> dict:
    return {"status": "failed" if result.errors else "done", "dry_run": result.dry_run, "rows": result.rows,
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "errors": [{"row": e["row"], "field": e["field"], "code": e["code"], "message": say(e["decision"])}
                       for e in result.errors]}


@bp.post("/programs/<code>/units/import")
def import_units(code: str):
    """Multipart ``file`` (XLSX or CSV) and ``dry_run``: all rows or none; every wrong row named (422)."""
    require("program.manage")
    program = get_program(code)
    upload = request.files.get("file")
    dry_run = request.form.get("dry_run", "").lower() in ("1", "true", "on", "yes")
    content, filename = (upload.read(), upload.filename or "") if upload else (b"", "")
    result = services.import_units(program, content, filename, dry_run=dry_run)
    response = jsonify(dump_import(result))
    response.status_code = 422 if result.errors else (200 if dry_run else 201)
    return response


@bp.get("/programs/<code>/units.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/programs/<code>/units.csv", defaults={"fmt": "csv"})
def export_units(code: str, fmt: str):
    require("program.view")
    program = get_program(code)
    return current_app.response_class(services.export_units(program, fmt), mimetype=services.EXPORT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="units-{program.code}.{fmt}"'})


@bp.get("/programs/<code>/sales-control")
def sales_control(code: str):
    """The sales control sheet's figures: counts, list-price and area totals by status, and the sold value."""
    require("program.view")
    grid = services.grid(get_program(code))
    return jsonify({"total": grid.total, "counts": grid.counts,
                    "list_price_totals": {k: format_fen(v) for k, v in grid.list_totals.items()},
                    "sold_value": format_fen(grid.sold_fen),
                    "units": {u.code: u.status.value for b in grid.blocks for row in b["rows"]
                              for u in row["cells"] if u is not None}})


@bp.get("/programs/<code>/published-discounts")
def list_published_discounts(code: str):
    require("program.view")
    program = get_program(code)
    return jsonify({"published_discounts": [dump_published_discount(d) for d in services.published_discounts(program)]})


@bp.post("/programs/<code>/published-discounts")
def create_published_discount(code: str):
    require("program.manage")
    discount = services.create_published_discount(get_program(code), reject_unknown(json_body(), DISCOUNT_FIELDS))
    response = jsonify(dump_published_discount(discount))
    response.status_code = 201
    return response


@bp.delete("/programs/<code>/published-discounts/<id:discount_id>")
def delete_published_discount(code: str, discount_id: int):
    require("program.manage")
    services.delete_published_discount(get_program(code), discount_id)
    return "", 204
