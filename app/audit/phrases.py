"""An audit entry or timeline event in words of the page's language: its action as a phrase, its details as
"金额: ¥2,000.00 · 收据号: R-1" (the page, the timelines and the exports say them alike)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from ..agreements.models import AgreementKind
from ..cards import labels as card_labels
from ..cards.labels import LEDGER_LABELS, PAYMENT_LABELS, VERDICT_LABELS, agreement_label, ledger_label, own_words
from ..cards.models import LedgerKind, PaymentMethod
from ..members.schemas import ID_TYPE_LABELS, IdType
from ..programs import labels as program_labels
from ..rules import N_
from ..users.roles import ROLE_LABELS
from .labels import (
    ACTION_LABELS,
    DETAIL_LABELS,
    EXPORT_LABELS,
    OBJECT_LABELS,
    OWN_DETAIL_LABELS,
    REFUND_REQUEST_KIND_LABELS,
    SIGNING_LABELS,
)

# Any state, kind or choice a detail holds, by its code: the words the pages use for it. A code two tables share
# (the agreement's kind "refund", the refund request's) reads as the later table says, unless the action says more
# (event_details' ``what``).
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


def event_label(what: str, say: Callable[[str], str] = gettext, program=None) -> str:
    """An audit action or timeline event as a phrase in the page's language; an unknown code as it is. (``say``: an
    export's remembered translations, a million rows asking Flask-Babel for the same few words; ``program``: the card's,
    whose agreement names its money, 诚意金.)"""
    kind, _, value = what.partition(".")
    if kind == "ledger" and value in {k.value for k in LedgerKind}:
        return ledger_label(LedgerKind(value), program, say)
    return say(ACTION_LABELS[what]) if what in ACTION_LABELS else what


def event_details(data: Any, say: Callable[[str], str] = gettext, what: str = "", program=None) -> str:
    """An entry's details for people, in the page's language: "金额: ¥2,000.00 · 收据号: R-1", not escaped JSON. ``what``:
    the entry's action (a refund request's kind is not its confirmation's); ``program``: the card's, for its words."""
    if not isinstance(data, dict):
        return str(data)

    def value(key: str, v: Any) -> str:
        if key == "kind" and what.startswith("refund.") and v in REFUND_REQUEST_KIND_LABELS:
            return say(REFUND_REQUEST_KIND_LABELS[v])
        if key == "kind" and what == "agreement.created" and v == AgreementKind.SUBSCRIPTION.value:
            return agreement_label(AgreementKind.SUBSCRIPTION, program, say)
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

    words = own_words(program)

    def name(key: str) -> str:
        if words and key in OWN_DETAIL_LABELS:
            return say(OWN_DETAIL_LABELS[key]) % words
        return say(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key

    def pairs(values: dict) -> str:
        return " · ".join(f"{name(k)}: {value(k, v)}" for k, v in values.items() if v not in (None, ""))

    return pairs(data)


def object_label(kind: str, say: Callable[[str], str] = gettext) -> str:
    """What an audit entry is about (card, member, programme, …) in the page's language."""
    return say(OBJECT_LABELS[kind]) if kind in OBJECT_LABELS else kind
