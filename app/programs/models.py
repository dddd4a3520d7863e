from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column
from ..rules.loyalty import LoyaltyTerms
from ..rules.terms import (
    DisputeResolution,
    ProgramKind,
    ProgramTerms,
    RefundAnchor,
    RefundRequestMethod,
    RefundWindowTerms,
    TierTerms,
    TransferPolicy,
)
from ..rules.units import USE_SETS, UnitUse, uses_from_text
from .schemas import program_terms

USE_SETS_SQL = ", ".join(f"'{s}'" for s in USE_SETS)


class Program(db.Model):
    __tablename__ = "programs"
    audit_type = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ProgramKind] = mapped_column(enum_column(ProgramKind, "program_kind"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    issuer_name: Mapped[str] = mapped_column(String(200))
    # Particulars every agreement prints (DESIGN §10.1); optional so that older programmes still load.
    issuer_address: Mapped[str | None] = mapped_column(String(200))
    issuer_credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码, check digit verified
    issuer_legal_rep: Mapped[str | None] = mapped_column(String(60))  # 法定代表人
    dispute_resolution: Mapped[DisputeResolution] = mapped_column(
        enum_column(DisputeResolution, "dispute_resolution", 12), default=DisputeResolution.COURT, server_default="court")
    dispute_body: Mapped[str | None] = mapped_column(String(120))  # the arbitration commission, or a named court
    copies: Mapped[int] = mapped_column(Integer, default=2, server_default="2")  # 一式N份
    copies_held_by: Mapped[str | None] = mapped_column(String(100))  # e.g. 认筹方一份，开发商两份
    # The agreement's own words (DESIGN §6): its title, the name of the money, how a refund is asked for, and whether
    # the card is valid only together with the agreement. Empty title or term: the kind's usual words.
    agreement_title: Mapped[str | None] = mapped_column(String(40))  # 内部认购协议书, 认筹协议书, 会员协议
    deposit_term: Mapped[str | None] = mapped_column(String(10))  # 诚意金, 认筹金, 认购金, 会费
    refund_request_method: Mapped[RefundRequestMethod] = mapped_column(
        enum_column(RefundRequestMethod, "refund_request_method", 12), default=RefundRequestMethod.IN_PERSON,
        server_default="in_person")
    card_with_agreement: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # 缺一无效
    project_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    presale_permit_no: Mapped[str | None] = mapped_column(String(100))
    presale_permit_date: Mapped[dt.date | None] = mapped_column(Date)
    opening_date: Mapped[dt.date | None] = mapped_column(Date)
    refund_anchor: Mapped[RefundAnchor | None] = mapped_column(enum_column(RefundAnchor, "refund_anchor"))
    refund_opens_after_days: Mapped[int | None] = mapped_column(Integer)
    refund_closes_after_days: Mapped[int | None] = mapped_column(Integer)
    transfer_policy: Mapped[TransferPolicy] = mapped_column(enum_column(TransferPolicy, "transfer_policy"))
    transfer_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    reissue_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    validity_months: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    renewal_window_days: Mapped[int | None] = mapped_column(Integer)
    max_active_cards_per_member: Mapped[int] = mapped_column(Integer, default=1)
    multiple_redemptions: Mapped[bool] = mapped_column(Boolean, default=False)
    termination_notice_days: Mapped[int | None] = mapped_column(Integer)
    payment_due_days: Mapped[int | None] = mapped_column(Integer)
    # Paid memberships (DESIGN §14): the late fee per day of the contract total in basis points (5‰ = 50), and the
    # issuer's notice before its own termination takes effect (the member's is termination_notice_days).
    late_fee_per_day_bp: Mapped[int | None] = mapped_column(Integer)
    issuer_termination_notice_days: Mapped[int | None] = mapped_column(Integer)
    # Units: the uses a card may buy (comma-separated UnitUse values, None = any) and the days after the 认购书 within
    # which the sales contract must be signed.
    redeemable_uses: Mapped[str | None] = mapped_column(String(40))
    contract_sign_days: Mapped[int | None] = mapped_column(Integer)
    seal_png: Mapped[bytes | None] = mapped_column(LargeBinary)  # the issuer's seal, stamped on sealed agreements
    card_design: Mapped[str] = mapped_column(String(32), default="classic", server_default="classic")
    # Retail loyalty (DESIGN §14): points per yuan paid in thousandths (0.1 = 1 point per ¥10 = 100), a point's worth,
    # the months of a card year at whose end points expire, the birthday month's multiplier. Unused by other kinds.
    points_per_yuan_milli: Mapped[int] = mapped_column(Integer, default=100, server_default="100")
    point_value_fen: Mapped[int] = mapped_column(BigInteger, default=100, server_default="100")
    points_valid_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    birthday_multiplier: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    tiers: Mapped[list[Tier]] = relationship(back_populates="program", order_by="Tier.position",
                                               cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("transfer_fee_fen >= 0 AND reissue_fee_fen >= 0", name="fees_not_negative"),
        CheckConstraint("transfer_policy = 'with_approval' OR transfer_fee_fen = 0", name="fee_needs_transfer"),
        CheckConstraint(
            "(refund_anchor IS NULL AND refund_opens_after_days IS NULL AND refund_closes_after_days IS NULL)"
            " OR (refund_anchor IS NOT NULL AND refund_opens_after_days IS NOT NULL)",
            name="refund_window_complete"),
        CheckConstraint("refund_closes_after_days IS NULL OR refund_closes_after_days >= refund_opens_after_days",
                        name="refund_window_order"),
        CheckConstraint("kind <> 'presale_deposit' OR refund_anchor IS NOT NULL", name="deposit_refundable"),
        CheckConstraint("validity_months IS NULL OR valid_until IS NULL", name="one_validity"),
        CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity_positive"),
        CheckConstraint("renewal_window_days IS NULL OR validity_months IS NOT NULL", name="renewal_needs_validity"),
        CheckConstraint("max_active_cards_per_member >= 1", name="max_cards_positive"),
        CheckConstraint("(presale_permit_no IS NULL) = (presale_permit_date IS NULL)", name="permit_complete"),
        CheckConstraint("copies BETWEEN 1 AND 9", name="copies_range"),
        CheckConstraint(f"redeemable_uses IS NULL OR redeemable_uses IN ({USE_SETS_SQL})", name="redeemable_uses_known"),
        CheckConstraint("contract_sign_days IS NULL OR contract_sign_days BETWEEN 1 AND 90", name="contract_sign_days_range"),
        CheckConstraint("dispute_resolution = 'court' OR dispute_body IS NOT NULL", name="arbitration_names_body"),
        CheckConstraint("late_fee_per_day_bp IS NULL OR late_fee_per_day_bp BETWEEN 0 AND 10000", name="late_fee_range"),
        CheckConstraint("points_per_yuan_milli BETWEEN 0 AND 100000 AND point_value_fen > 0 AND points_valid_months > 0"
                        " AND birthday_multiplier >= 1", name="loyalty_terms"),
    )

    @property
    def refund_window(self) -> RefundWindowTerms | None:
        if self.refund_anchor is None or self.refund_opens_after_days is None:
            return None
        return RefundWindowTerms(self.refund_anchor, self.refund_opens_after_days, self.refund_closes_after_days)

    def terms(self) -> ProgramTerms:
        return program_terms(self)

    def loyalty_terms(self) -> LoyaltyTerms:
        return LoyaltyTerms(self.points_per_yuan_milli, self.point_value_fen, self.points_valid_months,
                            self.birthday_multiplier)

    @property
    def allowed_uses(self) -> frozenset[UnitUse] | None:
        return uses_from_text(self.redeemable_uses)

    def tier(self, code: str) -> Tier | None:
        return next((t for t in self.tiers if t.code == code), None)


class Tier(db.Model):
    __tablename__ = "tiers"
    audit_type = "tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    discount_rate_bp: Mapped[int] = mapped_column(Integer)
    credit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    qualifying_spend_fen: Mapped[int | None] = mapped_column(BigInteger)

    program: Mapped[Program] = relationship(back_populates="tiers")

    __table_args__ = (
        UniqueConstraint("program_id", "code", name="uq_tiers_program_code"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("discount_rate_bp > 0 AND discount_rate_bp <= 10000", name="discount_rate_range"),
        CheckConstraint("credit_fen = 0 OR credit_fen >= amount_fen", name="credit_includes_deposit"),
        CheckConstraint("qualifying_spend_fen IS NULL OR qualifying_spend_fen >= 0", name="spend_not_negative"),
    )

    @property
    def increment_fen(self) -> int:
        """增值: what the credit adds to the deposit (the credit includes the deposit), 0 without a credit."""
        return self.credit_fen - self.amount_fen if self.credit_fen else 0

    def terms(self) -> TierTerms:
        return TierTerms(self.amount_fen, self.discount_rate_bp, self.credit_fen, self.qualifying_spend_fen)
