"""The exports page (/exports/) and its downloads: the same exports as the API, for managers and auditors in the
browser. Numbers in full are asked for with a form (a POST with its CSRF token and a reason), never by a link."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..cards.labels import CHARGE_LABELS, LEDGER_LABELS, REQUEST_STATUS_LABELS
from ..errors import ValidationFailed
from ..extensions import limiter
from ..members.services import reveal_limit
from ..programs.services import list_programs
from ..rules import N_, refuse
from ..web import require, revealer
from . import exports

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.get("/")
@require("report.export")
def index():
    return render_template("reports/exports.html", programs=list_programs(), ledger_kinds=LEDGER_LABELS,
                           charge_kinds=CHARGE_LABELS, request_statuses=REQUEST_STATUS_LABELS)


def _filters() -> dict[str, str]:
    """The list's filters from the address, blank ones left out as the list's own form sends them."""
    return {k: v for k, v in request.args.items() if k != "lang" and v.strip()}


@bp.get("/<what>.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/<what>.csv", defaults={"fmt": "csv"})
@require("report.export")
def download(what: str, fmt: str):
    """Masked: a link from a list, carrying its filters."""
    args = _filters()
    if "reveal" in args or "reason" in args:
        raise ValidationFailed({"reveal": refuse("reveal_by_form", N_(
            "Numbers in full are asked for with the form on the exports page, with a reason."))})
    return exports.download(exports.prepare(what, fmt, args, user=current_user))


@bp.post("/<what>.xlsx", defaults={"fmt": "xlsx"})
@bp.post("/<what>.csv", defaults={"fmt": "csv"})
@require("member.reveal_any")
@limiter.limit(reveal_limit, key_func=revealer)
def download_revealed(what: str, fmt: str):
    """ID numbers and mobiles in full: a manager's form with a reason; logged, and counted as reveals."""
    args = {**_filters(), "reveal": "1", "reason": request.form.get("reason", "")}
    return exports.download(exports.prepare(what, fmt, args, user=current_user))
