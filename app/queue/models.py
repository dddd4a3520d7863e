from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
    draw_position: Mapped[int | None] = mapped_column(Integer)  # the place a lottery gave it: called in this order

    card = relationship("Card")
    program = relationship("Program")

    __table_args__ = (
        UniqueConstraint("program_id", "day", "number", name="uq_queue_entries_number"),
        UniqueConstraint("program_id", "day", "public_id", name="uq_queue_entries_card"),
    )


class CallScreen(db.Model):
    """A large display in the waiting hall: no login, a link of its own that a manager made and may revoke."""

    __tablename__ = "call_screens"
    audit_type = "call_screen"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the link's secret is shown once, kept hashed
    english: Mapped[bool] = mapped_column(Boolean, default=False)  # an English line under the Chinese
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    program = relationship("Program")


class LotteryDraw(db.Model):
    """摇号: the order of the day's checked-in cards drawn from a recorded seed, so anyone can redo it."""

    __tablename__ = "lottery_draws"
    audit_type = "lottery_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    seed: Mapped[str] = mapped_column(String(128))  # hex, or the digits read out in public
    algorithm: Mapped[str] = mapped_column(String(40))
    entrants: Mapped[str] = mapped_column(Text)  # JSON: [[queue number, card number], …] in queue order
    result: Mapped[str] = mapped_column(Text)  # JSON: the queue numbers in the order drawn
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    program = relationship("Program")
    drawn_by = relationship("User")

    __table_args__ = (UniqueConstraint("program_id", "day", name="uq_lottery_draws_day"),)
