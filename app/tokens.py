"""Signed tokens in QR codes: cards (/v/…), agreements (/d/…) and document seals.

Keys come from VIP_TOKEN_KEYS, oldest first; the newest signs and all verify, so a key can be
rotated without reprinting cards. Each purpose has its own salt: a card token is not a document token.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from itsdangerous.encoding import base64_decode, base64_encode

CARD = "vip.card.qr"
DOCUMENT = "vip.agreement.qr"
SEAL = "vip.agreement.seal"
MAX_LENGTH = 200  # a genuine token is about 70 characters; anything far longer is refused before any work


def _serializer(salt: str) -> URLSafeSerializer:
    keys = current_app.config.get("VIP_TOKEN_KEYS") or [current_app.config["SECRET_KEY"]]
    return URLSafeSerializer(list(keys), salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def sign(salt: str, payload: Any) -> str:
    return _serializer(salt).dumps(payload)


def read(salt: str, token: str | None) -> Any | None:
    """The payload of a genuine token, or None for anything forged, truncated, garbled or oversized."""
    if not token or len(token) > MAX_LENGTH or not all(_canonical(part) for part in token.split(".")):
        return None
    try:
        return _serializer(salt).loads(token)
    except (BadData, ValueError, UnicodeError):
        return None


def _canonical(part: str) -> bool:
    """Base64's last character carries spare bits: "…Q" and "…R" can decode alike. Only the one true
    spelling of a token is accepted, so any edited character makes it invalid."""
    try:
        return base64_encode(base64_decode(part)) == part.encode("ascii")
    except (BadData, ValueError, UnicodeError):
        return False


def card_token(public_id: str, generation: int) -> str:
    return sign(CARD, [public_id, generation])


def read_card_token(token: str | None) -> tuple[str, int] | None:
    payload = read(CARD, token)
    if (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], str)
            and isinstance(payload[1], int) and not isinstance(payload[1], bool)):
        return payload[0], payload[1]
    return None


def public_url(path: str) -> str:
    return current_app.config["VIP_PUBLIC_BASE_URL"] + path


def token_from_scan(text: str) -> str:
    """A USB scanner types the whole URL; people may paste the URL or the bare token."""
    text = (text or "").strip()
    for marker in ("/v/", "/api/v1/verify/"):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/ ")
