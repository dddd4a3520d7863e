"""Fees charged for services (reissue, transfer, renewal): income, kept off the card's ledger of money held."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class ChargeKind(str, Enum):
    REISSUE_FEE = "reissue_fee"
    TRANSFER_FEE = "transfer_fee"
    RENEWAL_FEE = "renewal_fee"  # a new term's fee: income from the day the term begins
    LATE_FEE = "late_fee"  # a membership fee paid after its due day (违约金), charged with it


class Charge(db.Model):
    """A fee for a service (reissue, transfer). Income, not money held for the member: kept off the card's ledger."""

    __tablename__ = "charges"
    audit_type = "charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    kind: Mapped[ChargeKind] = mapped_column(enum_column(ChargeKind, "charge_kind"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    card = relationship("Card")

    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)


# The fees that bring a new card into being: charged on the new card, shown on the one it replaced as well.
SUCCESSION_FEES = (ChargeKind.REISSUE_FEE, ChargeKind.TRANSFER_FEE)


def fees_of(card) -> list[Charge]:
    """The card's money table's fees: its own (a renewal, the reissue or transfer that made it) and the fee paid for
    the card that replaced it, oldest first."""
    fees = list(card.charges) + [c for new in card.successors for c in new.charges if c.kind in SUCCESSION_FEES]
    return sorted(fees, key=lambda c: (c.created_at, c.id))
