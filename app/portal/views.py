"""The member's own pages (/my/…) and the admins' view of the development SMS outbox."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..errors import ServiceError
from ..extensions import db, limiter
from ..i18n import say
from ..web import explain, field_errors, require
from . import services, sms
from .models import SmsMessage

bp = Blueprint("portal", __name__, url_prefix="/my")
outbox_bp = Blueprint("sms_outbox", __name__, url_prefix="/admin/sms-outbox")
bp.record_once(lambda state: sms.check_settings(state.app.config))


def _limit(name: str):
    return lambda: current_app.config[name]


# Every step is limited per address; asking for a code also per card, whoever asks.
_pages = limiter.shared_limit(_limit("VIP_PORTAL_PAGE_RATE_LIMIT"), scope="portal-pages")


def _card_scope() -> str:
    return "portal-card:" + services.card_key(request.form.get("card_number"))


def signed_in(view):
    """The member's session (never a staff sign-in): without one, the sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.member = services.member_for(session.get("portal_token"))
        if g.member is None:
            if session.pop("portal_token", None):
                flash(gettext("For your safety you were signed out after a while. Sign in again to continue."), "info")
            return redirect(url_for("portal.sign_in"))
        return view(*args, **kwargs)

    return wrapped


@bp.route("/sign-in", methods=["GET", "POST"])
@_pages
@limiter.limit(_limit("VIP_PORTAL_CODE_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit("VIP_PORTAL_CARD_RATE_LIMIT"), methods=["POST"], key_func=_card_scope)
def sign_in():
    if request.method == "GET":
        if services.member_for(session.get("portal_token")) is not None:
            return redirect(url_for("portal.home"))
        return render_template("portal/sign_in.html", values={}, errors={})
    values = {"card_number": request.form.get("card_number", ""), "id_tail": request.form.get("id_tail", "")}
    errors = {}
    if not values["card_number"].strip():
        errors["card_number"] = gettext("Enter the number printed on your card.")
    if not values["id_tail"].strip():
        errors["id_tail"] = gettext("Enter the last 6 characters of your ID number.")
    if errors:
        return render_template("portal/sign_in.html", values=values, errors=errors), 422
    try:
        challenge = services.request_code(values["card_number"], values["id_tail"])
    except ServiceError as exc:
        flash(explain(exc), "error")
        return render_template("portal/sign_in.html", values=values, errors={}), exc.status
    session["portal_challenge"] = challenge
    session["portal_card_tail"] = services.card_key(values["card_number"])[-4:]
    return redirect(url_for("portal.code"))


@bp.route("/code", methods=["GET", "POST"])
@_pages
@limiter.limit(_limit("VIP_PORTAL_VERIFY_RATE_LIMIT"), methods=["POST"])
def code():
    if not session.get("portal_challenge"):
        return redirect(url_for("portal.sign_in"))
    minutes = current_app.config["VIP_PORTAL_CODE_MINUTES"]
    tail = session.get("portal_card_tail", "")
    if request.method == "GET":
        return render_template("portal/code.html", minutes=minutes, tail=tail, errors={})
    try:
        token = services.verify_code(session.get("portal_challenge"), request.form.get("code"))
    except ServiceError as exc:
        errors = field_errors(exc) or {"code": say(exc.decision)}
        return render_template("portal/code.html", minutes=minutes, tail=tail, errors=errors), exc.status
    session.pop("portal_challenge", None)
    session["portal_token"] = token
    return redirect(url_for("portal.home"))


@bp.get("/")
@_pages
@signed_in
def home():
    return render_template("portal/home.html", member=g.member, cards=services.cards_of(g.member))


@bp.get("/agreements/<id:agreement_id>.pdf")
@_pages
@signed_in
def agreement_pdf(agreement_id: int):
    content, filename = services.download_agreement(g.member, agreement_id)
    return current_app.response_class(content, mimetype="application/pdf",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/cards/<number>/refund")
@_pages
@signed_in
def refund(number: str):
    try:
        services.ask_refund(g.member, number, request.form)
    except ServiceError as exc:
        flash(explain(exc), "error")
    else:
        flash(gettext("Your refund request is recorded; a manager will check it and contact you to pay it out."), "success")
    return redirect(url_for("portal.home"))


@bp.post("/sign-out")
@_pages
def sign_out():
    services.sign_out(session.pop("portal_token", None))
    flash(gettext("You are signed out."), "success")
    return redirect(url_for("portal.sign_in"))


@outbox_bp.get("/")
@require("user.manage")
def outbox():
    messages = db.session.scalars(select(SmsMessage).order_by(SmsMessage.id.desc()).limit(100))
    return render_template("portal/outbox.html", messages=list(messages),
                           provider=current_app.config.get("VIP_SMS_PROVIDER") or "outbox")
