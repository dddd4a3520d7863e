from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column
from ..rules.terms import CardStatus, ProgramKind


class PaymentMethod(str, Enum):
    CASH = "cash"
    BANK_CARD = "bank_card"
    BANK_TRANSFER = "bank_transfer"
    WECHAT_PAY = "wechat_pay"
    ALIPAY = "alipay"


class LedgerKind(str, Enum):
    DEPOSIT_RECEIVED = "deposit_received"
    FEE_RECEIVED = "fee_received"
    REFUND_PAID = "refund_paid"
    DEPOSIT_APPLIED = "deposit_applied"
    CREDIT_VOIDED = "credit_voided"
    DEPOSIT_RELEASED = "deposit_released"  # an annulled purchase gives the applied deposit back to the card
    CARRIED_OUT = "carried_out"  # reissue or transfer: the money held moves to the next card
    CARRIED_IN = "carried_in"
    REVERSED = "reversed"  # a card voided as issued in error: what was taken is given back


class DuesStatus(str, Enum):
    """A paid membership issued before its fee was paid: the fee is due within the programme's days of signing."""

    UNPAID = "unpaid"
    PAID = "paid"


class ScanAction(str, Enum):
    VERIFY = "verify"
    REDEEM = "redeem"


class Card(db.Model):
    """One issued card. Reissue and transfer make a new card with the same public id and the next generation."""

    __tablename__ = "cards"
    audit_type = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    public_id: Mapped[str] = mapped_column(String(16))
    generation: Mapped[int] = mapped_column(Integer, default=1)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[CardStatus] = mapped_column(enum_column(CardStatus, "card_status"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    payment_method: Mapped[PaymentMethod | None] = mapped_column(enum_column(PaymentMethod, "payment_method"))
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    design: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_through: Mapped[dt.date | None] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    permit_override: Mapped[bool] = mapped_column(Boolean, default=False)
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    redeemed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    credit_void: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # after a cancelled purchase
    loss_reason: Mapped[str | None] = mapped_column(String(200))  # as told when the loss was reported
    legacy_number: Mapped[str | None] = mapped_column(String(40))  # an imported card's number on paper or in Excel
    # Dues (app/cards/dues.py): set only on a membership issued before its fee was paid. The due day is known once the
    # agreement is signed; the late fee is the one charged when the fee was paid.
    dues_status: Mapped[DuesStatus | None] = mapped_column(enum_column(DuesStatus, "dues_status", 8))
    dues_due_on: Mapped[dt.date | None] = mapped_column(Date)
    dues_paid_on: Mapped[dt.date | None] = mapped_column(Date)
    dues_late_fee_fen: Mapped[int | None] = mapped_column(BigInteger)
    # The ledger's sum, when a query computed it in the card's own SELECT (verification: one round trip).
    held_loaded: Mapped[int | None] = query_expression()

    program = relationship("Program")
    predecessor = relationship("Card", remote_side="Card.id", foreign_keys=[predecessor_id])
    tier = relationship("Tier")
    member = relationship("Member")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    ledger: Mapped[list[LedgerEntry]] = relationship(back_populates="card", order_by="LedgerEntry.id")
    redemptions: Mapped[list[Redemption]] = relationship(back_populates="card", order_by="Redemption.id")
    agreements = relationship("Agreement", foreign_keys="Agreement.card_id", order_by="Agreement.id", viewonly=True)
    # Fees (app/cards/charges.py): income, never part of the money held. A reissue or transfer fee is recorded on the
    # card it paid for, the successor; the card it replaced shows it too (its successors' fees).
    charges = relationship("Charge", order_by="Charge.id", viewonly=True)
    successors = relationship("Card", foreign_keys=[predecessor_id], order_by="Card.id", viewonly=True)

    __table_args__ = (
        UniqueConstraint("public_id", "generation", name="uq_cards_public_id_generation"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("generation >= 1", name="generation_positive"),
        CheckConstraint("valid_through IS NULL OR valid_through >= valid_from", name="validity_order"),
        CheckConstraint("(status = 'redeemed') <= (redeemed_at IS NOT NULL)", name="redeemed_has_time"),
        Index("ix_cards_issued_at_id", "issued_at", "id"),
        Index("ix_cards_status_id", "status", "id"),  # the card list's status filter, newest first (migration 0014)
        Index("ix_cards_issued_by_id", "issued_by_id"),
        Index("ix_cards_issued_on", "issued_on"),
        # The dashboard (app/reports/stats.py): one index-only scan of a period's cards grouped every way it shows
        # (all programmes, or one), counts by programme and status, and memberships by the day they run out (0015).
        Index("ix_cards_dashboard", "issued_on", "program_id", "status", "issued_by_id", "predecessor_id"),
        Index("ix_cards_program_dashboard", "program_id", "issued_on", "status", "issued_by_id", "predecessor_id"),
        Index("ix_cards_program_status", "program_id", "status"),
        Index("ix_cards_status_valid_through", "status", "valid_through", "program_id"),
        Index("ix_cards_program_receipt", "program_id", "receipt_no"),  # an import's natural key
        Index("ix_cards_legacy_number", "legacy_number"),
    )

    def term_from_signing(self, tz: dt.tzinfo) -> bool:
        """A membership issued here runs from the day its agreement takes effect (自签字盖章之日起); a successor keeps the
        term it continues and an imported card the term its paper says (its record was made after its issue day)."""
        return (self.program.kind is ProgramKind.PAID_MEMBERSHIP and self.predecessor_id is None
                and self.issued_at.astimezone(tz).date() == self.issued_on)

    def term_awaits_signing(self, tz: dt.tzinfo) -> bool:
        """Its term is not known yet: it starts on the day the agreement is signed."""
        return self.status is CardStatus.AWAITING_SIGNATURE and self.term_from_signing(tz)

    @property
    def held_fen(self) -> int:
        """Money held for the member: the sum of the card's ledger, by definition."""
        if self.held_loaded is not None and "ledger" not in self.__dict__:
            return self.held_loaded
        return sum(entry.amount_fen for entry in self.ledger)


class LedgerEntry(db.Model):
    """A movement of money for a card. Rows are only ever added."""

    __tablename__ = "ledger_entries"
    audit_type = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind, "ledger_kind"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # effect on money held: received > 0, paid out or applied < 0
    payment_method: Mapped[PaymentMethod | None] = mapped_column(enum_column(PaymentMethod, "ledger_payment_method"))
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    card: Mapped[Card] = relationship(back_populates="ledger")

    __table_args__ = (
        CheckConstraint(
            "(kind IN ('deposit_received', 'fee_received', 'deposit_released', 'carried_in') AND amount_fen >= 0)"
            " OR (kind IN ('refund_paid', 'deposit_applied', 'carried_out', 'reversed') AND amount_fen <= 0)"
            " OR (kind = 'credit_voided' AND amount_fen = 0)",
            name="sign_by_kind"),
        Index("ix_ledger_entries_card_amount", "card_id", "amount_fen"),  # the dashboard's money held, from the index
    )


MONEY_HELD_SHARDS = 16


class MoneyHeldTotal(db.Model):
    """The ledger's sum per programme, in ``MONEY_HELD_SHARDS`` rows each, kept by a trigger on ``ledger_entries`` in
    the inserting transaction (migration 0022), so no code path can forget it and the dashboard reads 16 rows, not a
    million. A card's shard comes from its public id, which its successors keep: a reissue or transfer moves money
    within one shard row, and two cards' operations on opening day lock the same row one time in sixteen."""

    __tablename__ = "money_held_totals"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True, autoincrement=False)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    held_fen: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint(f"shard >= 0 AND shard < {MONEY_HELD_SHARDS}", name="shard_in_range"),)


class Redemption(db.Model):
    """Using a card for a purchase, with the settlement the rules computed at that moment."""

    __tablename__ = "redemptions"
    audit_type = "redemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    item: Mapped[str] = mapped_column(String(100))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    discount_rate_bp: Mapped[int] = mapped_column(Integer)
    discounted_fen: Mapped[int] = mapped_column(BigInteger)
    offset_fen: Mapped[int] = mapped_column(BigInteger)
    payable_fen: Mapped[int] = mapped_column(BigInteger)
    deposit_applied_fen: Mapped[int] = mapped_column(BigInteger)
    deposit_remaining_fen: Mapped[int] = mapped_column(BigInteger)
    credit_used_fen: Mapped[int] = mapped_column(BigInteger)
    credit_lapsed_fen: Mapped[int] = mapped_column(BigInteger)
    redeemed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    redeemed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    annulled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    annulled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    annul_reason: Mapped[str | None] = mapped_column(String(200))
    # A purchase of a unit from the inventory: the unit, its list price, the day's published discount (copied, so the
    # record stands whatever is published later), the deposit turned into 定金 and the day the sales contract is due.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    list_price_fen: Mapped[int | None] = mapped_column(BigInteger)
    published_discount: Mapped[str | None] = mapped_column(String(40))
    published_rate_bp: Mapped[int | None] = mapped_column(Integer)
    earnest_fen: Mapped[int | None] = mapped_column(BigInteger)
    contract_due_on: Mapped[dt.date | None] = mapped_column(Date)

    card: Mapped[Card] = relationship(back_populates="redemptions")
    redeemed_by = relationship("User", foreign_keys=[redeemed_by_id])
    agreement = relationship("Agreement", foreign_keys=[agreement_id])
    unit = relationship("Unit")

    __table_args__ = (
        CheckConstraint("price_fen > 0 AND payable_fen >= 0 AND discounted_fen >= 0", name="amounts_sane"),
        CheckConstraint("payable_fen = discounted_fen - deposit_applied_fen - credit_used_fen", name="settlement_adds_up"),
        CheckConstraint("(annulled_at IS NULL) = (annul_reason IS NULL)", name="annulment_has_reason"),
        CheckConstraint("list_price_fen IS NULL OR list_price_fen >= price_fen", name="list_price_covers_price"),
        CheckConstraint("(published_discount IS NULL) = (published_rate_bp IS NULL)", name="published_discount_has_rate"),
        CheckConstraint("earnest_fen IS NULL OR (earnest_fen >= 0 AND earnest_fen <= deposit_applied_fen)",
                        name="earnest_within_deposit"),
        # One unit, sold once: a second live purchase of the same unit cannot be stored, whatever the code does.
        Index("uq_redemptions_unit_sold", "unit_id", unique=True,
              sqlite_where=text("unit_id IS NOT NULL AND annulled_at IS NULL"),
              postgresql_where=text("unit_id IS NOT NULL AND annulled_at IS NULL")),
        Index("ix_redemptions_redeemed_at", "redeemed_at"),  # the dashboard's redemptions in a period
    )


class Scan(db.Model):
    """Every scan or typed lookup at a counter or on the public page, whatever the verdict."""

    __tablename__ = "scans"
    audit_type = "scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    action: Mapped[ScanAction] = mapped_column(enum_column(ScanAction, "scan_action", 8))
    verdict: Mapped[str] = mapped_column(String(24))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    token_excerpt: Mapped[str | None] = mapped_column(String(40))  # enough to recognise a forged code, no more
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counter_program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    station: Mapped[str | None] = mapped_column(String(60))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user = relationship("User")
    card = relationship("Card")

    __table_args__ = (Index("ix_scans_card_id_created_at", "card_id", "created_at"),
                      Index("ix_scans_verdict_id", "verdict", "id"),  # the scan list's verdict filter, newest first
                      Index("ix_scans_created_at", "created_at"))  # its day filters
