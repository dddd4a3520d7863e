from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_common import UTCDateTime, enum_column
from .schemas import IdType


class Member(db.Model):
    """A card holder. The ID number is stored encrypted, with a blind index of its type and number for exact lookup
    and uniqueness: a passport number equal to someone's permit number is another person."""

    __tablename__ = "members"
    audit_type = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    id_type: Mapped[IdType] = mapped_column(enum_column(IdType, "id_type", 32))
    id_number_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # The list's search: the start of a name or a mobile number. On PostgreSQL pattern_ops lets LIKE 'prefix%' use
    # them whatever the database's collation.
    __table_args__ = (Index("ix_members_name", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
                      Index("ix_members_phone", "phone", postgresql_ops={"phone": "varchar_pattern_ops"}))
