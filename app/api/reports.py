"""The dashboard's figures for integrators and the dashboard page alike (DESIGN §10.1)."""

from __future__ import annotations

from flask import jsonify

from ..reports import stats as reports
from ..reports.schemas import StatsFilters
from . import bp, query, require
from .responses import Stats
from .spec import operation


@bp.get("/stats")
@operation({200: Stats}, query=StatsFilters, errors=(404,))
def stats():
    """The dashboard's figures: cards issued per day, by status and consultant, money held, refunds, redemptions"""
    require("report.view")
    return jsonify(reports.dump_stats(reports.stats(query(StatsFilters))))
