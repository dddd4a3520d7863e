"""Words for programme settings, shared by pages and (later) agreements."""

from __future__ import annotations

from flask_babel import gettext

from ..rules import N_
from ..rules.terms import (
    DisputeResolution,
    ProgramKind,
    RefundAnchor,
    RefundRequestMethod,
    RefundWindowTerms,
    TransferPolicy,
)

KIND_LABELS = {
    ProgramKind.PRESALE_DEPOSIT: N_("Pre-sale deposit card (refundable deposit)"),
    ProgramKind.PAID_MEMBERSHIP: N_("Membership (fee)"),
    ProgramKind.RETAIL: N_("Retail VIP card (discount and points, earned by spend)"),
}
ANCHOR_LABELS = {
    RefundAnchor.OPENING_DATE: N_("opening day"),
    RefundAnchor.ISSUE_DATE: N_("issue day"),
    RefundAnchor.EXPIRY_DATE: N_("expiry day"),
}
DISPUTE_LABELS = {
    DisputeResolution.COURT: N_("the people's court"),
    DisputeResolution.ARBITRATION: N_("arbitration"),
}
REFUND_REQUEST_LABELS = {
    RefundRequestMethod.IN_PERSON: N_("in person, with the card and the agreement"),
    RefundRequestMethod.BY_PHONE: N_("by phone, to the contact phone"),
}
POLICY_LABELS = {
    TransferPolicy.FORBIDDEN: N_("Not transferable (real-name)"),
    TransferPolicy.WITH_APPROVAL: N_("Transferable with a manager's approval"),
}


def describe_refund_window(window: RefundWindowTerms | None) -> str:
    if window is None:
        return gettext("No refunds on request.")
    anchor = gettext(ANCHOR_LABELS[window.anchor])
    if window.closes_after_days is None:
        return gettext("From %(anchor)s + %(opens)s days, with no end.", anchor=anchor, opens=window.opens_after_days)
    return gettext("From %(anchor)s + %(opens)s days to %(anchor)s + %(closes)s days (inclusive).",
                   anchor=anchor, opens=window.opens_after_days, closes=window.closes_after_days)


