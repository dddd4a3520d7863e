from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class QueueStatus(str, Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVED = "served"
    SKIPPED = "skipped"


class QueueEntry(db.Model):
    """A card checked in on a day, with its number in that day's queue for its programme."""

    __tablename__ = "queue_entries"
    audit_type = "queue_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    public_id: Mapped[str] = mapped_column(String(16))  # the card across reissues: one place in the queue a day
    status: Mapped[QueueStatus] = mapped_column(enum_column(QueueStatus, "queue_status", 8))
    checked_in_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station: Mapped[str | None] = mapped_column(String(60))  # the selection desk that called the number
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # served or skipped

    card = relationship("Card")
    program = relationship("Program")

    __table_args__ = (
        UniqueConstraint("program_id", "day", "number", name="uq_queue_entries_number"),
        UniqueConstraint("program_id", "day", "public_id", name="uq_queue_entries_card"),
    )
