"""Column helpers shared by feature models."""

from __future__ import annotations

import datetime as dt
from enum import Enum as PyEnum

from sqlalchemy import DateTime, Enum, TypeDecorator, and_


def enum_column(enum: type[PyEnum], name: str, length: int = 24) -> Enum:
    """A string column holding the enum's values, checked by the database on every backend."""
    return Enum(enum, name=name, native_enum=False, create_constraint=True, length=length,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes from every backend. SQLite stores no zone, so naive UTC goes in and UTC comes back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; use app.clock.utcnow()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def starts_with(column, prefix: str, dialect: str):
    """``column`` beginning with ``prefix``, as a lookup its index answers. PostgreSQL reads a fixed LIKE pattern from a
    varchar_pattern_ops index whatever the database's collation; SQLite's LIKE ignores indexes (it folds case), so
    there the prefix is a range in its byte order, checked again by LIKE."""
    escaped = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")
    like = column.like(escaped + "%", escape="/")
    if dialect == "postgresql":
        return like
    return and_(column >= prefix, column < prefix + "\U0010ffff", like)
