"""Notice of a membership's termination, by the member or by the issuer: the card runs to the notice's last day, then
the daily job ends it (lifecycle.expire_cards). The member's ends without refund; the issuer's asks for the full
refund of the fee held, which a second person approves."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class TerminationParty(str, Enum):
    MEMBER = "member"
    ISSUER = "issuer"


class Termination(db.Model):
    __tablename__ = "terminations"
    audit_type = "termination"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    party: Mapped[TerminationParty] = mapped_column(enum_column(TerminationParty, "termination_party", 8))
    noticed_on: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)  # the card's last valid day
    reason: Mapped[str] = mapped_column(String(200))
    noticed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    took_effect_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # when the daily job ended the card

    card = relationship("Card")
    noticed_by = relationship("User")

    __table_args__ = (
        CheckConstraint("last_day >= noticed_on", name="notice_order"),
        # One notice running per card: a second one, by either party, is refused.
        Index("uq_terminations_one_running", "card_id", unique=True, sqlite_where=text("took_effect_at IS NULL"),
              postgresql_where=text("took_effect_at IS NULL")),
    )


def running_termination(card) -> Termination | None:
    """The termination notice running on the card, if any: the card ends on its last day."""
    return db.session.scalar(select(Termination).where(Termination.card_id == card.id,
                                                       Termination.took_effect_at.is_(None)))
