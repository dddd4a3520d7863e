"""Requests that need a second person (DESIGN §9): refunds, transfers, cancelled purchases and voids. The person who
asks cannot decide; each kind allows one open request per card or purchase."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..cards.models import PaymentMethod
from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class RequestStatus(str, Enum):
    PENDING = "pending"
    DONE = "done"  # refund paid, transfer completed
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RefundKind(str, Enum):
    REFUND = "refund"  # the member asks for the deposit back inside the window
    ISSUER_TERMINATION = "issuer_termination"  # the issuer ends a membership: full refund, any day


class TwoPersonRequest:
    """Who asked and when, who decided and when, and why: the same on every kind of request."""

    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(200))

    @declared_attr
    def requested_by(cls):
        return relationship("User", foreign_keys=lambda: [cls.requested_by_id])

    @declared_attr
    def decided_by(cls):
        return relationship("User", foreign_keys=lambda: [cls.decided_by_id])


def two_people() -> CheckConstraint:
    """Whoever requested cannot be the one who decides: the database refuses it too."""
    return CheckConstraint("decided_by_id IS NULL OR requested_by_id IS NULL OR decided_by_id <> requested_by_id",
                           name="two_people")


class RefundRequest(TwoPersonRequest, db.Model):
    __tablename__ = "refund_requests"
    audit_type = "refund_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    kind: Mapped[RefundKind] = mapped_column(enum_column(RefundKind, "refund_kind"))
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "refund_status", 12))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    payout_method: Mapped[PaymentMethod | None] = mapped_column(enum_column(PaymentMethod, "payout_method"))
    payout_reference: Mapped[str | None] = mapped_column(String(64))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))

    card = relationship("Card")

    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        two_people(),
        CheckConstraint("status <> 'done' OR (payout_method IS NOT NULL AND payout_reference IS NOT NULL)",
                        name="paid_has_payout"),
        Index("uq_refund_requests_one_open", "card_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("ix_refund_requests_status_decided_at", "status", "decided_at"),  # the dashboard's refunds paid
    )


class TransferRequest(TwoPersonRequest, db.Model):
    __tablename__ = "transfer_requests"
    audit_type = "transfer_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    to_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "transfer_status", 12))
    fee_fen: Mapped[int] = mapped_column(BigInteger)
    fee_receipt_no: Mapped[str | None] = mapped_column(String(64))
    new_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))

    card = relationship("Card", foreign_keys=[card_id])
    new_card = relationship("Card", foreign_keys=[new_card_id])
    to_member = relationship("Member")

    __table_args__ = (
        CheckConstraint("fee_fen >= 0", name="fee_not_negative"),
        two_people(),
        Index("uq_transfer_requests_one_open", "card_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )


class AnnulRequest(TwoPersonRequest, db.Model):
    """Cancelling a purchase (退房) moves money and releases a unit: one person asks, another approves."""

    __tablename__ = "annul_requests"
    audit_type = "annul_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemptions.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "annul_status", 12))
    reason: Mapped[str] = mapped_column(String(200))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))  # the 退房确认书, once approved

    redemption = relationship("Redemption")
    card = relationship("Card")
    agreement = relationship("Agreement")

    __table_args__ = (
        two_people(),
        CheckConstraint("status <> 'done' OR decided_by_id IS NOT NULL", name="done_has_approver"),
        Index("uq_annul_requests_one_open", "redemption_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )


class VoidRequest(TwoPersonRequest, db.Model):
    """Voiding reverses every movement of a card's money: one person asks, a manager other than them approves."""

    __tablename__ = "void_requests"
    audit_type = "void_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "void_status", 12))
    reason: Mapped[str] = mapped_column(String(200))

    card = relationship("Card")

    __table_args__ = (
        two_people(),
        CheckConstraint("status <> 'done' OR decided_by_id IS NOT NULL", name="done_has_approver"),
        Index("uq_void_requests_one_open", "card_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )
