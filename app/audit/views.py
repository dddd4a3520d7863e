"""The audit log screen: every entry, filtered by person, action, card (its whole lineage) and dates (exported by
app/reports/export_views.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..cards import history
from ..errors import ValidationFailed
from ..web import explain, register_labels, require
from .labels import ACTION_LABELS, OBJECT_LABELS
from .phrases import event_details, event_label, object_label

bp = Blueprint("audit", __name__)
register_labels(bp, event_label=event_label, event_details=event_details, object_label=object_label,
                action_codes=sorted(ACTION_LABELS),
                # whole groups, e.g. every card action: the prefixes that name an object the log knows
                action_groups=sorted({code.split(".")[0] for code in ACTION_LABELS} & set(OBJECT_LABELS)))


@bp.get("/admin/audit")
@require("audit.view")
def log():
    try:
        filters = history.read_audit_filters(request.args)
    except ValidationFailed as exc:
        flash(explain(exc), "error")
        filters = history.AuditFilters()
    if request.args.get("format") == "csv":  # the old export's address: the audit export, streamed
        return redirect(url_for("exports.download", what="audit", fmt="csv",
                                **{k: v for k, v in request.args.items() if k not in ("format", "before")}))
    entries = history.audit_entries(filters)
    older, shown = history.next_before(entries), {k: v for k, v in request.args.items() if k != "before"}
    return render_template("audit/log.html", entries=entries, filters=filters, args=request.args,
                           older_url=url_for("audit.log", **shown, before=older) if older else None,
                           newest_url=url_for("audit.log", **shown) if filters.before else None)
