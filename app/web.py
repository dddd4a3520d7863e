"""What every page shares: the home page, permission checks, error pages, template helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .errors import ServiceError, ValidationFailed
from .extensions import db
from .i18n import say
from .rules import N_, identity, money
from .rules.cards import format_card_number
from .rules.units import format_area
from .users.roles import can

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    """Each role starts where its work is: managers (and auditors) at the dashboard, consultants at their desk,
    counter staff at the counter."""
    if can(current_user, "report.view"):
        return redirect(url_for("reports.dashboard"))
    if can(current_user, "card.issue"):
        return redirect(url_for("cards.desk"))
    if can(current_user, "card.redeem"):
        return redirect(url_for("cards.counter"))
    if can(current_user, "member.view"):
        return redirect(url_for("members.index"))
    return redirect(url_for("programs.index"))


def base_url_mismatch() -> tuple[str, str] | None:
    """(configured, reached) when this request came in under another address than the one printed in QR codes:
    cards and documents would send people somewhere else (e.g. the service moved to another port)."""
    configured = current_app.config["VIP_PUBLIC_BASE_URL"]
    wanted = urlsplit(configured)
    reached = f"{request.scheme}://{request.host}"
    if (wanted.scheme, wanted.netloc.lower()) != (request.scheme, request.host.lower()):
        return configured, reached
    return None


@bp.get("/healthz")
def healthz():
    """For monitors and for whoever set the service up: is the database there, can documents become PDFs, and do the
    links printed on cards lead back to this service?"""
    from sqlalchemy import text

    checks: dict[str, Any] = {}
    warnings: list[str] = []
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001  a health check reports, it does not raise
        db.session.rollback()
        checks["database"] = "unavailable"
    from .documents import pdf
    checks["pdf_converter"] = "ok" if pdf.converter_available() else "missing"
    if checks["pdf_converter"] != "ok":
        warnings.append(gettext("LibreOffice was not found: documents cannot be made into PDFs or sealed. "
                                "Install the Debian package %(package)s.", package=pdf.PACKAGE))
    mismatch = base_url_mismatch()
    checks["public_base_url"] = {"configured": current_app.config["VIP_PUBLIC_BASE_URL"],
                                 "reached_at": f"{request.scheme}://{request.host}", "matches": mismatch is None}
    if mismatch:
        warnings.append(_mismatch_message(*mismatch))
    status = "ok" if checks["database"] == "ok" and not warnings else ("degraded" if checks["database"] == "ok" else "down")
    response = jsonify({"status": status, "checks": checks, "warnings": warnings})
    response.status_code = 503 if status == "down" else 200
    return response


def _mismatch_message(configured: str, reached: str) -> str:
    return gettext("QR codes on cards and documents point to %(configured)s, but this page was reached at %(reached)s: "
                   "scans will not lead here. Set VIP_PUBLIC_BASE_URL to the address members and counters use.",
                   configured=configured, reached=reached)


def require(permission: str) -> Callable:
    """Log in first (redirect), then the permission (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def field_errors(error: ServiceError) -> dict[str, str]:
    return {name: say(decision) for name, decision in error.fields.items()}


def _wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, fields: dict[str, str] | None = None,
              reasons: dict[str, str] | None = None, **extra: Any):
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
        body["reasons"] = reasons or {}
    body.update(extra)
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vipcards"'
    return response


_HTTP_MESSAGES = {
    400: N_("The request could not be read."),
    401: N_("Sign in, or send a valid API token as 'Authorization: Bearer …'."),
    403: N_("Your role does not allow this."),
    404: N_("Nothing was found at this address."),
    405: N_("This address does not accept that method."),
    413: N_("The upload is larger than allowed."),
    429: N_("Too many attempts; wait a minute and try again."),
}


def _yuan_short(fen: int) -> str:
    """A price at a glance, for a grid cell: 123.5万 in Chinese, ¥1.24M in English."""
    if get_locale().language == "zh":
        return f"{fen / 1_000_000:.1f}万"
    return f"¥{fen / 100_000_000:.2f}M"


def _discount(rate_bp: int) -> str:
    """9.5折 in Chinese; in English what the member pays, since "折" means nothing there."""
    if get_locale().language == "zh":
        return money.discount_in_words(rate_bp)
    if rate_bp >= 10_000:
        return gettext("no discount")
    return gettext("pays %(pct)s%% of the price", pct=f"{rate_bp / 100:g}")


MAX_JSON_DEPTH = 32  # no request of this API nests deeper than 3; a thousand levels only exhausts the parser


def _unstorable(value: Any, *, nul: bool = True, depth: int = 0) -> str | None:
    """Why text can never be stored: a lone surrogate (not UTF-8), a NUL where no field check will see it
    (PostgreSQL refuses it), or JSON nested past any real request. None when the value is fine."""
    if depth > MAX_JSON_DEPTH:
        return "json_too_deep"
    if isinstance(value, str):
        if nul and "\x00" in value:
            return "nul_character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "invalid_unicode"
        return None
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        return None
    return next((why for item in items if (why := _unstorable(item, nul=nul, depth=depth + 1))), None)


