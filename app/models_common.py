"""Column helpers shared by feature models."""

from __future__ import annotations

from enum import Enum as PyEnum

from sqlalchemy import Enum


def enum_column(enum: type[PyEnum], name: str, length: int = 24) -> Enum:
    """A string column holding the enum's values, checked by the database on every backend."""
    return Enum(enum, name=name, native_enum=False, create_constraint=True, length=length,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)
