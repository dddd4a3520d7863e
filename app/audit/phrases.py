"""An audit entry or timeline event in words of the page's language: its action as a phrase, its details as
"金额: ¥2,000.00 · 收据号: R-1" (the page, the timelines and the exports say them alike)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from ..cards.labels import LEDGER_LABELS, PAYMENT_LABELS, VERDICT_LABELS
from ..cards.models import LedgerKind, PaymentMethod
from ..members.schemas import ID_TYPE_LABELS, IdType
from ..rules import N_
from .labels import ACTION_LABELS, DETAIL_LABELS, EXPORT_LABELS


def event_label(what: str, say: Callable[[str], str] = gettext) -> str:
    """An audit action or timeline event as a phrase in the page's language; an unknown code as it is. (``say``: an
    export's remembered translations, a million rows asking Flask-Babel for the same few words.)"""
    kind, _, value = what.partition(".")
    if kind == "ledger" and value in {k.value for k in LedgerKind}:
        return say(LEDGER_LABELS[LedgerKind(value)])
    return say(ACTION_LABELS[what]) if what in ACTION_LABELS else what


def event_details(data: Any, say: Callable[[str], str] = gettext) -> str:
    """An entry's details for people, in the page's language: "金额: ¥2,000.00 · 收据号: R-1", not escaped JSON."""
    if not isinstance(data, dict):
        return str(data)

    def value(key: str, v: Any) -> str:
        if isinstance(v, bool):
            return say(N_("yes")) if v else say(N_("no"))
        if key == "verdict" and v in VERDICT_LABELS:
            return say(VERDICT_LABELS[v])
        if key == "id_type" and v in {t.value for t in IdType}:
            return say(ID_TYPE_LABELS[IdType(v)])
        if key in ("payment_method", "method", "payout_method") and v in {m.value for m in PaymentMethod}:
            return say(PAYMENT_LABELS[PaymentMethod(v)])
        if key == "what" and v in EXPORT_LABELS:
            return say(EXPORT_LABELS[v])
        if key == "filters" and isinstance(v, dict):  # an export's: "status=active, q=张三"
            return ", ".join(f"{k}={x}" for k, x in v.items())
        return json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)

    return " · ".join(f"{say(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k}: {value(k, v)}"
                      for k, v in data.items() if v not in (None, ""))
