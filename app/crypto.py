"""Personal data at rest: AES-GCM encryption plus a keyed blind index for exact lookup."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_VERSION = b"\x01"


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vipcards", info=purpose).derive(secret.encode())


class DataCipher:
    """Separate derived keys for encryption and for the index: knowing one reveals nothing of the other."""

    def __init__(self, secret: str):
        if not secret or len(secret) < 16:
            raise ValueError("VIP_DATA_KEY must be at least 16 characters")
        self._aead = AESGCM(_derive(secret, b"personal-data/encrypt"))
        self._index_key = _derive(secret, b"personal-data/blind-index")

    def encrypt_bytes(self, plaintext: bytes, *, context: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], context.encode())
        except InvalidTag as exc:
            raise ValueError("personal data cannot be decrypted with this VIP_DATA_KEY") from exc

    def encrypt(self, plaintext: str, *, context: str) -> bytes:
        return self.encrypt_bytes(plaintext.encode(), context=context)

    def decrypt(self, blob: bytes, *, context: str) -> str:
        return self.decrypt_bytes(blob, context=context).decode()

    def blind_index(self, value: str, *, context: str) -> str:
        digest = hmac.new(self._index_key, f"{context}\x00{value}".encode(), hashlib.sha256).digest()
        return base64.b32encode(digest).decode().rstrip("=").lower()


def cipher() -> DataCipher:
    return current_app.extensions["vip_cipher"]
