from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from ..clock import utcnow
from ..errors import ValidationFailed
from ..extensions import limiter
from ..i18n import options
from ..web import field_errors, register_labels, require
from . import services
from .roles import ROLE_LABELS

auth_bp = Blueprint("auth", __name__)
admin_bp = Blueprint("users", __name__, url_prefix="/admin/users")
register_labels(auth_bp, role_labels=ROLE_LABELS, role_options=lambda: options(ROLE_LABELS))


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot bounce people to another site.

    Browsers read a backslash as a slash, so "/\\evil.example" would leave the site too.
    """
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("web.index")


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VIP_LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    error = None
    if request.method == "POST":
        user = services.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            session.clear()  # nothing from before signing in carries over (session fixation)
            login_user(user)
            session["signed_in_at"] = session["seen_at"] = int(time.time())
            return redirect(_safe_next(request.args.get("next")))
        error = gettext("Wrong username or password, or the account is disabled.")
        if services.username_locked_out(request.form.get("username", "")):
            error = gettext("Too many wrong passwords for this account: it is locked for %(minutes)s minutes. A "
                            "manager can see the attempts in the audit log.",
                            minutes=current_app.config["VIP_LOGIN_LOCKOUT_MINUTES"])
    return render_template("auth/login.html", error=error, username=request.form.get("username", "")), 401 if error else 200


@auth_bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_sessions(current_user)  # a copied cookie stops working too, on every device
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@admin_bp.get("/")
@require("user.manage")
def index():
    return render_template("users/index.html", users=services.list_users())


@admin_bp.route("/new", methods=["GET", "POST"])
@require("user.manage")
def create():
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            user = services.create_user(request.form, actor=current_user)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/form.html", user=None, form=request.form, errors=errors), 422 if errors else 200


@admin_bp.route("/<id:user_id>", methods=["GET", "POST"])
@require("user.manage")
def edit(user_id: int):
    user = services.get_user(user_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        changes = {k: request.form.get(k, "") for k in ("display_name", "role", "password")}
        changes["active"] = "active" in request.form
        try:
            services.update_user(user, changes, actor=current_user)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/form.html", user=user, form=request.form, errors=errors,
                           new_token=None, now=utcnow()), 422 if errors else 200


@admin_bp.post("/<id:user_id>/tokens")
@require("user.manage")
def issue_token(user_id: int):
    user = services.get_user(user_id)
    days = request.form.get("days", "")
    token = services.issue_token(user, request.form.get("name", "api").strip() or "api",
                                 days=int(days) if days.isdigit() and len(days) < 4 else services.TOKEN_DAYS_DEFAULT,
                                 actor=current_user)
    return render_template("users/form.html", user=user, form={}, errors={}, new_token=token, now=utcnow())


@admin_bp.post("/<id:user_id>/tokens/<id:token_id>/revoke")
@require("user.manage")
def revoke_token(user_id: int, token_id: int):
    user = services.get_user(user_id)
    services.revoke_token(user, token_id, actor=current_user)
    flash(gettext("Token revoked."), "success")
    return redirect(url_for("users.edit", user_id=user.id))
