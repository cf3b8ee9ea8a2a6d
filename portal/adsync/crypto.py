"""The bind password at rest: AES-256-GCM with the key from settings (GW_ENCRYPTION_KEY)."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Binds the ciphertext to its purpose: a blob copied into another encrypted column will not decrypt.
_AAD = b"groupware:ad_sync_config.bind_password:v1"


class DecryptionFailed(Exception):
    """The stored secret cannot be read with this key (the key changed, or the value was tampered with)."""


def encrypt(key: bytes, plaintext: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _AAD)


def decrypt(key: bytes, blob: bytes) -> str:
    if len(blob) < 12 + 16:
        raise DecryptionFailed("the stored secret is truncated")
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], _AAD).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionFailed("the stored secret cannot be decrypted with the configured key") from exc
