"""An audit entry or timeline event in words of the page's language: its action as a phrase, its details as
"金额: ¥2,000.00 · 收据号: R-1" (the page, the timelines and the exports say them alike)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from ..cards import labels as card_labels
from ..cards.labels import LEDGER_LABELS, PAYMENT_LABELS, VERDICT_LABELS
from ..cards.models import LedgerKind, PaymentMethod
from ..members.schemas import ID_TYPE_LABELS, IdType
from ..programs import labels as program_labels
from ..rules import N_
from ..users.roles import ROLE_LABELS
from .labels import ACTION_LABELS, DETAIL_LABELS, EXPORT_LABELS, OBJECT_LABELS, SIGNING_LABELS

# Any state, kind or choice a detail holds, by its code: the words the pages use for it. (Refund kinds first: the
# agreement's kind "refund" is the same code, and an older entry's words stay as they were.)
VALUE_LABELS = {getattr(key, "value", key): text for table in (
    card_labels.REFUND_KIND_LABELS,
    card_labels.STATUS_LABELS, card_labels.AGREEMENT_LABELS, card_labels.AGREEMENT_STATUS_LABELS,
    card_labels.QUEUE_LABELS, card_labels.UNIT_STATUS_LABELS, card_labels.UNIT_USE_LABELS, program_labels.KIND_LABELS,
    program_labels.ANCHOR_LABELS, program_labels.DISPUTE_LABELS, program_labels.POLICY_LABELS,
    program_labels.REFUND_REQUEST_LABELS, ROLE_LABELS,
    SIGNING_LABELS, LEDGER_LABELS) for key, text in table.items()}
# Details people typed: shown as typed, even if one happens to spell a code.
FREE_TEXT = {"name", "note", "reason", "item", "file", "username", "receipt_no", "reference", "fee_receipt_no", "code",
             "issuer_name", "project_name", "dispute_body", "copies_held_by", "station", "why", "agreement_title",
             "deposit_term"}


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
        if isinstance(v, dict):  # a programme's refund window, a change's from and to
            return f"({pairs(v)})"
        if isinstance(v, list):
            return "; ".join(f"({pairs(x)})" if isinstance(x, dict) else value(key, x) for x in v)
        if isinstance(v, str) and key not in FREE_TEXT and v in VALUE_LABELS:
            return say(VALUE_LABELS[v])
        return str(v)

    def pairs(values: dict) -> str:
        return " · ".join(f"{say(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k}: {value(k, v)}"
                          for k, v in values.items() if v not in (None, ""))

    return pairs(data)


def object_label(kind: str, say: Callable[[str], str] = gettext) -> str:
    """What an audit entry is about (card, member, programme, …) in the page's language."""
    return say(OBJECT_LABELS[kind]) if kind in OBJECT_LABELS else kind
