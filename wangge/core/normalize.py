"""Normalisers for what grid workers type, paste or import: names, ID numbers, phones, addresses.

Every function accepts the messy forms seen in the field (full-width digits, traditional
characters, stray spaces, numbers that Excel turned into floats) and returns one canonical
form, or raises NormalizationError whose str() is a user-facing reason in Chinese.

Phone extensions ("转123", "ext 123", "-123" after a complete landline) are kept and written
as "0431-88886666-123"; mobiles never carry one.
"""

from __future__ import annotations

import datetime
import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

Cell = str | int | float | None


class NormalizationError(ValueError):
    """Carries a user-facing Chinese reason (str(e))."""


def _from_cell(raw: Any) -> str:
    """A cell value as text; Excel numbers such as 13812345678.0 become their digits, NaN ""."""
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else "" if math.isnan(raw) else str(raw)
    return str(raw)


# --- text -------------------------------------------------------------------------------------

_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_DASH_RE = re.compile("[\u2010-\u2015\u2212]")


def to_halfwidth(s: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, －，（）...) and U+3000 space to half-width."""
    return s if s.isascii() else s.translate(_HALFWIDTH)


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def clean_text(s: str | None) -> str:
    """Half-width, simplified characters, whitespace runs collapsed to one space, stripped."""
    if s is None:
        return ""
    if not isinstance(s, str):
        s = _from_cell(s)
    if not s.isascii():
        s = to_halfwidth(s).translate(_INVISIBLE)
        simplified = _t2s().convert(s)
        # t2s is not always a fixed point (薴 -> 苧 -> 苎): a second pass when it changed anything.
        s = simplified if simplified == s else _t2s().convert(simplified)
    return " ".join(s.split())


_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_DOTS_RE = re.compile("\\s*[\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65]+\\s*")
_CJK_DOT_RE = re.compile(rf"(?<=[{_CJK}])\s*\.+\s*(?=[{_CJK}])")
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}·]) (?=[{_CJK}·])")


def normalize_name(s: str | None) -> str:
    """A person's name: no spaces between Chinese characters, one middle dot "·" in
    minority names (买买提·艾力), single spaces kept inside Latin names."""
    s = clean_text(s)
    if s.isascii():
        return s
    s = _DOTS_RE.sub("·", s)
    s = _CJK_DOT_RE.sub("·", s)
    return _CJK_SPACE_RE.sub("", s).strip("· ")


# --- ID numbers (GB 11643-1999) ---------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_JUNK_RE = re.compile("[\\s\\-_\u2010-\u2015\u2212]+")
_ID_SHAPE_RE = re.compile(r"[0-9]+X?")


@lru_cache(maxsize=1)
def _first_year_seen() -> int:
    return timezone.localdate().year


def _in_past(day: datetime.date) -> bool:
    """day <= today; asks the (slow) clock only for dates in or after the first year seen."""
    return day.year < _first_year_seen() or day <= timezone.localdate()


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise NormalizationError(_("身份证号前17位应为数字"))
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def _id_birth(id18: str) -> datetime.date | None:
    try:
        born = datetime.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1890 and _in_past(born) else None


def normalize_id_number(raw: Cell) -> str:
    """An 18-character ID number ("" when blank); 15-digit legacy numbers are upgraded."""
    if raw is None:
        return ""
    if isinstance(raw, float) and abs(raw) >= 1e15:
        # Excel keeps 15 significant digits: the tail of an 18-digit number is already lost.
        raise NormalizationError(
            _("身份证号被Excel存成了数字，末几位已丢失，请将该列设为文本格式后重新填写")
        )
    s = _ID_JUNK_RE.sub("", to_halfwidth(_from_cell(raw))).upper()
    if not s:
        return ""
    if not _ID_SHAPE_RE.fullmatch(s) or (len(s) == 15 and not s.isdigit()):
        raise NormalizationError(_("身份证号含有非法字符"))
    if len(s) == 15:
        first17 = s[:6] + "19" + s[6:]
        s = first17 + id_check_digit(first17)
    elif len(s) != 18:
        raise NormalizationError(_("身份证号长度应为18位或15位（当前为%(n)d位）") % {"n": len(s)})
    if s[0] == "0":
        raise NormalizationError(_("身份证号地区码无效"))
    if _id_birth(s) is None:
        raise NormalizationError(_("身份证号出生日期无效"))
    check = id_check_digit(s[:17])
    if s[17] != check:
        raise NormalizationError(_("身份证号校验位错误（应为%(digit)s）") % {"digit": check})
    return s


def id_info(id18: str) -> tuple[str, datetime.date] | None:
    """("M" or "F", birth date) from a valid 18-character ID number, else None."""
    s = (id18 or "").strip().upper()
    if len(s) != 18 or not _ID_SHAPE_RE.fullmatch(s) or s[17] != id_check_digit(s[:17]):
        return None
    born = _id_birth(s)
    if born is None:
        return None
    return ("M" if int(s[16]) % 2 else "F", born)


# --- phones ----------------------------------------------------------------------------------

_PHONE_EXT_RE = re.compile(r"(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})\s*$", re.I)
_PHONE_PREFIX_RE = re.compile(r"\(?\s*(?:\+|00)\s*86\s*\)?")
_PHONE_CHARS_RE = re.compile(r"[0-9\s\-.()]*")
_PHONE_LIST_RE = re.compile(r"[0-9].*[/,;、].*[0-9]")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"(010|02[0-9])([2-9][0-9]{7})|(0[3-9][0-9]{2})([2-9][0-9]{6,7})")
_LOCAL_RE = re.compile(r"[2-9][0-9]{6,7}")


def _format_phone(digits: str, ext: str) -> str | None:
    if _MOBILE_RE.fullmatch(digits):
        return None if ext else digits
    if m := _LANDLINE_RE.fullmatch(digits):
        out = f"{m[1] or m[3]}-{m[2] or m[4]}"
    elif _LOCAL_RE.fullmatch(digits):
        out = digits
    else:
        return None
    return f"{out}-{ext}" if ext else out


def normalize_phone(raw: Cell) -> str:
    """A mainland phone: mobile "13812345678", landline "0431-88886666" (or "88886666" without
    area code), extension kept as "0431-88886666-123"; "" when blank."""
    if raw is None:
        return ""
    s = _DASH_RE.sub("-", to_halfwidth(_from_cell(raw))).strip()
    if not s:
        return ""
    ext = ""
    if m := _PHONE_EXT_RE.search(s):
        ext, s = m[1], s[: m.start()]
    intl = bool(m := _PHONE_PREFIX_RE.match(s))
    if m:
        s = s[m.end() :]
    if not intl and s.lstrip("(").startswith(("+", "00")):
        raise NormalizationError(_("仅支持中国大陆（+86）电话号码"))
    if _PHONE_LIST_RE.search(s):
        raise NormalizationError(_("只能填写一个电话号码"))
    if not _PHONE_CHARS_RE.fullmatch(s):
        raise NormalizationError(_("电话号码含有非法字符"))
    groups = re.findall(r"[0-9]+", s)
    if not groups:
        raise NormalizationError(_("电话号码格式不正确"))
    digits = "".join(groups)
    if intl and digits[0] != "0" and not _MOBILE_RE.fullmatch(digits):
        groups[0] = "0" + groups[0]  # "+86 431 ..." drops the trunk 0 of the area code
        digits = "0" + digits
    if not intl and digits[:2] == "86" and _MOBILE_RE.fullmatch(digits[2:]):
        digits = digits[2:]
        groups = [digits]
    numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
    if numeric and len(digits) in (10, 11) and not _MOBILE_RE.fullmatch(digits):
        groups = [digits := "0" + digits]  # Excel dropped the leading 0 of the area code
    # A short last group after an already complete number is an extension ("0431-88886666-1").
    candidates = [(digits, ext)]
    if not ext and len(groups) > 1 and len(groups[-1]) <= 6:
        candidates.insert(0, ("".join(groups[:-1]), groups[-1]))
    for number, extension in candidates:
        if out := _format_phone(number, extension):
            return out
    if _MOBILE_RE.fullmatch(digits):
        raise NormalizationError(_("手机号码不能带分机号"))
    if digits[0] == "1" and 9 <= len(digits) <= 13:
        if len(digits) == 11:
            raise NormalizationError(_("手机号码号段无效"))
        raise NormalizationError(_("手机号码应为11位（当前为%(n)d位）") % {"n": len(digits)})
    if digits[0] == "0":
        raise NormalizationError(_("固定电话区号或号码位数不正确"))
    raise NormalizationError(_("电话号码格式不正确"))


# --- pinyin ----------------------------------------------------------------------------------


def _pinyin(name: str, first_letter: bool) -> str:
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if first_letter else Style.NORMAL
    text = "".join(lazy_pinyin(to_halfwidth(name or ""), style=style)).lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text)


@lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """Lowercase pinyin initials for search: "张三丰" -> "zsf", "Tom" -> "tom"."""
    return _pinyin(name, first_letter=True)


@lru_cache(maxsize=65536)
def name_pinyin(name: str) -> str:
    """Full toneless pinyin, lowercase, joined: "张三" -> "zhangsan"."""
    return _pinyin(name, first_letter=False)


# --- addresses -------------------------------------------------------------------------------

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "幺": 1,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN = "".join(_CN_DIGIT) + "".join(_CN_UNIT)
_CN_RUN_RE = re.compile(f"[{_CN}]+")
_DOT_ZERO_RE = re.compile(r"^([0-9]+)\.0+$")


def _cn_run(m: re.Match[str]) -> str:
    run = m[0]
    if not any(c in _CN_UNIT for c in run):  # written digit by digit: 五〇一
        return "".join(str(_CN_DIGIT[c]) for c in run)
    total = current = 0
    for c in run:  # positional: 十二, 二十三, 一千二百零三
        if c in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[c]
            current = 0
        else:
            current = _CN_DIGIT[c]
    return str(total + current)


def _cn_digits(s: str) -> str:
    """Chinese numerals to Arabic digits ("三" -> "3", "十二" -> "12", "五〇一" -> "501")."""
    return s if s.isascii() else _CN_RUN_RE.sub(_cn_run, s)


def _compact(raw: Any) -> str:
    return clean_text(None if raw is None else _from_cell(raw)).replace(" ", "").lstrip("第")


_LABEL_SUFFIX_RE = re.compile(r"(?:号楼|号|栋|幢|座|楼|单元|门|#)+$")
_ROOM_SUFFIX_RE = re.compile(r"(?:室|号|户|房)+$")


def _label(raw: Cell, suffix: re.Pattern[str]) -> str:
    return _DOT_ZERO_RE.sub(r"\1", _cn_digits(suffix.sub("", _compact(raw))).upper())


def normalize_number_label(raw: Cell) -> str:
    """A building or unit label: "3号楼" / "3栋" / 3.0 -> "3", "三单元" -> "3", "A座" -> "A"."""
    return _label(raw, _LABEL_SUFFIX_RE)


def normalize_room(raw: Cell) -> str:
    """A room number as written, minus decoration: "501室" / "５０１" / 501.0 -> "501";
    leading zeros are kept ("0501")."""
    return _label(raw, _ROOM_SUFFIX_RE)


_FLOOR_RE = re.compile(r"(负|-|B|地下)?([0-9]+)(?:层|楼|F)?", re.I)
_ROOM_FLOOR_RE = re.compile(r"(负|-|B)?[A-Z]?([0-9]+)[A-Z]?")


def _floor_from_room(room: str) -> int | None:
    m = _ROOM_FLOOR_RE.fullmatch(normalize_room(room))
    if not m:
        return None
    digits = m[2]
    level = int(digits[:-2]) if len(digits) > 2 else 0
    if m[1]:  # basement: B101, 负101
        return -(level or 1)
    return level or None


def parse_floor(raw: Cell, room: str = "") -> int | None:
    """A floor: "5", "5层", "五楼" -> 5; "-1", "负一层", "B1" -> -1; blank -> derived from the room
    (all but its last two digits: "1203" -> 12), or None."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return int(raw)
    s = _DOT_ZERO_RE.sub(r"\1", _compact(raw))
    if not s:
        return _floor_from_room(room)
    m = _FLOOR_RE.fullmatch(_cn_digits(s))
    if not m:
        raise NormalizationError(_("楼层格式不正确：%(value)s") % {"value": s})
    return -int(m[2]) if m[1] else int(m[2])


