"""The audit log screen: every entry, filtered by person, action, card (its whole lineage) and dates; CSV export."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request

from ..cards import history
from ..errors import ValidationFailed
from ..web import explain, require

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@require("audit.view")
def log():
    try:
        filters = history.read_audit_filters(request.args)
    except ValidationFailed as exc:
        flash(explain(exc), "error")
        filters = history.AuditFilters()
    if request.args.get("format") == "csv":
        return current_app.response_class(history.audit_csv(history.audit_entries(filters, limit=None)), mimetype="text/csv",
                                          headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
    return render_template("audit/log.html", entries=history.audit_entries(filters), filters=filters, args=request.args,
                           page_size=history.AUDIT_PAGE)
