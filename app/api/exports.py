"""Exports (DESIGN §10.1): GET /exports/{what}.xlsx · .csv, filtered like the list each comes from."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from ..extensions import limiter
from ..members.services import reveal_limit
from ..reports import exports
from ..reports.export_schemas import ExportQuery
from ..web import revealer
from . import bp, query, require
from .spec import operation


@bp.get("/exports/<what>.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/exports/<what>.csv", defaults={"fmt": "csv"})
@limiter.limit(reveal_limit, key_func=revealer, exempt_when=lambda: not exports.wants_reveal(request.args))
@operation({200: (exports.XLSX, "text/csv")}, query=ExportQuery, errors=(429,), describe={
    200: "XLSX (money as numbers in yuan with a ¥ format, times in the sales centre's time) or CSV (UTF-8 with BOM); "
         "headers in the language asked for (Chinese unless Accept-Language says otherwise)",
    403: "Managers and auditors export; reveal=1 (ID numbers and mobiles in full) is for managers only",
    404: "what is not one of cards, members, ledger, refunds, charges, audit",
    422: "A filter this export does not take, a wrong value, or reveal without a reason",
    429: "Too many exports with the numbers in full: they count against the same hourly limit as reveals"})
def export(what: str, fmt: str):
    """A whole list as a spreadsheet: cards, members, ledger, refunds, charges or audit

    Takes the filters of the list it comes from (see the parameters: each export reads only its own). Personal numbers
    are masked unless reveal=1 with a reason (managers; rate-limited like reveals, and every row counts towards the
    alert on many reveals). Every export is written to the audit log with its filters and number of rows."""
    require("report.export")
    exports.kind_of(what)
    query(ExportQuery)  # repeated or unknown keys, wrong types; then the export reads its own filters
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return exports.download(exports.prepare(what, fmt, args, user=current_user))