@dataclass(frozen=True)
class AddressParts:
    building: str
    unit: str
    floor: int | None
    room: str
    estate: str = ""


_NUM = f"[0-9{_CN}]+"
_ADDRESS_RE = re.compile(
    rf"""(?P<estate>.*?)\s*
    第?\s*(?P<building>{_NUM}[A-Z]?|[A-Z])\s*(?:号楼|号|栋|幢|座|楼|\#|-)\s*-?\s*
    第?\s*(?P<unit>{_NUM}[A-Z]?|[A-Z])\s*(?:单元|门|-)\s*-??\s*
    (?:(?P<floor>(?:负|-|B|地下)?{_NUM})\s*(?:层|楼|F)\s*-?\s*)?
    (?P<room>(?:B|负|-)?[A-Z]?{_NUM}[A-Z]?)\s*(?:室|号|户|房)?""",
    re.X | re.I,
)


def parse_address(raw: str | None) -> AddressParts:
    """Building, unit, floor and room (and the estate written before them) from the ways workers
    write an address: "3号楼2单元501室", "3栋2单元501", "3幢2单元5楼501", "3-2-501", "3#2-501",
    "三号楼二单元五〇一", "阳光小区3号楼2单元501"."""
    s = _DASH_RE.sub("-", clean_text(raw))
    if not s:
        raise NormalizationError(_("地址不能为空"))
    m = _ADDRESS_RE.fullmatch(s)
    if not m:
        raise NormalizationError(_("无法识别地址：%(address)s") % {"address": s})
    room = _cn_digits(m["room"]).upper()
    return AddressParts(
        building=_cn_digits(m["building"]).upper(),
        unit=_cn_digits(m["unit"]).upper(),
        floor=parse_floor(m["floor"] or "", room),
        room=room,
        estate=m["estate"].strip(" -,、"),
    )
