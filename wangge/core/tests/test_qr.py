"""Signed codes of different kinds do not stand in for each other."""

import pytest

from wangge.core.qr import HOUSEHOLD, PERSON, UNIT, BadQrCode, QrRef, make_token, parse_token


def test_a_stairwell_unit_code_is_not_a_person_at_a_scanner():
    unit = make_token(UNIT, 7)
    assert parse_token(unit) is None  # a sampling table or gate reads it as no code at all
    assert parse_token(unit, kinds=(UNIT,)) == QrRef(UNIT, 7)
    assert parse_token(make_token(PERSON, 7)) == QrRef(PERSON, 7)
    assert parse_token(make_token(PERSON, 7), kinds=(UNIT,)) is None


def test_a_signature_does_not_move_to_another_kind_or_id():
    sig = make_token(HOUSEHOLD, 7).split(":")[2]
    with pytest.raises(BadQrCode):
        parse_token(f"{UNIT}:7:{sig}", kinds=(UNIT,))
    with pytest.raises(BadQrCode):
        parse_token(f"{HOUSEHOLD}:8:{sig}")
