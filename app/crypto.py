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
    """Separate derived keys for encryption and for the index: knowing one reveals nothing of the other.

    While the data key is being rotated, ``previous`` keys still read what they wrote and still find ID numbers by
    their old index; everything new is written under the current key (see ``keys rotate-data-key``)."""

    def __init__(self, secret: str, previous: tuple[str, ...] | list[str] = ()):
        if not secret or len(secret) < 16:
            raise ValueError("VIP_DATA_KEY must be at least 16 characters")
        keys = [secret, *previous]
        self._aeads = [AESGCM(_derive(key, b"personal-data/encrypt")) for key in keys]
        self._index_keys = [_derive(key, b"personal-data/blind-index") for key in keys]

    @property
    def rotating(self) -> bool:
        return len(self._aeads) > 1

    def encrypt_bytes(self, plaintext: bytes, *, context: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aeads[0].encrypt(nonce, plaintext, context.encode())

    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        return self.decrypt_with_key(blob, context=context)[0]

    def decrypt_with_key(self, blob: bytes, *, context: str) -> tuple[bytes, int]:
        """The plaintext, and which key opened it: 0 the current one, 1… the previous ones."""
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        for number, aead in enumerate(self._aeads):
            try:
                return aead.decrypt(blob[1:13], blob[13:], context.encode()), number
            except InvalidTag:
                continue
        raise ValueError("personal data cannot be decrypted with this VIP_DATA_KEY")

    def encrypt(self, plaintext: str, *, context: str) -> bytes:
        return self.encrypt_bytes(plaintext.encode(), context=context)

    def decrypt(self, blob: bytes, *, context: str) -> str:
        return self.decrypt_bytes(blob, context=context).decode()

    def blind_index(self, value: str, *, context: str) -> str:
        return self.blind_indexes(value, context=context)[0]

    def blind_indexes(self, value: str, *, context: str) -> list[str]:
        """The index under the current key, then under each previous one: a lookup during rotation tries them all."""
        return [base64.b32encode(hmac.new(key, f"{context}\x00{value}".encode(), hashlib.sha256).digest())
                .decode().rstrip("=").lower() for key in self._index_keys]


def cipher() -> DataCipher:
    return current_app.extensions["vip_cipher"]
