"""The sales control sheet for managers: the grid coloured by status, live on opening day; import, edit, export;
the published discounts. The same services as the API."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..cards import labels
from ..errors import ServiceError, ValidationFailed
from ..i18n import options, say
from ..programs.services import get_program
from ..rules import N_
from ..rules.units import MANUAL_STATUSES
from ..users.roles import can
from ..web import field_errors, forbidden, register_labels, require
from . import services
from .schemas import UnitIn, dump_published_discount

bp = Blueprint("units", __name__, url_prefix="/programs/<code>")
register_labels(bp, unit_status_labels=labels.UNIT_STATUS_LABELS, unit_use_labels=labels.UNIT_USE_LABELS,
                unit_use_options=lambda: options(labels.UNIT_USE_LABELS),
                unit_status_options=lambda: options({s: labels.UNIT_STATUS_LABELS[s] for s in MANUAL_STATUSES}))

# The import's columns as the page names them.
COLUMN_LABELS = {"code": N_("Unit number"), "building": N_("Building"), "unit": N_("Unit (entrance)"), "floor": N_("Floor"),
                 "room": N_("Room"), "use": N_("Use"), "area": N_("Floor area (m²)"), "list_price": N_("List price"),
                 "status": N_("Status")}

def _sheet(program, status: int = 200, **extra):
    return render_template("units/sheet.html", program=program, grid=services.grid(program),
                           discounts=[dump_published_discount(d) for d in services.published_discounts(program)],
                           **extra), status


@bp.get("/units")
@require("program.view")
def sheet(code: str):
    return _sheet(get_program(code))


@bp.get("/units/status.json")
@require("program.view")
def live(code: str):
    """What the open sheet polls every few seconds on opening day: each unit's status and the counts."""
    grid = services.grid(get_program(code))
    return jsonify({"counts": grid.counts, "units": {u.code: u.status.value for b in grid.blocks
                                                     for row in b["rows"] for u in row["cells"] if u is not None}})


@bp.post("/units/import")
@require("program.manage")
def import_units(code: str):
    program = get_program(code)
    upload = request.files.get("file")
    content, filename = (upload.read(), upload.filename or "") if upload else (b"", "")
    try:
        result = services.import_units(program, content, filename, dry_run=bool(request.form.get("dry_run")),
                                       by=current_user)
    except ValidationFailed as exc:
        return _sheet(program, 422, import_error=" ".join(field_errors(exc).values()))
    if result.errors:
        return _sheet(program, 422, import_result=result,
                      import_errors=[(e["row"], gettext(COLUMN_LABELS.get(e["field"], e["field"])), say(e["decision"]))
                                     for e in result.errors])
    if result.dry_run:
        return _sheet(program, 200, import_result=result)
    flash(gettext("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.", created=result.created,
                  updated=result.updated, unchanged=result.unchanged), "success")
    return redirect(url_for("units.sheet", code=program.code))


@bp.post("/units/new")
@require("program.manage")
def create(code: str):
    program = get_program(code)
    form = {k: v for k, v in request.form.items() if k in UnitIn.names()}
    try:
        unit = services.create_unit(program, form, by=current_user)
    except ValidationFailed as exc:
        return _sheet(program, 422, unit_errors=field_errors(exc), unit_values=form)
    flash(gettext("Unit %(code)s added.", code=unit.code), "success")
    return redirect(url_for("units.sheet", code=program.code))


@bp.route("/units/<unit_code>", methods=["GET", "POST"])
@require("program.view")
def edit(code: str, unit_code: str):
    if request.method == "POST" and not can(current_user, "program.manage"):
        return forbidden()
    program = get_program(code)
    unit = services.get_unit(program, unit_code)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.update_unit(unit, {k: v for k, v in request.form.items() if k in UnitIn.names() and k != "code"},
                                 by=current_user)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        except ServiceError as exc:
            flash(say(exc.decision), "error")
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("units.sheet", code=program.code))
    return render_template("units/edit.html", program=program, unit=unit, errors=errors,
                           sale=services.sale_of(unit)), 422 if errors else 200


@bp.get("/units.<any(xlsx, csv):fmt>")
@require("program.view")
def export(code: str, fmt: str):
    program = get_program(code)
    return current_app.response_class(services.export_units(program, fmt), mimetype=services.EXPORT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="units-{program.code}.{fmt}"'})


@bp.post("/published-discounts")
@require("program.manage")
def add_discount(code: str):
    program = get_program(code)
    form = {k: request.form.get(k, "") for k in ("name", "rate", "valid_from", "valid_until")}
    try:
        services.create_published_discount(program, form, by=current_user)
    except ValidationFailed as exc:
        return _sheet(program, 422, discount_errors=field_errors(exc), discount_values=form)
    flash(gettext("Saved."), "success")
    return redirect(url_for("units.sheet", code=program.code) + "#discounts")


@bp.post("/published-discounts/<id:discount_id>/delete")
@require("program.manage")
def delete_discount(code: str, discount_id: int):
    program = get_program(code)
    services.delete_published_discount(program, discount_id, by=current_user)
    flash(gettext("Saved."), "success")
    return redirect(url_for("units.sheet", code=program.code) + "#discounts")
