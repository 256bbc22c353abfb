"""Signed pass tokens (出入证二维码): Ed25519, so that a gate phone verifies a pass offline with
the public key alone, and an altered or forged code fails.

A token is ``WG1.<pass id>.<household id>.<valid until YYYYMMDD>.<signature>``: the signature
(base64url, no padding) is over everything before the last dot. The key pair is derived from
the project's SECRET_KEY (HKDF-SHA256), so every server process signs with the same key and no
key file is kept; changing SECRET_KEY invalidates every printed pass.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "WG1"


@dataclass(frozen=True)
class Claim:
    """What a verified token says."""

    pass_id: int
    household_id: int
    valid_until: dt.date


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _keys(secret: str) -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"wangge", info=b"pass signing v1"
    ).derive(secret.encode())
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return private, private.public_key()


def private_key() -> Ed25519PrivateKey:
    return _keys(settings.SECRET_KEY)[0]


def public_key() -> Ed25519PublicKey:
    return _keys(settings.SECRET_KEY)[1]


def public_key_b64() -> str:
    """The raw 32-byte public key, base64url: what a gate page verifies with."""
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def message(pass_id: int, household_id: int, valid_until: dt.date) -> str:
    return f"{PREFIX}.{pass_id}.{household_id}.{valid_until:%Y%m%d}"


def sign(pass_id: int, household_id: int, valid_until: dt.date) -> str:
    body = message(pass_id, household_id, valid_until)
    return f"{body}.{_b64(private_key().sign(body.encode()))}"


def verify(token: str) -> Claim | None:
    """The claim of a genuine token, or None for anything else (altered, forged, malformed)."""
    token = (token or "").strip()
    body, _dot, signature = token.rpartition(".")
    parts = body.split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    try:
        public_key().verify(_unb64(signature), body.encode())
        pass_id, household_id = int(parts[1]), int(parts[2])
        if len(parts[3]) != 8 or not parts[3].isdigit():
            return None
        valid_until = dt.date.fromisoformat(parts[3])  # YYYYMMDD (basic format)
    except (InvalidSignature, ValueError):
        return None
    return Claim(pass_id, household_id, valid_until)
