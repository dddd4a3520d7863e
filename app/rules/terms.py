"""The settings of a programme and a tier as the rules see them: plain, immutable values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum


class ProgramKind(str, Enum):
    PRESALE_DEPOSIT = "presale_deposit"  # 认筹金: refundable deposit
    PAID_MEMBERSHIP = "paid_membership"  # 会费: fee, refundable only as the rules say
    RETAIL = "retail"  # a shop's VIP card: free, earned by spend; discount and points on purchases, nothing to refund


class RefundAnchor(str, Enum):
    OPENING_DATE = "opening_date"
    ISSUE_DATE = "issue_date"
    EXPIRY_DATE = "expiry_date"


class DisputeResolution(str, Enum):
    COURT = "court"  # the people's court where the project lies
    ARBITRATION = "arbitration"  # a named arbitration commission


class RefundRequestMethod(str, Enum):
    """How a holder asks for a refund, as the agreement says."""

    IN_PERSON = "in_person"  # at the sales centre, with the card and the agreement
    BY_PHONE = "by_phone"  # by calling the programme's contact phone


class TransferPolicy(str, Enum):
    FORBIDDEN = "forbidden"
    WITH_APPROVAL = "with_approval"


class CardStatus(str, Enum):
    AWAITING_SIGNATURE = "awaiting_signature"  # issued and paid, but its subscription agreement is not yet sealed
    ACTIVE = "active"
    LOST = "lost"
    REPLACED = "replaced"
    TRANSFERRED = "transferred"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    REDEEMED = "redeemed"
    EXPIRED = "expired"
    VOIDED = "voided"


@dataclass(frozen=True)
class RefundWindowTerms:
    """First refund day = anchor + opens_after_days; last = anchor + closes_after_days (inclusive)."""

    anchor: RefundAnchor
    opens_after_days: int
    closes_after_days: int | None = None


@dataclass(frozen=True)
class TierTerms:
    amount_fen: int  # deposit or fee
    discount_rate_bp: int  # share of the price payable, 9500 = 9.5折
    credit_fen: int = 0  # 0, or the full offset including the deposit (value-add card)
    qualifying_spend_fen: int | None = None


@dataclass(frozen=True)
class ProgramTerms:
    kind: ProgramKind
    issuing_open: bool = True
    presale_permit_no: str | None = None
    presale_permit_date: dt.date | None = None
    opening_date: dt.date | None = None
    refund_window: RefundWindowTerms | None = None
    transfer_policy: TransferPolicy = TransferPolicy.FORBIDDEN
    transfer_fee_fen: int = 0
    reissue_fee_fen: int = 0
    validity_months: int | None = None
    valid_until: dt.date | None = None
    renewal_window_days: int | None = None
    max_active_cards_per_member: int = 1
    multiple_redemptions: bool = False
    termination_notice_days: int | None = None  # the member's notice
    issuer_termination_notice_days: int | None = None  # the issuer's notice; the fee is then refunded in full
    payment_due_days: int | None = None  # the fee is due this many days after signing
    late_fee_per_day_bp: int | None = None  # of the contract total, per day after the due day (5‰ = 50)
