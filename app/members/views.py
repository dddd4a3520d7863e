from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..cards.history import member_timeline
from ..cards.services import cards_of
from ..errors import Conflict, ValidationFailed
from ..extensions import limiter
from ..i18n import options
from ..web import field_errors, register_labels, require, revealer
from . import services
from .schemas import ID_TYPE_LABELS, IdType, MemberFilters

bp = Blueprint("members", __name__, url_prefix="/members")
register_labels(bp, id_type_labels=ID_TYPE_LABELS, id_type_options=lambda: options(ID_TYPE_LABELS))

FIELDS = ("name", "id_type", "id_number", "phone", "address", "postal_code")


@bp.get("/")
@require("member.view")
def index():
    """Every member, newest first, one search box, a page at a time."""
    values = {k: v.strip() for k, v in request.args.items() if k in MemberFilters.names() and v.strip()}
    try:
        filters = MemberFilters.read(values)
    except ValidationFailed as exc:
        filters, errors = MemberFilters(), field_errors(exc)
    else:
        errors = {}
    page = services.list_members(filters)
    shown = {k: v for k, v in values.items() if k != "before"}
    return render_template("members/index.html", members=page.members, query=values.get("q", ""), errors=errors,
                           older_url=url_for("members.index", **shown, before=page.next_before) if page.next_before else None,
                           newest_url=url_for("members.index", **shown) if filters.before else None), 422 if errors else 200


@bp.route("/new", methods=["GET", "POST"])
@require("member.manage")
def create():
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in FIELDS}
        try:
            member, created = services.register_member(values, by=current_user)
        except (ValidationFailed, Conflict) as exc:
            errors = field_errors(exc)
        else:
            if created:
                flash(gettext("Member registered."), "success")
            else:
                flash(gettext("This ID number is already registered: here is the member."), "info")
            return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/form.html", member=None, values=request.form, errors=errors,
                           id_types=list(IdType)), 422 if errors else 200


@bp.get("/<id:member_id>")
@require("member.view")
def detail(member_id: int):
    member = services.get_member(member_id)
    return render_template("members/detail.html", member=member, revealed=None, cards=cards_of(member),
                           timeline=member_timeline(member))


@bp.post("/<id:member_id>/reveal")
@require("member.reveal_id")
@limiter.limit(services.reveal_limit, key_func=revealer)
def reveal(member_id: int):
    member = services.get_member(member_id)
    revealed = services.reveal_identity(member, reason=request.form.get("reason"), user=current_user)
    return render_template("members/detail.html", member=member, revealed=revealed, cards=cards_of(member),
                           timeline=member_timeline(member))


@bp.route("/<id:member_id>/edit", methods=["GET", "POST"])
@require("member.manage")
def edit(member_id: int):
    member = services.get_member(member_id)
    errors: dict[str, str] = {}
    values: dict = {"name": member.name, "id_type": member.id_type.value,
                    "address": member.address or "", "postal_code": member.postal_code or ""}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in FIELDS}
        for secret in ("id_number", "phone"):
            if not values[secret]:
                del values[secret]  # left blank: keep the number on file, which the form never shows
        try:
            services.update_member(member, values, by=current_user)
        except (ValidationFailed, Conflict) as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/form.html", member=member, values=values, errors=errors,
                           id_types=list(IdType)), 422 if errors else 200
