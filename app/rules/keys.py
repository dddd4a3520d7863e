"""How strong a configured key must be. A key guessed offline forges sessions or card QR codes, or reads ID numbers."""

from __future__ import annotations

from .decision import N_, Decision, allow, refuse

MIN_KEY_LENGTH = 32  # secrets.token_urlsafe(24) and longer; a word or a date is far shorter
MIN_DISTINCT_CHARACTERS = 10  # "aaaa…" or "12121212…" is long but guessable


def key_strength(value: str | None) -> Decision:
    if not value:
        return refuse("key_missing", N_("The key is not set."))
    if len(value) < MIN_KEY_LENGTH:
        return refuse("key_too_short", N_("The key has %(length)s characters; at least %(min)s are needed."),
                      length=len(value), min=MIN_KEY_LENGTH)
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return refuse("key_too_simple", N_("The key repeats a few characters; use a random value."))
    return allow("key_strong", N_("The key is long and varied enough."))
