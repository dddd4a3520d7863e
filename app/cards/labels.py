"""Words for card states, verdicts, payments and documents on screen (agreements use their own Chinese wording)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import get_locale, gettext

from ..agreements.contexts import agreement_title, deposit_term
from ..agreements.models import AgreementKind, AgreementStatus
from ..approvals.models import RefundKind, RequestStatus
from ..queue.models import QueueStatus
from ..rules import N_
from ..rules.terms import CardStatus
from ..rules.units import UnitStatus, UnitUse
from .charges import ChargeKind
from .models import LedgerKind, PaymentMethod

STATUS_LABELS = {
    CardStatus.AWAITING_SIGNATURE: N_("awaiting signature"),
    CardStatus.ACTIVE: N_("active"),
    CardStatus.LOST: N_("reported lost"),
    CardStatus.REPLACED: N_("replaced"),
    CardStatus.TRANSFERRED: N_("transferred"),
    CardStatus.REFUND_PENDING: N_("refund pending"),
    CardStatus.REFUNDED: N_("refunded"),
    CardStatus.REDEEMED: N_("redeemed"),
    CardStatus.EXPIRED: N_("expired"),
    CardStatus.VOIDED: N_("voided"),
}
VERDICT_LABELS = {
    "awaiting_signature": N_("AGREEMENT NOT SIGNED"),
    "valid": N_("VALID"),
    "invalid": N_("INVALID"),
    "lost": N_("LOST"),
    "replaced": N_("REPLACED"),
    "transferred": N_("TRANSFERRED"),
    "refund_pending": N_("REFUND PENDING"),
    "refunded": N_("REFUNDED"),
    "redeemed": N_("ALREADY REDEEMED"),
    "expired": N_("EXPIRED"),
    "voided": N_("VOIDED"),
    "not_yet_valid": N_("NOT YET VALID"),
    "dues_unpaid": N_("FEE NOT PAID"),
    "wrong_program": N_("WRONG PROGRAMME"),
    "card_not_found": N_("NO SUCH CARD"),
    "card_number_checksum": N_("MISTYPED NUMBER"),
}
PAYMENT_LABELS = {
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.BANK_CARD: N_("Bank card"),
    PaymentMethod.BANK_TRANSFER: N_("Bank transfer"),
    PaymentMethod.WECHAT_PAY: N_("WeChat Pay"),
    PaymentMethod.ALIPAY: N_("Alipay"),
}
LEDGER_LABELS = {
    LedgerKind.DEPOSIT_RECEIVED: N_("deposit received"),
    LedgerKind.FEE_RECEIVED: N_("fee received"),
    LedgerKind.REFUND_PAID: N_("refund paid"),
    LedgerKind.DEPOSIT_APPLIED: N_("deposit applied to purchase"),
    LedgerKind.CREDIT_VOIDED: N_("credit voided"),
    LedgerKind.DEPOSIT_RELEASED: N_("deposit returned after a cancelled purchase"),
    LedgerKind.CARRIED_OUT: N_("carried to the next card"),
    LedgerKind.CARRIED_IN: N_("carried from the previous card"),
    LedgerKind.REVERSED: N_("reversed (card voided)"),
}
AGREEMENT_LABELS = {
    AgreementKind.SUBSCRIPTION: N_("Subscription agreement"),
    AgreementKind.REDEMPTION: N_("Redemption confirmation"),
    AgreementKind.LOSS_REISSUE: N_("Loss and reissue application"),
    AgreementKind.TRANSFER: N_("Transfer agreement"),
    AgreementKind.REFUND: N_("Refund confirmation"),
    AgreementKind.RENEWAL: N_("Renewal confirmation"),
    AgreementKind.PURCHASE_SUBSCRIPTION: N_("Subscription for the unit"),
    AgreementKind.CANCELLATION: N_("Cancellation of the purchase"),
}
AGREEMENT_STATUS_LABELS = {
    CardStatus.AWAITING_SIGNATURE: N_("awaiting signature"),
    AgreementStatus.UNSIGNED: N_("awaiting signatures"),
    AgreementStatus.SEALED: N_("signed and sealed"),
    AgreementStatus.VOID: N_("void"),
}

# What /check says of an uploaded file: (headline, explanation)
CHECK_LABELS = {
    "sealed_original": (N_("Sealed original"), N_("This file is the sealed original, byte for byte, and its signature is intact.")),
    "signed_copy": (N_("Signed Word copy"), N_("This is the signed Word document of a sealed agreement; the original is its certificate-signed PDF.")),
    "altered": (N_("Altered"), N_("The electronic signature no longer matches the content: this copy was changed after it was sealed. Do not rely on it.")),
    "changed_after_sealing": (N_("Changed after sealing"), N_("The signature is intact, but the file was saved again with changes added after sealing: only the sealed part is genuine.")),
    "foreign_signature": (N_("Signed by someone else"), N_("This PDF is signed, but not under a certificate of this service.")),
    "not_recognised": (N_("Not recognised"), N_("This file is not the sealed original of any agreement: it may be a copy that was changed, or an unsigned draft.")),
}

QUEUE_LABELS = {
    QueueStatus.WAITING: N_("waiting"),
    QueueStatus.CALLED: N_("called"),
    QueueStatus.SERVED: N_("served"),
    QueueStatus.SKIPPED: N_("skipped"),
}

UNIT_STATUS_LABELS = {
    UnitStatus.AVAILABLE: N_("available"),
    UnitStatus.HELD: N_("held"),
    UnitStatus.SOLD: N_("sold"),
    UnitStatus.WITHDRAWN: N_("withdrawn"),
}

UNIT_USE_LABELS = {
    UnitUse.RESIDENTIAL: N_("home"),
    UnitUse.COMMERCIAL: N_("shop"),
    UnitUse.PARKING: N_("parking space"),
}
# Requests, refunds and fees as the approvals page and the exports say them.
REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: N_("waiting for approval"),
    RequestStatus.DONE: N_("approved and done"),
    RequestStatus.REJECTED: N_("rejected"),
    RequestStatus.CANCELLED: N_("withdrawn by the requester"),
}
REFUND_KIND_LABELS = {
    RefundKind.REFUND: N_("refund of the deposit"),
    RefundKind.ISSUER_TERMINATION: N_("membership ended by the issuer"),
}
CHARGE_LABELS = {
    ChargeKind.REISSUE_FEE: N_("reissue fee"),
    ChargeKind.TRANSFER_FEE: N_("transfer fee"),
    ChargeKind.RENEWAL_FEE: N_("renewal fee"),
    ChargeKind.LATE_FEE: N_("late fee"),
}

# The programme's own words (issue 12): its agreement calls the money 诚意金 or 认购金 and itself 内部认购协议书, and a
# Chinese page says what the agreement says (these msgids are only ever said in Chinese). English pages, and pages that
# know no programme, keep the generic words above.
OWN_LEDGER_LABELS = {
    LedgerKind.DEPOSIT_RECEIVED: N_("%(deposit)s received"),
    LedgerKind.FEE_RECEIVED: N_("%(fee)s received"),
    LedgerKind.DEPOSIT_APPLIED: N_("%(deposit)s applied to purchase"),
    LedgerKind.DEPOSIT_RELEASED: N_("%(deposit)s returned after a cancelled purchase"),
}
OWN_REFUND_KIND_LABELS = {RefundKind.REFUND: N_("refund of the %(deposit)s")}


def own_words(program) -> dict[str, str] | None:
    """What the programme's agreement calls its money and itself (the kind's usual words when it names none), on a
    Chinese page; None on a page in another language. ``program``: anything with kind, deposit_term, agreement_title."""
    if program is None or get_locale().language != "zh":
        return None
    term = deposit_term(program)
    return {"deposit": term, "fee": term, "title": agreement_title(program)}


def ledger_label(kind: LedgerKind, program=None, say: Callable[[str], str] = gettext) -> str:
    """A ledger row's kind in the page's language, in the programme's words when it is known."""
    words = own_words(program)
    if words and kind in OWN_LEDGER_LABELS:
        return say(OWN_LEDGER_LABELS[kind]) % words
    return say(LEDGER_LABELS[kind])


def agreement_label(kind: AgreementKind, program=None, say: Callable[[str], str] = gettext) -> str:
    """A document's name: the subscription agreement by its own title (内部认购协议书) on a Chinese page."""
    words = own_words(program)
    if kind is AgreementKind.SUBSCRIPTION and words:
        return words["title"]
    return say(AGREEMENT_LABELS[kind])


def refund_kind_label(kind: RefundKind, program=None, say: Callable[[str], str] = gettext) -> str:
    words = own_words(program)
    if words and kind in OWN_REFUND_KIND_LABELS:
        return say(OWN_REFUND_KIND_LABELS[kind]) % words
    return say(REFUND_KIND_LABELS[kind])
