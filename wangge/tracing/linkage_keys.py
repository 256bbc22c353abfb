"""Keys for record linkage of contact lists: identity keys (what a MatchDecision remembers),
the columns the linkage engine compares, and the blocking keys that keep candidate pairs few.

A record here is a dict (or any object with the same attributes: a ContactRow, a
ContactPerson, a registry Person) with name, id_number, phone, birth (or birth_date) and
address. Names are normalised (traditional → simplified) before their pinyin is taken, so 張偉,
张伟 and the homophone 章伟 share the pinyin key "zhangwei".
"""

from __future__ import annotations

import datetime
import time
from functools import lru_cache
from typing import Any

from django.utils import timezone

from wangge.core.normalize import name_pinyin, normalize_name


def _get(obj: Any, name: str, default: Any = "") -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id(id_number: str | None) -> str:
    """The ID number when it is a valid 18-character one (check digit, birth date), else "".
    (The same rule as core.normalize.id_info, written for a million calls.)"""
    s = (id_number or "").strip().upper()
    if len(s) != 18 or not s[:17].isdigit() or not s.isascii():
        return ""
    total = sum(w * (ord(c) - 48) for w, c in zip(_WEIGHTS, s, strict=False))
    born = birth_from_id(s)
    if s[17] != _CHECK[total % 11] or not born or born > _today():
        return ""
    return s


@lru_cache(maxsize=1)
def _today_cached(_hour: int) -> str:
    return timezone.localdate().isoformat()


def _today() -> str:
    return _today_cached(int(time.time() // 3600))


def birth_from_id(id_number: str | None) -> str:
    """The birth date written in an ID number (even one whose check digit is wrong), ISO, or ""."""
    s = (id_number or "").strip()
    if len(s) != 18 or not s[:17].isdigit():
        return ""
    try:
        day = datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return ""
    return day.isoformat() if 1890 <= day.year <= 2100 else ""


def birth_of(obj: Any) -> str:
    """Birth date as ISO text: the record's own (birth / birth_date), else from the ID."""
    born = _get(obj, "birth", None) or _get(obj, "birth_date", None)
    if isinstance(born, datetime.date):
        return born.isoformat()
    if born:
        return str(born)[:10]
    return birth_from_id(_get(obj, "id_number", ""))


@lru_cache(maxsize=200_000)
def norm_name(name: str) -> str:
    """normalize_name, cached (lists and registries repeat names a lot)."""
    return normalize_name(name)


@lru_cache(maxsize=50_000)
def char_pinyin(ch: str) -> str:
    """Toneless pinyin of one character ("" for none). Names are keyed character by character:
    the same character always gives the same key, whatever its neighbours."""
    return name_pinyin(ch)


def pinyin_key(name: str) -> str:
    """Toneless pinyin of the normalised name: 張偉 / 张伟 / 章伟 → "zhangwei"."""
    return "".join(map(char_pinyin, norm_name(name))) if name else ""


def initials_key(name: str) -> str:
    return "".join(p[:1] for p in map(char_pinyin, name))


def identity_key(obj: Any) -> str:
    """A stable key for one record, used to remember a worker's decision on a pair:
    "id:<id18>" for a valid ID, else "pn:<phone>:<name>", else "n:<name pinyin>:<birth>"."""
    vid = valid_id(_get(obj, "id_number", ""))
    if vid:
        return f"id:{vid}"
    name = normalize_name(_get(obj, "name", "") or "")
    phone = (_get(obj, "phone", "") or "").strip()
    if phone:
        return f"pn:{phone}:{name}"[:120]
    return f"n:{pinyin_key(name)}:{birth_of(obj)}"[:120]


def decision_key(a: str, b: str) -> tuple[str, str]:
    """The two identity keys in the order MatchDecision stores them (sorted)."""
    return (a, b) if a <= b else (b, a)


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def link_columns(obj: Any, *, unique_id: str, source: str = "", anchor: str = "") -> dict:
    """The columns the engine compares and blocks on, for one record.

    `anchor` names a record that must stay apart from every other anchor of the same kind
    (an existing merged person "c:<pk>", a registry person "p:<pk>")."""
    name = norm_name(_get(obj, "name", "") or "")
    raw_id = (_get(obj, "id_number", "") or "").strip().upper()
    phone = (_get(obj, "phone", "") or "").strip()
    pdig = _digits(phone)
    py = _get(obj, "name_py", "") or "".join(map(char_pinyin, name))
    return {
        "unique_id": unique_id,
        "name": name or None,
        "name_py": py or None,
        "initials": initials_key(name) or None,
        "surname_py": (char_pinyin(name[0]) if name else "") or None,
        "id_number": raw_id or None,
        "id_valid": valid_id(raw_id) or None,
        "phone": phone or None,
        "phone_digits": pdig or None,
        "birth": birth_of(obj) or None,
        "address": (_get(obj, "address", "") or "").replace(" ", "") or None,
        "source": source or "",
        "anchor": anchor or "",
    }
