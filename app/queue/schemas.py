"""What the counter sends to check arrivals in, call them and set up call screens."""

from __future__ import annotations

from pydantic import Field

from ..validation import Flag, Schema, Text


class CheckIn(Schema):
    program: Text(32) = Field(None, description="The programme this counter serves; the only one when left out")


class HolderCheckIn(Schema):
    """The card left at home: the holder's ID number finds them (and a phone, when given, must be theirs)."""

    program: Text(32)
    id_number: Text(40)
    phone: Text(30) = None


class CounterQuery(Schema):
    program: Text(32) = Field(None, description="The programme; the only one when left out")
    station: Text(40) = Field(None, description="The counter calling")


class ScreenIn(Schema):
    name: Text(60) = Field(description="Where the display hangs, e.g. 大厅左屏")
    english: Flag = Field(False, description="Also show the English words")


class DrawIn(Schema):
    seed: Text(128) = Field(None, description="Digits read out before witnesses (or a notary's); 32 random bytes when left out")
