from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user

from ..agreements import contexts
from ..cards.services import cards_affected_by_opening_day
from ..errors import ValidationFailed
from ..i18n import options
from ..rules.terms import ProgramKind, RefundAnchor, TransferPolicy
from ..signing import services as signing
from ..validation import unflatten_form
from ..web import field_errors, register_labels, require
from . import presets, services
from .labels import (
    ANCHOR_LABELS,
    DISPUTE_LABELS,
    KIND_LABELS,
    POLICY_LABELS,
    REFUND_REQUEST_LABELS,
    describe_refund_window,
)
from .schemas import dump_program

bp = Blueprint("programs", __name__, url_prefix="/programs")
register_labels(bp, kind_labels=KIND_LABELS, policy_labels=POLICY_LABELS, dispute_labels=DISPUTE_LABELS,
                kind_options=lambda: options(KIND_LABELS), anchor_options=lambda: options(ANCHOR_LABELS),
                policy_options=lambda: options(POLICY_LABELS), dispute_options=lambda: options(DISPUTE_LABELS),
                refund_request_labels=REFUND_REQUEST_LABELS, refund_request_options=lambda: options(REFUND_REQUEST_LABELS),
                agreement_words=lambda p: f"《{contexts.agreement_title(p)}》 · {contexts.deposit_term(p)}",
                # The tiers' money as the agreement names it (诚意金, 认购金…) on a Chinese page; generic words elsewhere.
                money_heading=lambda p: (contexts.deposit_term(p) if get_locale().language == "zh"
                                         else gettext("Deposit or fee")),
                describe_refund_window=describe_refund_window)

BLANK_TIER_ROWS = 2


def _form_data() -> dict:
    data = unflatten_form(request.form.to_dict(), "tiers")
    data["multiple_redemptions"] = "multiple_redemptions" in request.form  # unchecked boxes send nothing
    data["card_with_agreement"] = "card_with_agreement" in request.form
    data["redeemable_uses"] = [u for u in request.form.getlist("redeemable_uses") if u] or None
    return data


def _render_form(program, values: dict, errors: dict[str, str]):
    context = dict(program=program, values=values, errors=errors, kinds=list(ProgramKind), anchors=list(RefundAnchor),
                   policies=list(TransferPolicy), blank_rows=BLANK_TIER_ROWS)
    return render_template("programs/form.html", **context), 422 if errors else 200


@bp.get("/")
@require("program.view")
def index():
    return render_template("programs/index.html", programs=services.list_programs(),
                           presets=[(k, presets.preset_label(k)) for k in presets.PRESET_KEYS])


@bp.route("/new", methods=["GET", "POST"])
@require("program.manage")
def create():
    if request.method == "POST":
        values = _form_data()
        try:
            program = services.create_program(values, by=current_user)
        except ValidationFailed as exc:
            return _render_form(None, values, field_errors(exc))
        flash(gettext("Programme %(code)s created.", code=program.code), "success")
        return redirect(url_for("programs.detail", code=program.code))
    key = request.args.get("preset")
    values = presets.preset(key) if key in presets.PRESET_KEYS else {"tiers": []}
    return _render_form(None, values, {})


@bp.get("/<code>")
@require("program.view")
def detail(code: str):
    return _detail(services.get_program(code))


def _detail(program, status: int = 200, **errors: str):
    return render_template("programs/detail.html", program=program, affected=cards_affected_by_opening_day(program),
                           certificate=signing.dump_certificate(signing.current_certificate(program)), **errors), status


@bp.post("/<code>/certificate")
@require("program.manage")
def certificate(code: str):
    """The issuer's PKCS#12: agreements of this programme are sealed under it from now on."""
    program = services.get_program(code)
    upload = request.files.get("file")
    try:
        signing.upload_pkcs12(program, upload.read(signing.MAX_PKCS12_BYTES + 1) if upload else None,
                              request.form.get("password"), by=current_user)
    except ValidationFailed as exc:
        return _detail(program, 422, certificate_error=" ".join(field_errors(exc).values()))
    flash(gettext("The certificate is saved; agreements are sealed under it from now on."), "success")
    return redirect(url_for("programs.detail", code=program.code))


@bp.route("/<code>/seal", methods=["GET", "POST"])
@require("program.manage")  # a company seal image could forge stamped papers: managers only
def seal(code: str):
    program = services.get_program(code)
    if request.method == "GET":
        if not program.seal_png:
            abort(404)
        return current_app.response_class(program.seal_png, mimetype="image/png")
    upload = request.files.get("seal")
    try:
        services.set_seal(program, None if request.form.get("remove") else (upload.read() if upload else b""), by=current_user)
    except ValidationFailed as exc:
        return _detail(program, 422, seal_error=field_errors(exc)["seal"])
    flash(gettext("Saved."), "success")
    return redirect(url_for("programs.detail", code=program.code))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@require("program.manage")
def edit(code: str):
    program = services.get_program(code)
    if request.method == "POST":
        values = _form_data()
        values["code"] = program.code
        try:
            services.update_program(program, values, by=current_user)
        except ValidationFailed as exc:
            return _render_form(program, values, field_errors(exc))
        flash(gettext("Saved."), "success")
        return redirect(url_for("programs.detail", code=program.code))
    return _render_form(program, dump_program(program), {})
