"""Locale choice and translation of rule decisions."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import gettext

from .rules import Decision


def select_locale() -> str:
    """?lang= (remembered in a cookie), then the browser's Accept-Language, then zh_CN."""
    supported = current_app.config["VIP_LOCALES"]
    if not has_request_context():  # CLI and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in supported:
            return candidate
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def say(decision: Decision) -> str:
    return decision.sentence(gettext)
