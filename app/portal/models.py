"""One-time codes, member sessions and the development SMS outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime


class PortalCode(db.Model):
    """A code sent to the holder's phone: kept only as a keyed hash, for a few minutes, for a few tries, used once.
    ``challenge`` is the random name the member's browser holds for it, so no one can aim at another's code."""

    __tablename__ = "portal_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    wrong_attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    member = relationship("Member")
    card = relationship("Card")

    __table_args__ = (CheckConstraint("wrong_attempts >= 0", name="attempts_not_negative"),)


class PortalSession(db.Model):
    """A member signed in on their own page: apart from staff sessions, short, ended by signing out. The browser holds
    a random token; only its hash is stored."""

    __tablename__ = "portal_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    member = relationship("Member")


class SmsMessage(db.Model):
    """A text message the development sender kept instead of sending it (VIP_SMS_PROVIDER=outbox): admins read it."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    phone_masked: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_sms_outbox_created_at", "created_at"),)
