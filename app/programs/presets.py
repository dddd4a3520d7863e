"""Starting points for the four kinds of programme in DESIGN §3, in the API's own shape.

A user picks one, then names it and adjusts the figures; nothing here is binding.
"""

from __future__ import annotations

import copy
from typing import Any

from ..rules import N_

_PRESETS: dict[str, dict[str, Any]] = {
    "presale_95": {
        "label": N_("Pre-sale deposit card, 9.5折"),
        "program": {
            "kind": "presale_deposit",
            "name": "VIP认筹卡",
            "status": "open",
            "presale_permit_no": None,
            "presale_permit_date": None,
            "opening_date": None,
            "refund_window": {"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": None},
            "transfer_policy": "forbidden",
            "transfer_fee": "0.00",
            "reissue_fee": "20.00",
            "validity_months": None,
            "valid_until": None,
            "renewal_window_days": None,
            "max_active_cards_per_member": 1,
            "multiple_redemptions": False,
            "termination_notice_days": None,
            "payment_due_days": None,
            "tiers": [{"code": "VIP", "name": "VIP卡", "amount": "50000.00", "discount_rate": "0.95", "credit": "0.00", "qualifying_spend": None}],
        },
    },
    "presale_value_add": {
        "label": N_("Value-add pre-sale card (deposit 20,000 offsets 50,000)"),
        "program": {
            "kind": "presale_deposit",
            "name": "增值认筹卡",
            "status": "open",
            "presale_permit_no": None,
            "presale_permit_date": None,
            "opening_date": None,
            "refund_window": {"anchor": "opening_date", "opens_after_days": 15, "closes_after_days": None},
            "transfer_policy": "forbidden",
            "transfer_fee": "0.00",
            "reissue_fee": "20.00",
            "validity_months": None,
            "valid_until": None,
            "renewal_window_days": None,
            "max_active_cards_per_member": 1,
            "multiple_redemptions": False,
            "termination_notice_days": None,
            "payment_due_days": None,
            "tiers": [{"code": "ZZ", "name": "增值卡", "amount": "20000.00", "discount_rate": "1.00", "credit": "50000.00", "qualifying_spend": None}],
        },
    },
    "retail_vip": {
        "label": N_("Retail VIP card, 8.6折, qualifies by spend, valid 2 years"),
        "program": {
            "kind": "paid_membership",
            "name": "VIP会员卡",
            "status": "open",
            "presale_permit_no": None,
            "presale_permit_date": None,
            "opening_date": None,
            "refund_window": None,
            "transfer_policy": "forbidden",
            "transfer_fee": "0.00",
            "reissue_fee": "10.00",
            "validity_months": 24,
            "valid_until": None,
            "renewal_window_days": 30,
            "max_active_cards_per_member": 1,
            "multiple_redemptions": True,
            "termination_notice_days": None,
            "payment_due_days": None,
            "tiers": [{"code": "VIP", "name": "VIP会员", "amount": "0.00", "discount_rate": "0.86", "credit": "0.00", "qualifying_spend": "5000.00"}],
        },
    },
    "online_membership": {
        "label": N_("Paid online membership, 2,000 a year"),
        "program": {
            "kind": "paid_membership",
            "name": "年度付费会员",
            "status": "open",
            "presale_permit_no": None,
            "presale_permit_date": None,
            "opening_date": None,
            "refund_window": {"anchor": "issue_date", "opens_after_days": 0, "closes_after_days": 6},
            "transfer_policy": "forbidden",
            "transfer_fee": "0.00",
            "reissue_fee": "0.00",
            "validity_months": 12,
            "valid_until": None,
            "renewal_window_days": 15,
            "max_active_cards_per_member": 1,
            "multiple_redemptions": True,
            "termination_notice_days": 7,
            "payment_due_days": 2,
            "tiers": [{"code": "ANNUAL", "name": "年度会员", "amount": "2000.00", "discount_rate": "1.00", "credit": "0.00", "qualifying_spend": None}],
        },
    },
}

PRESET_KEYS = tuple(_PRESETS)


def preset_label(key: str) -> str:
    return _PRESETS[key]["label"]


def preset(key: str) -> dict[str, Any]:
    """A fresh copy of a preset's programme fields (no code, issuer or project yet)."""
    return copy.deepcopy(_PRESETS[key]["program"])
