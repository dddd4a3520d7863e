"""What the member's own page takes: the sign-in's two steps and a refund request."""

from __future__ import annotations

from pydantic import Field

from ..validation import Schema, Text


class CodeIn(Schema):
    """Ask for a sign-in code by SMS."""

    card_number: Text(40) = Field(description="The number printed on the card, spaces allowed")
    id_tail: Text(20) = Field(description="The last 6 characters of the holder's ID number")


class SessionIn(Schema):
    """Trade the code from the text message for a member session."""

    challenge: Text(64) = Field(description="What POST /portal/code answered")
    code: Text(12) = Field(description="The 6 digits from the text message")


class RefundAskIn(Schema):
    reason: Text(200) = Field(None, description="Why, in the member's words (optional)")
