"""VIP contract and membership-card issuance service."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, request, session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .clock import Clock
from .crypto import DataCipher
from .extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _session_fresh(app: Flask) -> bool:
    """A signed-in session lasts VIP_SESSION_IDLE_MINUTES without use and VIP_SESSION_MAX_HOURS in all; its last
    use is noted at most once a minute, so the cookie is not rewritten on every page."""
    now = int(time.time())
    signed_in, seen = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return False
    if now - seen > app.config["VIP_SESSION_IDLE_MINUTES"] * 60 or now - signed_in > app.config["VIP_SESSION_MAX_HOURS"] * 3600:
        session.clear()
        return False
    if now - seen >= 60:
        session["seen_at"] = now
    return True


def _settle_keys(app: Flask) -> None:
    """Three keys, each for one thing: sessions (SECRET_KEY), personal data (VIP_DATA_KEY) and card and document QR
    codes (VIP_TOKEN_KEYS), so changing the session key never voids a printed card. The built-in SQLite install
    makes its own once; a shared database needs them from the environment. Outside tests each must be strong."""
    default_db = config_module.defaults(app.instance_path)["SQLALCHEMY_DATABASE_URI"]
    if not app.config.get("SECRET_KEY") or not app.config.get("VIP_DATA_KEY") or not app.config.get("VIP_TOKEN_KEYS"):
        if app.config["SQLALCHEMY_DATABASE_URI"] == default_db:
            for key, value in config_module.ensure_instance_secrets(app.instance_path).items():
                if not app.config.get(key):
                    app.config[key] = value
        elif app.testing and app.config.get("SECRET_KEY"):
            app.config.setdefault("VIP_TOKEN_KEYS", [app.config["SECRET_KEY"]])
    missing = [name for name, key in (("VIP_SECRET_KEY", "SECRET_KEY"), ("VIP_DATA_KEY", "VIP_DATA_KEY"),
                                      ("VIP_TOKEN_KEYS", "VIP_TOKEN_KEYS")) if not app.config.get(key)]
    if missing:
        # Several machines sharing a database must share the keys; a per-machine key would make ID numbers
        # unreadable elsewhere and blind the duplicate check.
        raise RuntimeError(
            f"Set {', '.join(missing)}: keys are generated only for the built-in SQLite database. To keep cards "
            "printed so far valid, start VIP_TOKEN_KEYS with the VIP_SECRET_KEY they were signed under.")
    if app.testing:
        return
    from .rules.keys import key_strength
    named = [("VIP_SECRET_KEY", app.config["SECRET_KEY"]), ("VIP_DATA_KEY", app.config["VIP_DATA_KEY"])]
    named += [(f"VIP_TOKEN_KEYS[{i}]", key) for i, key in enumerate(app.config["VIP_TOKEN_KEYS"])]
    for name, value in named:
        decision = key_strength(value)
        if not decision.ok:
            raise RuntimeError(f"{name} is too weak: {decision.sentence()} "
                               "Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")


def _refuse_private_rate_limits(app: Flask) -> None:
    """Rate limits kept in a worker's own memory are multiplied by the number of workers: with four, ten wrong
    passwords a minute become forty. gunicorn.conf.py tells the app how many workers serve (VIP_WORKERS)."""
    workers = int(os.environ.get("VIP_WORKERS", "1") or 1)
    if workers > 1 and app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        raise RuntimeError(
            f"{workers} workers would each count rate limits alone (logins, reveals, the public verify page): set "
            "VIP_RATELIMIT_STORAGE_URI=redis://… so they count together, or serve with one worker.")


def _prepare_sqlite_file(url: str) -> None:
    """The embedded database holds ID numbers and money: its folder exists (the instance folder is not made by
    anyone else when the keys come from the environment), SQLite can write there (its journal lives beside the
    file: a read-only folder would make every request that writes a 500), and the file is its owner's only."""
    if not url.startswith("sqlite:///") or url in ("sqlite://", "sqlite:///:memory:"):
        return
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.parent / f".write-check-{os.getpid()}"
        probe.touch()
        probe.unlink()
        if not path.exists():
            path.touch(mode=0o600)
        elif path.stat().st_mode & 0o077:
            path.chmod(0o600)
        with path.open("r+b"):
            pass
    except OSError as exc:
        raise RuntimeError(f"The database folder {path.parent} must exist and be writable by this user "
                           f"(SQLite writes its journal there): {exc.strerror}") from exc


