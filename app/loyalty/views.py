"""The till's pages for retail cards: record a purchase (with points spent on it), its receipt, whether a customer
qualifies for a card, and the points about to expire."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..clock import today
from ..errors import NotFound, ServiceError, ValidationFailed
from ..extensions import db
from ..programs.services import list_programs
from ..rules import N_, refuse
from ..rules.loyalty import format_points_rate
from ..rules.terms import ProgramKind
from ..users.roles import can
from ..web import explain, field_errors, register_labels, require
from . import receipts, services
from .models import Purchase
from .schemas import ExpiringIn, QualifyIn

bp = Blueprint("loyalty", __name__)


def card_points(card) -> dict | None:
    """What a retail card's page shows of its points and purchases (None for other kinds)."""
    if card.program.kind is not ProgramKind.RETAIL:
        return None
    return {"totals": services.totals(card), "lots": services.lots_of(card), "purchases": services.purchases_of(card, 20),
            "spends": services.spends_of(card, 20), "today": today(), "year": services.year_spend(card),
            "rate": format_points_rate(card.program.points_per_yuan_milli)}


register_labels(bp, card_points=card_points,
                loyalty_rate=lambda program: format_points_rate(program.points_per_yuan_milli))


def retail_programs():
    return [p for p in list_programs() if p.kind is ProgramKind.RETAIL]


@bp.post("/cards/<number>/purchases")
@require("loyalty.record")
def purchase(number: str):
    card = services.retail_card(number)
    try:
        recorded = services.checkout(card.id, request.form.to_dict(), by=current_user)
    except ServiceError as exc:
        flash(explain(exc), "error")
        back = url_for("cards.counter") if request.form.get("back") == "counter" else url_for("cards.detail", number=card.number)
        return redirect(back + "#points")
    flash(gettext("Purchase recorded: %(points)s points earned.", points=recorded.points_earned), "success")
    return redirect(url_for("loyalty.purchase_detail", purchase_id=recorded.id))


def _purchase(purchase_id: int) -> Purchase:
    found = db.session.get(Purchase, purchase_id)
    if found is None:
        raise NotFound(refuse("purchase_not_found", N_("No purchase has this number.")))
    return found


@bp.get("/purchases/<id:purchase_id>")
@require("card.view")
def purchase_detail(purchase_id: int):
    found = _purchase(purchase_id)
    return render_template("loyalty/purchase.html", purchase=found, card=found.card,
                           balance=services.balance_of(found.card), year=services.year_spend(found.card),
                           lot=receipts.lot_of(found))


@bp.get("/purchases/<id:purchase_id>/receipt.docx")
@require("card.view")
def receipt(purchase_id: int):
    found = _purchase(purchase_id)
    content = receipts.receipt_docx(found)
    return current_app.response_class(content, headers={
        "Content-Disposition": f'attachment; filename="receipt-{found.receipt_no}.docx"'},
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.get("/loyalty/qualify")
@require("loyalty.record")
def qualify():
    """A customer at the till, with or without a card: found by mobile or ID number, does their spend qualify?"""
    programs = retail_programs()
    values = request.args.to_dict()
    values.setdefault("program", programs[0].code if programs else "")
    found = errors = None
    if values.get("q"):
        try:
            spec = QualifyIn.read(values)
            found = services.qualifying(spec.program, spec.q, today_fen=spec.amount_fen or 0)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        except ServiceError as exc:
            flash(explain(exc), "error")
    return render_template("loyalty/qualify.html", programs=programs, values=values, found=found, errors=errors or {},
                           may_issue=can(current_user, "card.issue")), 422 if errors else 200


@bp.get("/loyalty/expiring")
@require("loyalty.expiring")
def expiring():
    """Points expiring within a month: whom to remind."""
    values = request.args.to_dict()
    try:
        spec = ExpiringIn.read(values)
    except ValidationFailed as exc:
        return render_template("loyalty/expiring.html", rows=[], programs=retail_programs(), values=values,
                               errors=field_errors(exc)), 422
    rows = services.expiring_points(program_code=spec.program, within_days=spec.days)
    return render_template("loyalty/expiring.html", rows=rows, programs=retail_programs(), values=values, errors={},
                           days=spec.days)

