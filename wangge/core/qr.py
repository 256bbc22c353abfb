"""Signed QR codes: persons and households (scanned at the sampling table, a household's own
antigen page) and stairwell units (the public arrival form).

A code names a row by its id and carries a short signature, so it reveals no ID number and
cannot be forged by editing the id: ``WGP:<person id>:<sig>``, ``WGH:<household id>:<sig>`` and
``WGU:<unit id>:<sig>``.
Signatures come from django.core.signing (the SECRET_KEY, with a salt per kind); codes signed
with a key listed in SECRET_KEY_FALLBACKS still verify after a key rotation. The signature is
written in base32, so a whole code is upper case letters, digits and colons: QR alphanumeric
mode (a smaller code) and no harm from a scanner that changes the case.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import segno
from django.core import signing
from django.utils.crypto import constant_time_compare

PERSON = "WGP"
HOUSEHOLD = "WGH"
UNIT = "WGU"
# The salts name where each kind was first made: changing one would void every printed code.
_SALTS = {
    PERSON: "wangge.testing.qr.person",
    HOUSEHOLD: "wangge.testing.qr.household",
    UNIT: "wangge.canvass.arrival.unit",
}
# What a scanner at a sampling table or a gate takes: a unit code is only a poster's address.
SCANNED = (PERSON, HOUSEHOLD)
SIG_LENGTH = 12  # 60 bits of HMAC-SHA256: enough against guessing, short enough to scan fast


class BadQrCode(ValueError):
    """A string shaped like a Wangge code whose signature does not match."""


@dataclass(frozen=True)
class QrRef:
    kind: str  # PERSON or HOUSEHOLD
    pk: int


def _signer(kind: str) -> signing.Signer:
    return signing.Signer(salt=_SALTS[kind])


def _signature(signer: signing.Signer, kind: str, pk: int, key=None) -> str:
    digest = signing.b64_decode(signer.signature(f"{kind}:{pk}", key=key).encode())
    return base64.b32encode(digest).decode()[:SIG_LENGTH]


def make_token(kind: str, pk: int) -> str:
    """The text of the QR code of one person or household."""
    return f"{kind}:{pk}:{_signature(_signer(kind), kind, int(pk))}"


def person_token(person) -> str:
    return make_token(PERSON, person.pk)


def household_token(household) -> str:
    return make_token(HOUSEHOLD, household.pk)


def unit_token(unit) -> str:
    return make_token(UNIT, unit.pk)


_IN_URL = re.compile(r"/self/(WG[PH]:[^/?#]+)", re.IGNORECASE)


def looks_like_token(text: str, kinds: tuple[str, ...] = SCANNED) -> bool:
    return (text or "").strip().upper().startswith(tuple(k + ":" for k in kinds))


def parse_token(text: str, kinds: tuple[str, ...] = SCANNED) -> QrRef | None:
    """The row a scanned code of one of `kinds` names; None when the text is not such a code at
    all (an ID number, say); BadQrCode when it looks like one but was altered or is not ours."""
    raw = (text or "").strip()
    in_url = _IN_URL.search(raw)
    if in_url:  # a household code printed as its self-report address
        raw = in_url.group(1)
    if not looks_like_token(raw, kinds):
        return None
    parts = raw.split(":")
    if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit():
        raise BadQrCode(raw)
    kind, pk, sig = parts[0].upper(), int(parts[1]), parts[2].upper()
    signer = _signer(kind)
    for key in [signer.key, *signer.fallback_keys]:
        if constant_time_compare(sig, _signature(signer, kind, pk, key=key)):
            return QrRef(kind, pk)
    raise BadQrCode(raw)


def qr_svg(text: str, *, scale: int = 4) -> str:
    """An inline SVG (sized by CSS through its viewBox) of a QR code holding `text`."""
    return segno.make(text, error="m", micro=False).svg_inline(
        scale=scale, omitsize=True, svgclass="wg-qr", lineclass=None
    )