class IdConverter(IntegerConverter):
    """A database id: a positive integer that fits a 32-bit column, so /members/99999999999 is a 404. The range is in
    the pattern too: an id that only failed conversion would answer 405 for a method another rule of that address
    takes."""

    regex = (r"(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
             r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])")

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config_module.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)
    _settle_keys(app)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", app.config["VIP_SESSION_MAX_HOURS"] * 3600)
    if app.config["VIP_PUBLIC_BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    if app.config["VIP_PROXY_COUNT"]:
        hops = app.config["VIP_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.config["VIP_PUBLIC_BASE_URL"] = app.config["VIP_PUBLIC_BASE_URL"].rstrip("/")
    _prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    _refuse_private_rate_limits(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A connection the server dropped (restart, failover, pg_terminate_backend) is replaced, not served a 500.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": True}

    from .training import clock_for
    # A training copy may run at a chosen date; the date alone, outside training mode, refuses to start.
    training_clock = clock_for(app.config)
    app.extensions["vip_clock"] = app.config.get("VIP_CLOCK") or training_clock or Clock(app.config["VIP_TIMEZONE"])
    app.extensions["vip_cipher"] = DataCipher(app.config["VIP_DATA_KEY"], app.config.get("VIP_DATA_KEY_PREVIOUS") or ())

    app.url_map.converters["id"] = IdConverter
    _init_extensions(app)
    _register_blueprints(app)
    _register_web_helpers(app)
    from .jobs import init_app as init_jobs
    init_jobs(app)

    from .cli import register_cli
    register_cli(app)

    from .settings import check_data_key
    with app.app_context():
        try:  # a wrong key refuses to start, before any request
            check_data_key(app.config["VIP_DATA_KEY"], app.config.get("VIP_DATA_KEY_PREVIOUS") or ())
        except Exception:
            db.engine.dispose()  # no pooled connection outlives the app that was refused
            raise
    return app


def _init_extensions(app: Flask) -> None:
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    # Import every model so metadata, migrations and relationships see them all.
    from . import audit  # noqa: F401
    from . import settings as _settings  # noqa: F401
    from .agreements import models as _agreements  # noqa: F401
    from .approvals import models as _approvals  # noqa: F401
    from .cards import charges as _charges  # noqa: F401
    from .cards import models as _cards  # noqa: F401
    from .imports import models as _imports  # noqa: F401
    from .loyalty import models as _loyalty  # noqa: F401
    from .members import models as _members  # noqa: F401
    from .portal import models as _portal  # noqa: F401
    from .programs import models as _programs  # noqa: F401
    from .queue import models as _queue  # noqa: F401
    from .signing import models as _signing  # noqa: F401
    from .units import models as _units  # noqa: F401
    from .users.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        if request.blueprint == "api":  # the API trusts bearer tokens only, never the browser session
            return None
        if not _session_fresh(app):
            return None
        key, _, fingerprint = user_id.partition(":")
        user = db.session.get(User, int(key)) if key.isdigit() and len(key) < 10 else None
        return user if user is not None and user.session_fingerprint() == fingerprint else None

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if req.blueprint != "api" or not header.startswith("Bearer "):
            return None
        from .users.services import user_for_token
        user = user_for_token(header.removeprefix("Bearer ").strip())
        g.vip_token_auth = user is not None
        return user


def _register_blueprints(app: Flask) -> None:
    from .agreements.views import bp as agreements_bp
    from .api import bp as api_bp
    from .approvals.views import bp as approvals_bp
    from .audit.views import bp as audit_bp
    from .cards.lifecycle_views import bp as lifecycle_bp
    from .cards.views import bp as cards_bp
    from .imports.views import bp as imports_bp
    from .loyalty.views import bp as loyalty_bp
    from .members.views import bp as members_bp
    from .portal.views import bp as portal_bp
    from .portal.views import outbox_bp as sms_outbox_bp
    from .programs.views import bp as programs_bp
    from .queue.views import bp as queue_bp
    from .reports.export_views import bp as exports_bp
    from .reports.views import bp as reports_bp
    from .units.views import bp as units_bp
    from .users.views import admin_bp, auth_bp
    from .verify.views import bp as public_bp
    from .web import bp as web_bp

    for blueprint in (web_bp, auth_bp, admin_bp, programs_bp, units_bp, members_bp, cards_bp, agreements_bp,
                      lifecycle_bp, approvals_bp, audit_bp, queue_bp, reports_bp, exports_bp, imports_bp, loyalty_bp, public_bp,
                      portal_bp, sms_outbox_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)
    if app.config.get("VIP_CHECK_RESPONSES", app.testing):  # tests: every API answer must match its declared shape
        from .api.spec import check_response
        app.after_request(check_response)


def _register_web_helpers(app: Flask) -> None:
    from . import web

    web.init_app(app)
    from . import training
    training.init_app(app)
