"""The dashboard: the manager's start page, the figures of GET /api/v1/stats as numbers and charts."""

from __future__ import annotations

from typing import Any

from babel.dates import format_skeleton
from flask import Blueprint, render_template, request
from flask_babel import get_locale, gettext

from ..cards.labels import STATUS_LABELS
from ..errors import ValidationFailed
from ..programs.services import list_programs
from ..web import field_errors, require
from . import stats as reports
from .schemas import StatsFilters

bp = Blueprint("reports", __name__)


@bp.get("/dashboard")
@require("report.view")
def dashboard():
    values = {k: v for k, v in request.args.items() if k in StatsFilters.names() and v.strip()}
    try:
        filters = StatsFilters.read(values)
    except ValidationFailed as exc:
        filters, errors = StatsFilters(), field_errors(exc)
    else:
        errors = {}
    figures = reports.stats(filters)
    return render_template("reports/dashboard.html", figures=figures, charts=_charts(figures), values=values,
                           errors=errors, programs=list_programs(), status_labels=STATUS_LABELS,
                           consultant_name=consultant_name), \
        422 if errors else 200


def _charts(figures: reports.Stats) -> dict[str, Any]:
    """What dashboard.js draws, every word already in the page's language."""
    locale = get_locale()
    return {
        "days": [format_skeleton("MMMd", day, locale=locale) for day in figures.issued_per_day],
        "new": [new for new, _ in figures.issued_per_day.values()],
        "successors": [successors for _, successors in figures.issued_per_day.values()],
        "statuses": [{"name": gettext(STATUS_LABELS[status]), "value": count}
                     for status, count in figures.by_status.items()],
        "consultants": [{"name": consultant_name(user), "value": count} for user, count in figures.by_consultant],
        "words": {"new": gettext("New cards"), "successors": gettext("Reissued or transferred"),
                  "cards": gettext("Number of cards"), "day": gettext("Day issued")},
    }


def consultant_name(user) -> str:
    return user.display_name if user is not None else gettext("System (import or command line)")
