"""Starting points for the four kinds of programme in DESIGN §3, in the API's own shape.

A user picks one, then names it and adjusts the figures; nothing here is binding.
"""

from __future__ import annotations

import copy
from decimal import Decimal
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
    # The agreement's own words (none: the kind's usual ones) and how it asks for a refund.
    "agreement_title": None,
    "deposit_term": None,
    "refund_request_method": "in_person",
    "card_with_agreement": False,
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
    "late_fee_per_day_bp": None,
    "issuer_termination_notice_days": None,
    "card_design": "classic",
    # Retail loyalty: 1 point per ¥10, ¥1 a point, points expire at the end of the card year, double in the birthday month.
    "points_per_yuan": "0.1",
    "point_value": "1.00",
    "points_valid_months": 12,
    "birthday_multiplier": 2,
    # Units: any kind of unit; the sales contract within the default 7 days of the 认购书.
    "redeemable_uses": None,
    "contract_sign_days": None,
}


def _tier(code: str, name: str, amount: str, rate: str, increment: str = "0.00", spend: str | None = None) -> dict[str, Any]:
    """A tier; a value-add card's increment is what it adds to the deposit, the credit (deposit + increment) follows."""
    credit = f"{Decimal(amount) + Decimal(increment):.2f}" if Decimal(increment) else "0.00"
    return {"code": code, "name": name, "amount": amount, "discount_rate": rate, "credit": credit, "increment": increment,
            "qualifying_spend": spend}


_PRESETS: dict[str, dict[str, Any]] = {
    "presale_95": {
        "label": N_("Pre-sale deposit card, 9.5折"),
        "program": {
            "kind": "presale_deposit",
            "name": "VIP认筹卡",
            # As the 重邦尚城 agreement has it: a 内部认购协议书 for 诚意金; refund asked in person with the card and the
            # agreement; one card buys one unit (redeemed once) but a person may hold several cards; reissue is free
            # (the agreement names no fee).
            "agreement_title": "内部认购协议书",
            "deposit_term": "诚意金",
            "refund_request_method": "in_person",
            "max_active_cards_per_member": 100,
            "refund_window": {"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": None},
            "tiers": [_tier("VIP", "VIP卡", "50000.00", "0.95")],
        },
    },
    "presale_value_add": {
        "label": N_("Value-add pre-sale card (deposit 20,000 offsets 50,000)"),
        "program": {
            "kind": "presale_deposit",
            "name": "增值认筹卡",
            # As the 依林小镇 agreement has it: a 认筹协议书 in three copies, refund asked by phone, the card valid only
            # with the agreement, the increment stated apart; no reissue fee and no per-person limit it does not name.
            "agreement_title": "认筹协议书",
            "deposit_term": "认购金",
            "copies": 3,
            "copies_held_by": "认筹方一份，开发商两份",
            "refund_request_method": "by_phone",
            "card_with_agreement": True,
            "max_active_cards_per_member": 100,
            "refund_window": {"anchor": "opening_date", "opens_after_days": 15, "closes_after_days": None},
            "tiers": [_tier("ZZ", "增值卡", "20000.00", "1.00", increment="30000.00")],
        },
    },
    "retail_vip": {
        "label": N_("Retail VIP card, 8.6折, qualifies by spend, valid 2 years"),
        "program": {
            # Free, earned by spend: nothing to refund or terminate; one card a person, not transferable, reissued after
            # a loss without a fee (the agreement names none); valid 2 years, then renewed or lapsed.
            "kind": "retail",
            "name": "VIP会员卡",
            "validity_months": 24,
            "renewal_window_days": 30,
            "tiers": [_tier("VIP", "VIP会员", "0.00", "0.86", spend="5000.00")],
        },
    },
    "online_membership": {
        "label": N_("Paid online membership, 2,000 a year"),
        "program": {
            "kind": "paid_membership",
            "name": "年度付费会员",
            # As its agreement says: no cooling-off refund (the member's 7 days are notice, and their termination
            # refunds nothing); a year from signing, renewable in its last 3 days; the fee due within 2 days of
            # signing, 5‰ of the contract total a day late; the provider's termination on 3 days' notice, refunded in full.
            "validity_months": 12,
            "renewal_window_days": 3,
            "multiple_redemptions": True,
            "termination_notice_days": 7,
            "issuer_termination_notice_days": 3,
            "payment_due_days": 2,
            "late_fee_per_day_bp": 50,
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
