"""Staff accounts as the admin screens and the CLI write them."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from ..rules import N_, refuse
from ..validation import Choice, Flag, Schema, Text, fail, field_type
from .roles import Role

USERNAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{1,39}"
MIN_PASSWORD = 8


def _password(raw: Any) -> str:
    if not isinstance(raw, str) or not MIN_PASSWORD <= len(raw) <= 200:
        fail(refuse("password_too_short", N_("Passwords have at least %(min)s characters."), min=MIN_PASSWORD))
    return raw


Password = field_type(_password, {"type": "string", "minLength": MIN_PASSWORD, "maxLength": 200, "format": "password"})


class UserIn(Schema):
    unstripped: ClassVar[frozenset[str]] = frozenset({"password"})

    username: Text(40, pattern=USERNAME_PATTERN, pattern_message=N_("2–40 letters, digits, '.', '-' or '_'."))
    display_name: Text(80) = Field(None, description="The username unless given")
    role: Choice(Role)
    password: Password


class UserPatch(Schema):
    unstripped: ClassVar[frozenset[str]] = frozenset({"password"})

    display_name: Text(80) = None
    role: Choice(Role) = None
    active: Flag = None
    password: Password = None