_UNSTORABLE_MESSAGES = {
    "json_too_deep": N_("The request body is nested too deeply."),
    "nul_character": N_("The request contains a NUL character, which cannot be stored."),
    "invalid_unicode": N_("The request contains text that is not valid Unicode."),
}
# A scanned code is data, whatever it holds: it is cleaned and stored as a failed scan, not refused.
_SCANNED_PATHS = ("/v/", "/api/v1/verify/", "/d/")


def _refuse_unstorable_input():
    """Before any view: input that no database would store is a 400, never a 500 half-way through a transaction.
    Body fields are left to the field checks, which name the field (control characters are a 422 there)."""
    scanned = request.path.startswith(_SCANNED_PATHS)
    why = _unstorable([request.path], nul=not scanned) or _unstorable([*request.args.keys(), *request.args.values()])
    if why is None and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        why = _unstorable([*request.form.keys(), *request.form.values()], nul=False)
    if why is None and request.is_json and request.content_length:
        try:
            why = _unstorable(request.get_json(silent=True), nul=False)
        except RecursionError:
            why = "json_too_deep"
    if why is None:
        return None
    message = gettext(_UNSTORABLE_MESSAGES[why])
    if _wants_json():
        return api_error(400, why, message)
    return render_template("error.html", status=400, message=message), 400



def register_labels(bp: Blueprint, **names: Any) -> None:
    """A feature's words for templates (labels of its statuses, options for its selects), registered when its blueprint
    is, so that this module knows no feature."""
    bp.record_once(lambda state: state.app.jinja_env.globals.update(names))


def revealer() -> str:
    """The rate-limit key of full-ID reveals: per person, whichever address, page or token they use."""
    return f"reveal:{getattr(current_user, 'id', None)}"


def explain(error: ServiceError) -> str:
    """A refused service call as one sentence for a flash message."""
    if isinstance(error, ValidationFailed):
        return " ".join(field_errors(error).values())
    return say(error.decision)


def forbidden():
    return render_template("error.html", status=403, message=gettext("Your role does not allow this.")), 403

# Scripts, styles and images from this service only, never inline: an injected <script> or onclick does not run. The
# counter's decoder compiles WebAssembly; the signature pad and camera frames are data: and blob: images.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data: blob:",
    "media-src 'self' blob:", "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    app.before_request(_refuse_unstorable_input)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if _wants_json():
            return api_error(error.status, error.code, say(error.decision), field_errors(error),
                             {k: d.code for k, d in error.fields.items()}, **error.extra)
        return render_template("error.html", status=error.status, message=say(error.decision),
                               fields=field_errors(error)), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = gettext("The form expired or was sent from elsewhere. Reload the page and try again.")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = gettext(_HTTP_MESSAGES[status]) if status in _HTTP_MESSAGES else error.description
        if _wants_json():
            return api_error(status, (error.name or "error").lower().replace(" ", "_"), message)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # A uniqueness race the service's own check could not see: the other request won.
        db.session.rollback()
        message = gettext("Someone saved a conflicting record at the same moment. Reload and try again.")
        if _wants_json():
            return api_error(409, "conflict", message)
        return render_template("error.html", status=409, message=message), 409

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()  # first: the page below must not touch a session a failed flush left broken
        app.logger.exception("unhandled error")
        message = gettext("Something went wrong on our side; nothing was saved. Please try again.")
        if _wants_json():
            return api_error(500, "internal_error", message)
        return render_template("error.html", status=500, message=message), 500

    @app.after_request
    def security_headers(response):
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"  # pages and answers carry personal data and tokens
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.args.get("lang") in app.config["VIP_LOCALES"]:
            response.set_cookie("lang", request.args["lang"], max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def staff_warnings():
        # Staff print cards and documents: tell them when the links on those would lead somewhere else.
        if not getattr(current_user, "is_authenticated", False) or request.blueprint in (None, "api", "static"):
            return {}
        mismatch = base_url_mismatch()
        return {"base_url_warning": _mismatch_message(*mismatch) if mismatch else None}

    # What every page shares; each feature registers its own labels with its blueprint (see register_labels).
    app.jinja_env.globals.update(can=can, say=say, get_locale=get_locale)
    app.jinja_env.filters.update(
        yuan=money.format_yuan,
        yuan_text=money.format_yuan_text,
        fen=money.format_fen,
        words=money.amount_in_words,
        discount=_discount,
        rate=money.format_discount_rate,
        discount_rate=lambda text: _discount(money.parse_discount_rate(text)[1]),
        card_number=format_card_number,
        iso_datetime=lambda text: format_datetime(dt.datetime.fromisoformat(text)),
        iso_date=lambda text: format_date(dt.date.fromisoformat(text), "long"),
        area=format_area,
        yuan_short=_yuan_short,
        mask_number=identity.mask_number,
        mask_name=identity.mask_name,
    )
