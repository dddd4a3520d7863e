"""Starting points for the four kinds of programme in DESIGN §3, in the API's own shape.

A user picks one, then names it and adjusts the figures; nothing here is binding.
"""

from __future__ import annotations

import copy
from typing import Any

from ..rules import N_

# What every preset starts with; each preset below says only where it differs.
_BASE: dict[str, Any] = {
    "status": "open",
    # The issuer's particulars every agreement prints; filled in per programme.
    "issuer_address": None,
    "issuer_credit_code": None,
    "issuer_legal_rep": None,
    "dispute_resolution": "court",
    "dispute_body": None,
    "copies": 2,
    "copies_held_by": None,
    "presale_permit_no": None,
    "presale_permit_date": None,
    "opening_date": None,
    "refund_window": None,
    "transfer_policy": "forbidden",
    "transfer_fee": "0.00",
    "reissue_fee": "0.00",
    "validity_months": None,
    "valid_until": None,
    "renewal_window_days": None,
    "max_active_cards_per_member": 1,
    "multiple_redemptions": False,
    "termination_notice_days": None,
    "payment_due_days": None,
    "card_design": "classic",
    # Units: any kind of unit; the sales contract within the default 7 days of the 认购书.
    "redeemable_uses": None,
    "contract_sign_days": None,
}


def _tier(code: str, name: str, amount: str, rate: str, credit: str = "0.00", spend: str | None = None) -> dict[str, Any]:
    return {"code": code, "name": name, "amount": amount, "discount_rate": rate, "credit": credit, "qualifying_spend": spend}


_PRESETS: dict[str, dict[str, Any]] = {
    "presale_95": {
        "label": N_("Pre-sale deposit card, 9.5折"),
        "program": {
            "kind": "presale_deposit",
            "name": "VIP认筹卡",
            "refund_window": {"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": None},
            "reissue_fee": "20.00",
            "tiers": [_tier("VIP", "VIP卡", "50000.00", "0.95")],
        },
    },
    "presale_value_add": {
        "label": N_("Value-add pre-sale card (deposit 20,000 offsets 50,000)"),
        "program": {
            "kind": "presale_deposit",
            "name": "增值认筹卡",
            "refund_window": {"anchor": "opening_date", "opens_after_days": 15, "closes_after_days": None},
            "reissue_fee": "20.00",
            "tiers": [_tier("ZZ", "增值卡", "20000.00", "1.00", credit="50000.00")],
        },
    },
    "retail_vip": {
        "label": N_("Retail VIP card, 8.6折, qualifies by spend, valid 2 years"),
        "program": {
            "kind": "paid_membership",
            "name": "VIP会员卡",
            "reissue_fee": "10.00",
            "validity_months": 24,
            "renewal_window_days": 30,
            "multiple_redemptions": True,
            "tiers": [_tier("VIP", "VIP会员", "0.00", "0.86", spend="5000.00")],
        },
    },
    "online_membership": {
        "label": N_("Paid online membership, 2,000 a year"),
        "program": {
            "kind": "paid_membership",
            "name": "年度付费会员",
            # Seven days' cooling-off from signing; after that the member's own termination refunds nothing.
            "refund_window": {"anchor": "issue_date", "opens_after_days": 0, "closes_after_days": 6},
            "validity_months": 12,
            "renewal_window_days": 15,
            "multiple_redemptions": True,
            "termination_notice_days": 7,
            "payment_due_days": 2,
            "tiers": [_tier("ANNUAL", "年度会员", "2000.00", "1.00")],
        },
    },
}

PRESET_KEYS = tuple(_PRESETS)


def preset_label(key: str) -> str:
    return _PRESETS[key]["label"]


def preset(key: str) -> dict[str, Any]:
    """A fresh copy of a preset's programme fields in the API's shape (no code, issuer or project yet)."""
    return copy.deepcopy({**_BASE, **_PRESETS[key]["program"]})
