"""The audit log screen: every entry, filtered by person, action, card (its whole lineage) and dates; CSV export."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext

from ..cards import history
from ..cards.labels import LEDGER_LABELS, PAYMENT_LABELS, VERDICT_LABELS
from ..cards.models import LedgerKind, PaymentMethod
from ..errors import ValidationFailed
from ..members.schemas import ID_TYPE_LABELS, IdType
from ..web import explain, register_labels, require
from .labels import ACTION_LABELS, DETAIL_LABELS


def event_label(what: str) -> str:
    """An audit action or timeline event as a phrase in the page's language; an unknown code as it is."""
    kind, _, value = what.partition(".")
    if kind == "ledger" and value in {k.value for k in LedgerKind}:
        return gettext(LEDGER_LABELS[LedgerKind(value)])
    return gettext(ACTION_LABELS[what]) if what in ACTION_LABELS else what


def event_details(data: Any) -> str:
    """An entry's details for people, in the page's language: "金额: ¥2,000.00 · 收据号: R-1", not escaped JSON."""
    if not isinstance(data, dict):
        return str(data)

    def value(key: str, v: Any) -> str:
        if isinstance(v, bool):
            return gettext("yes") if v else gettext("no")
        if key == "verdict" and v in VERDICT_LABELS:
            return gettext(VERDICT_LABELS[v])
        if key == "id_type" and v in {t.value for t in IdType}:
            return gettext(ID_TYPE_LABELS[IdType(v)])
        if key in ("payment_method", "method", "payout_method") and v in {m.value for m in PaymentMethod}:
            return gettext(PAYMENT_LABELS[PaymentMethod(v)])
        return json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)

    return " · ".join(f"{gettext(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k}: {value(k, v)}"
                      for k, v in data.items() if v not in (None, ""))


bp = Blueprint("audit", __name__)
register_labels(bp, event_label=event_label, event_details=event_details)


@bp.get("/admin/audit")
@require("audit.view")
def log():
    try:
        filters = history.read_audit_filters(request.args)
    except ValidationFailed as exc:
        flash(explain(exc), "error")
        filters = history.AuditFilters()
    if request.args.get("format") == "csv":
        return current_app.response_class(history.audit_csv(history.audit_entries(filters, every=True)), mimetype="text/csv",
                                          headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
    entries = history.audit_entries(filters)
    older, shown = history.next_before(entries), {k: v for k, v in request.args.items() if k != "before"}
    return render_template("audit/log.html", entries=entries, filters=filters, args=request.args,
                           older_url=url_for("audit.log", **shown, before=older) if older else None,
                           newest_url=url_for("audit.log", **shown) if filters.before else None)
