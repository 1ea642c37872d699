"""IBANs at rest: AES-256-GCM with a key from the configuration, and masked display.

The key is app.config["IBAN_KEY"] (PORTAL_IBAN_KEY: 32 bytes as url-safe base64 or 64 hex
digits). Without it the key is derived from SECRET_KEY with HKDF, which is fine for
development but ties the stored IBANs to the session secret: set PORTAL_IBAN_KEY in
production so that rotating SECRET_KEY never makes them unreadable.

A token is "v1:" + base64(nonce || ciphertext). The associated data names the record the
value belongs to, so a token copied to another claim does not decrypt.
"""

import base64
import binascii
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

log = logging.getLogger(__name__)
_warned: list = []  # warn once per process about a derived key in production
VERSION = "v1"
HKDF_INFO = b"tagungsportal travel iban v1"
NONCE_BYTES = 12
MASK = "\u2022"


class DecryptionError(ValueError):
    """A stored value could not be decrypted (wrong key or tampered data)."""


def _configured_key(value) -> bytes:
    if isinstance(value, bytes):
        raw = value
    else:
        text = str(value).strip()
        try:
            raw = bytes.fromhex(text) if len(text) == 64 else base64.urlsafe_b64decode(text)
        except (ValueError, binascii.Error) as exc:
            raise RuntimeError("IBAN_KEY must be 32 bytes (url-safe base64 or hex).") from exc
    if len(raw) != 32:
        raise RuntimeError("IBAN_KEY must be 32 bytes (url-safe base64 or hex).")
    return raw


def key() -> bytes:
    """The 256-bit key: IBAN_KEY from the configuration, else derived from SECRET_KEY."""
    configured = current_app.config.get("IBAN_KEY")
    if configured:
        return _configured_key(configured)
    if current_app.config.get("ENV") == "production" and not _warned:
        _warned.append(True)
        log.warning(
            "PORTAL_IBAN_KEY is not set: IBANs are encrypted with a key derived "
            "from SECRET_KEY; set PORTAL_IBAN_KEY so that a new SECRET_KEY keeps "
            "them readable."
        )
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret)


def encrypt(plain: str, *, context: str) -> str:
    """Encrypt `plain` for the record named by `context` (e.g. "travel-claim:12")."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key()).encrypt(nonce, plain.encode(), context.encode())
    return f"{VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    """The plain text of a token made by encrypt() with the same context."""
    version, _, payload = (token or "").partition(":")
    if version != VERSION or not payload:
        raise DecryptionError("unknown token format")
    try:
        raw = base64.urlsafe_b64decode(payload)
        plain = AESGCM(key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise DecryptionError("cannot decrypt") from exc
    return plain.decode()


def mask_iban(iban: str) -> str:
    """'DE89370400440532013000' -> 'DE89 •••• •••• •••• ••30 00': country, check, last four."""
    compact = "".join(iban.split()).upper()
    if len(compact) <= 8:
        return MASK * len(compact)
    hidden = compact[:4] + MASK * (len(compact) - 8) + compact[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))
