"""Tests for wangge.core.normalize: examples from the field plus hypothesis properties."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wangge.core.normalize import (
    AddressParts,
    NormalizationError,
    clean_text,
    id_check_digit,
    id_info,
    name_initials,
    name_pinyin,
    normalize_id_number,
    normalize_name,
    normalize_number_label,
    normalize_phone,
    normalize_room,
    parse_address,
    parse_floor,
    to_halfwidth,
)

# First calls load the OpenCC and pypinyin dictionaries; no per-example deadline.
relaxed = settings(max_examples=100, deadline=None)

FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")
CJK_RE = "[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
CJK_SPACE_RE = re.compile(f"{CJK_RE} {CJK_RE}")
CN_DIGITS = "〇一二三四五六七八九"


def fullwidth(s: str) -> str:
    """The full-width spelling of printable ASCII (independent of the module under test)."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s
    )


def cn_digits(n: int | str) -> str:
    """Digit by digit: 501 -> 五〇一."""
    return "".join(CN_DIGITS[int(c)] for c in str(n))


def cn_number(n: int) -> str:
    """Positional, for 1..99: 12 -> 十二, 20 -> 二十, 35 -> 三十五."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else CN_DIGITS[tens] + "十"
    return head + (CN_DIGITS[ones] if ones else "")


def scatter(draw, s: str, seps: str) -> str:
    """s with separators drawn from seps inserted at random places."""
    out = []
    for c in s:
        out.append(c)
        if draw(st.booleans()) and draw(st.booleans()):
            out.append(draw(st.sampled_from(seps)))
    return "".join(out)


# --- strategies -------------------------------------------------------------------------------

regions = st.integers(110000, 659999).map(str)
birth_dates = st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31))


@st.composite
def valid_ids(draw) -> tuple[str, datetime.date, str]:
    """(id18, birth date, sex)."""
    born = draw(birth_dates)
    seq = draw(st.integers(0, 999))
    first17 = f"{draw(regions)}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17), born, "M" if seq % 2 else "F"


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest:09d}",
    st.sampled_from("3456789"),
    st.integers(0, 10**9 - 1),
)


@st.composite
def landlines(draw) -> tuple[str, str]:
    area = draw(st.sampled_from(["010", "021", "022", "027", "0431", "0755", "0371", "0991"]))
    length = 8 if len(area) == 3 else draw(st.sampled_from([7, 8]))
    local = str(draw(st.integers(2, 9))) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length - 1, max_size=length - 1))
    )
    return area, local


common_cjk = st.sampled_from(
    list(
        "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国平红玉兰"
    )
)
cjk_names = st.text(common_cjk, min_size=1, max_size=4)


# --- to_halfwidth / clean_text ----------------------------------------------------------------


def test_to_halfwidth_examples():
    assert to_halfwidth("１２３ＡＢＣａｂｃ\u3000－，（）") == "123ABCabc -,()"
    assert to_halfwidth("张三") == "张三"


@relaxed
@given(st.text())
def test_to_halfwidth_leaves_no_fullwidth_ascii(s):
    out = to_halfwidth(s)
    assert not FULLWIDTH_RE.search(out)
    assert len(out) == len(s)


@relaxed
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_to_halfwidth_inverts_fullwidth(s):
    assert to_halfwidth(fullwidth(s)) == s
    assert to_halfwidth(s) == s


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  a \t\n b  ", "a b"),
        ("\u3000張三豐\u3000", "张三丰"),
        ("單元\u200b", "单元"),
        ("薴", "苎"),
    ],
)
def test_clean_text_examples(raw, expected):
    assert clean_text(raw) == expected


@relaxed
@given(st.text())
def test_clean_text_is_collapsed_and_idempotent(s):
    out = clean_text(s)
    assert out == out.strip()
    assert "  " not in out
    assert not FULLWIDTH_RE.search(out)
    assert clean_text(out) == out


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("张 三", "张三"),
        (" 張三豐 ", "张三丰"),
        ("张\u3000 三\t丰", "张三丰"),
        ("John  Smith", "John Smith"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提 ・ 艾力", "买买提·艾力"),
        ("买买提‧艾力", "买买提·艾力"),
        ("买买提．艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("J. Smith", "J. Smith"),
    ],
)
def test_normalize_name_examples(raw, expected):
    assert normalize_name(raw) == expected


@relaxed
@given(cjk_names, st.data())
def test_normalize_name_drops_spaces_between_cjk(name, data):
    spaced = scatter(data.draw, name, " \u3000\t")
    assert normalize_name(" " + spaced + " ") == name


@relaxed
@given(
    st.lists(
        st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from([" ", "  ", "\u3000", " \t "]),
)
def test_normalize_name_keeps_single_spaces_in_latin_names(words, sep):
    assert normalize_name(sep.join(words)) == " ".join(words)


@relaxed
@given(cjk_names, cjk_names, st.sampled_from(["•", "・", "‧", "·", "．", " · ", "･"]))
def test_normalize_name_unifies_middle_dots(first, last, dot):
    assert normalize_name(first + dot + last) == f"{first}·{last}"


names_text = st.text(
    st.one_of(
        common_cjk,
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list(" \u3000\t.·•・ＡａＢb-'")),
        st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    ),
    max_size=12,
)


@relaxed
@given(names_text)
def test_normalize_name_idempotent_and_no_space_between_cjk(s):
    out = normalize_name(s)
    assert normalize_name(out) == out
    assert not CJK_SPACE_RE.search(out)
    assert out == out.strip()


# --- ID numbers -------------------------------------------------------------------------------


def test_id_check_digit_examples():
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    with pytest.raises(NormalizationError):
        id_check_digit("1101051949123100")


@relaxed
@given(st.text("0123456789", min_size=17, max_size=17))
def test_id_check_digit_satisfies_iso_7064(first17):
    """ISO 7064 MOD 11-2: sum(a_i * 2^(18-i)) over all 18 characters (X = 10) is 1 mod 11."""
    check = id_check_digit(first17)
    values = [int(c) for c in first17] + [10 if check == "X" else int(check)]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("   ", ""),
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("110105 1949 1231 002X", "11010519491231002X"),
        ("110105-19491231-002x", "11010519491231002X"),
        ("110105491231002", "11010519491231002X"),
        (110105491231002, "11010519491231002X"),
        (110105491231002.0, "11010519491231002X"),
        (float("nan"), ""),
    ],
)
def test_normalize_id_number_examples(raw, expected):
    assert normalize_id_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "身份证号校验位错误（应为X）"),
        ("1101051949123100", "身份证号长度应为18位或15位"),
        ("11010519491331002X", "身份证号出生日期无效"),
        ("11010518800101002X", "身份证号出生日期无效"),
        ("11010529991231002X", "身份证号出生日期无效"),
        ("11010519A91231002X", "身份证号含有非法字符"),
        ("1101051949X231002X", "身份证号含有非法字符"),
        ("11010549123100X", "身份证号含有非法字符"),
        ("01010519491231002X", "身份证号地区码无效"),
        (1.1010519491231002e17, "Excel"),
    ],
)
def test_normalize_id_number_rejects(raw, reason):
    with pytest.raises(NormalizationError, match=re.escape(reason)):
        normalize_id_number(raw)


def test_normalization_error_is_value_error():
    with pytest.raises(ValueError):
        normalize_id_number("123")


@relaxed
@given(valid_ids(), st.data())
def test_valid_id_survives_any_spelling(generated, data):
    id18 = generated[0]
    assert normalize_id_number(id18) == id18
    assert normalize_id_number(fullwidth(id18)) == id18
    assert normalize_id_number(id18.lower()) == id18
    assert normalize_id_number(scatter(data.draw, id18, " -\u3000")) == id18
    assert normalize_id_number(f"  {id18}\t") == id18


@relaxed
@given(valid_ids())
def test_id_info_gives_birth_date_and_sex(generated):
    id18, born, sex = generated
    assert id_info(id18) == (sex, born)
    assert id_info(id18.lower()) == (sex, born)


@relaxed
@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_substitution_is_rejected(generated, pos, char):
    id18 = generated[0]
    assume(id18[pos] != char)
    changed = id18[:pos] + char + id18[pos + 1 :]
    with pytest.raises(NormalizationError):
        normalize_id_number(changed)
    assert id_info(changed) is None


@relaxed
@given(
    regions, st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)), st.integers(0, 999)
)
def test_15_digit_ids_upgrade(region, born, seq):
    id15 = f"{region}{born:%y%m%d}{seq:03d}"
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    id18 = first17 + id_check_digit(first17)
    assert normalize_id_number(id15) == id18
    assert normalize_id_number(int(id15)) == id18
    assert normalize_id_number(float(id15)) == id18
    assert normalize_id_number(normalize_id_number(id15)) == id18


@relaxed
@given(st.text(max_size=20))
def test_normalize_id_number_is_idempotent_or_raises(s):
    try:
        out = normalize_id_number(s)
    except NormalizationError:
        return
    assert normalize_id_number(out) == out
    assert out == "" or len(out) == 18


def test_id_info_unparseable():
    assert id_info("") is None
    assert id_info("123") is None
    assert id_info("11010519491331002X") is None


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  ", ""),
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("(+86)13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678.0, "13812345678"),
        (13812345678, "13812345678"),
        ("0431-88886666", "0431-88886666"),
        ("0431 8888 6666", "0431-88886666"),
        ("(0431)88886666", "0431-88886666"),
        ("（０４３１）８８８８６６６６", "0431-88886666"),
        ("010-88886666", "010-88886666"),
        ("+86 10 8888 6666", "010-88886666"),
        ("+86 431 88886666", "0431-88886666"),
        ("0431.8888.6666", "0431-88886666"),
        ("0431-8888666", "0431-8888666"),
        ("88886666", "88886666"),
        ("8888666", "8888666"),
        ("0431-88886666转123", "0431-88886666-123"),
        ("0431-88886666 ext. 123", "0431-88886666-123"),
        ("0431-88886666-123", "0431-88886666-123"),
        ("88886666-12", "88886666-12"),
        (43188886666.0, "0431-88886666"),
        (1088886666, "010-88886666"),
        (float("nan"), ""),
    ],
)
def test_normalize_phone_examples(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1381234567", "手机号码应为11位（当前为10位）"),
        ("138123456789", "手机号码应为11位（当前为12位）"),
        ("12812345678", "手机号码号段无效"),
        ("13812345678转1", "手机号码不能带分机号"),
        ("abc", "电话号码含有非法字符"),
        ("138l2345678", "电话号码含有非法字符"),
        ("0431-123", "固定电话区号或号码位数不正确"),
        ("010-8888666", "固定电话区号或号码位数不正确"),
        ("+1 650 253 0000", "仅支持中国大陆"),
        ("12345", "电话号码格式不正确"),
        ("---", "电话号码格式不正确"),
        ("13812345678/13987654321", "只能填写一个电话号码"),
        ("13812345678，13987654321", "只能填写一个电话号码"),
    ],
)
def test_normalize_phone_rejects(raw, reason):
    with pytest.raises(NormalizationError, match=re.escape(reason)):
        normalize_phone(raw)


phone_prefixes = st.sampled_from(
    ["", "+86", "+86 ", "+86-", "0086", "0086 ", "86", "(+86)", "+ 86 "]
)


@relaxed
@given(mobiles, phone_prefixes, st.booleans(), st.data())
def test_mobile_any_spelling(mobile, prefix, wide, data):
    written = prefix + scatter(data.draw, mobile, " -.")
    if wide:
        written = fullwidth(written)
    assert normalize_phone(written) == mobile
    assert normalize_phone(float(mobile)) == mobile
    assert normalize_phone(normalize_phone(written)) == mobile


@relaxed
@given(
    landlines(),
    st.sampled_from(
        ["{a}-{l}", "{a} {l}", "({a}){l}", "{a}{l}", "（{a}）{l}", "+86 {a1} {l}", "{a}—{l}"]
    ),
    st.booleans(),
)
def test_landline_any_spelling(parts, template, wide):
    area, local = parts
    written = template.format(a=area, a1=area[1:], l=local)
    if wide:
        written = fullwidth(written)
    expected = f"{area}-{local}"
    assert normalize_phone(written) == expected
    assert normalize_phone(expected) == expected
    assert normalize_phone(local) == local


@relaxed
@given(landlines(), st.integers(1, 99999), st.sampled_from(["转{e}", " ext {e}", "-{e}", "x{e}"]))
def test_landline_extension_is_kept(parts, ext, template):
    area, local = parts
    out = normalize_phone(f"{area}-{local}" + template.format(e=ext))
    assert out == f"{area}-{local}-{ext}"
    assert normalize_phone(out) == out


@relaxed
@given(st.text(max_size=20))
def test_normalize_phone_is_idempotent_or_raises(s):
    try:
        out = normalize_phone(s)
    except NormalizationError:
        return
    assert normalize_phone(out) == out
    assert re.fullmatch(r"[0-9]+(-[0-9]+){0,2}", out) or out == ""


# --- pinyin -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "initials", "pinyin"),
    [
        ("张三丰", "zsf", "zhangsanfeng"),
        ("张三", "zs", "zhangsan"),
        ("Tom", "tom", "tom"),
        ("張 三", "zs", "zhangsan"),
        ("买买提·艾力", "mmtal", "maimaitiaili"),
        ("吕", "l", "lv"),
        ("", "", ""),
    ],
)
def test_pinyin_examples(name, initials, pinyin):
    assert name_initials(name) == initials
    assert name_pinyin(name) == pinyin


@relaxed
@given(cjk_names)
def test_initials_one_letter_per_character(name):
    initials = name_initials(name)
    assert re.fullmatch("[a-z]+", initials)
    assert len(initials) == len(name)
    assert name_pinyin(name)[0] == initials[0]
    assert name_initials(" ".join(name)) == initials
    assert name_initials(normalize_name(name)) == initials


@relaxed
@given(st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ", max_size=12))
def test_initials_keep_latin_letters_lowercase(name):
    expected = name.replace(" ", "").lower()
    assert name_initials(name) == expected
    assert name_pinyin(name) == expected


# --- rooms, labels, floors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("501室", "501"),
        ("５０１", "501"),
        (501.0, "501"),
        (501, "501"),
        ("501.0", "501"),
        ("0501", "0501"),
        ("五〇一室", "501"),
        (" 501 号", "501"),
        ("b101", "B101"),
    ],
)
def test_normalize_room_examples(raw, expected):
    assert normalize_room(raw) == expected


@relaxed
@given(
    st.integers(1, 9999),
    st.sampled_from(["{r}", "{r}室", "{r}号", " {r} ", "第{r}户"]),
    st.booleans(),
)
def test_normalize_room_spellings(room, template, wide):
    written = template.format(r=room)
    if wide:
        written = fullwidth(written)
    assert normalize_room(written) == str(room)
    assert normalize_room(float(room)) == str(room)
    assert normalize_room(cn_digits(room) + "室") == str(room)


@relaxed
@given(st.text(max_size=10))
def test_normalize_room_and_label_idempotent(s):
    out = normalize_room(s)
    assert normalize_room(out) == out
    label = normalize_number_label(s)
    assert normalize_number_label(label) == label


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("3号楼", "3"),
        ("3栋", "3"),
        ("3幢", "3"),
        ("三单元", "3"),
        ("2单元", "2"),
        (3.0, "3"),
        (3, "3"),
        ("A座", "A"),
        ("a座", "A"),
        ("3号", "3"),
        ("第十二栋", "12"),
        ("３号楼", "3"),
        ("3號樓", "3"),
        ("2門", "2"),
        ("3#", "3"),
    ],
)
def test_normalize_number_label_examples(raw, expected):
    assert normalize_number_label(raw) == expected


@relaxed
@given(
    st.integers(1, 99),
    st.sampled_from(["号楼", "号", "栋", "幢", "座", "单元", "门", "#", ""]),
    st.booleans(),
)
def test_normalize_number_label_spellings(n, suffix, chinese):
    written = (cn_number(n) if chinese else str(n)) + suffix
    assert normalize_number_label(written) == str(n)
    assert normalize_number_label(float(n)) == str(n)
    assert normalize_number_label(normalize_number_label(written)) == str(n)


@pytest.mark.parametrize(
    ("raw", "room", "expected"),
    [
        ("5", "", 5),
        ("5层", "", 5),
        ("五楼", "", 5),
        ("-1", "", -1),
        ("负一层", "", -1),
        ("B1", "", -1),
        ("地下二层", "", -2),
        ("第12层", "", 12),
        (5.0, "", 5),
        (7, "", 7),
        ("", "501", 5),
        (None, "1203", 12),
        ("", "0501", 5),
        ("", "B101", -1),
        ("", "B201", -2),
        ("", "05", None),
        ("", "", None),
        ("", "甲", None),
        ("3", "1203", 3),
    ],
)
def test_parse_floor_examples(raw, room, expected):
    assert parse_floor(raw, room) == expected


def test_parse_floor_rejects_garbage():
    with pytest.raises(NormalizationError, match="楼层格式不正确"):
        parse_floor("顶楼")


@relaxed
@given(
    st.integers(1, 60),
    st.sampled_from(["{n}", "{n}层", "{n}楼", "第{n}层", "{n}F", "{c}层", "{c}楼"]),
)
def test_parse_floor_spellings(n, template):
    assert parse_floor(template.format(n=n, c=cn_number(n))) == n
    assert parse_floor("负" + cn_number(n) + "层") == -n
    assert parse_floor(f"-{n}") == -n


@relaxed
@given(st.integers(1, 60), st.integers(1, 30))
def test_parse_floor_from_room(floor, number):
    assert parse_floor("", f"{floor}{number:02d}") == floor
    assert parse_floor("", f"B{floor}{number:02d}") == -floor


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3号楼2单元501", AddressParts("3", "2", 5, "501")),
        ("3号楼2单元501室", AddressParts("3", "2", 5, "501")),
        ("3栋2单元501", AddressParts("3", "2", 5, "501")),
        ("3幢2单元5楼501", AddressParts("3", "2", 5, "501")),
        ("3-2-501", AddressParts("3", "2", 5, "501")),
        ("3#2-501", AddressParts("3", "2", 5, "501")),
        ("三号楼二单元五〇一室", AddressParts("3", "2", 5, "501")),
        ("３号楼２单元５０１", AddressParts("3", "2", 5, "501")),
        ("3號樓2單元501室", AddressParts("3", "2", 5, "501")),
        (" 3 号楼  2 单元 501 ", AddressParts("3", "2", 5, "501")),
        ("阳光小区3号楼2单元501", AddressParts("3", "2", 5, "501", "阳光小区")),
        ("阳光三期三号楼二单元五〇一", AddressParts("3", "2", 5, "501", "阳光三期")),
        ("十二号楼二单元一二〇三", AddressParts("12", "2", 12, "1203")),
        ("A座2单元1203", AddressParts("A", "2", 12, "1203")),
        ("3号楼2门501", AddressParts("3", "2", 5, "501")),
        ("第3栋第2单元501", AddressParts("3", "2", 5, "501")),
        ("3号楼2单元B101", AddressParts("3", "2", -1, "B101")),
        ("3栋2单元负一层101", AddressParts("3", "2", -1, "101")),
        ("3栋2单元-1层101", AddressParts("3", "2", -1, "101")),
        ("3号楼2单元0501", AddressParts("3", "2", 5, "0501")),
        ("SOHO-3-2-501", AddressParts("3", "2", 5, "501", "SOHO")),
    ],
)
def test_parse_address_examples(raw, expected):
    assert parse_address(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "阳光小区", "3号楼501", "3号楼2单元", "随便写写"])
def test_parse_address_rejects(raw):
    with pytest.raises(NormalizationError, match="地址"):
        parse_address(raw)


address_templates = [
    "{b}号楼{u}单元{r}",
    "{b}号楼{u}单元{r}室",
    "{b}栋{u}单元{r}",
    "{b}幢{u}单元{f}楼{r}",
    "{b}号楼{u}单元{f}层{r}室",
    "{b}-{u}-{r}",
    "{b}#{u}-{r}",
    "{b}号{u}单元{r}号",
    "第{b}栋{u}门{r}",
]


@relaxed
@given(
    st.integers(1, 99),
    st.integers(1, 9),
    st.integers(1, 33),
    st.integers(1, 12),
    st.sampled_from(address_templates),
    st.sampled_from(["", "阳光小区", "幸福里", "三里屯", "十里堡小区", "东湖花园二期", "SOHO"]),
    st.sampled_from(["plain", "chinese", "fullwidth", "traditional", "spaced"]),
)
def test_parse_address_spellings(b, u, f, n, template, estate, style):
    room = f"{f}{n:02d}"
    if style == "chinese":
        written = template.format(b=cn_number(b), u=cn_number(u), f=cn_number(f), r=cn_digits(room))
    else:
        written = template.format(b=b, u=u, f=f, r=room)
    if style == "fullwidth":
        written = fullwidth(written)
    elif style == "traditional":
        written = written.replace("号楼", "號樓").replace("单元", "單元").replace("栋", "棟")
    elif style == "spaced":
        written = " " + re.sub(r"(?<=[^0-9])(?=[0-9])|(?<=[0-9])(?=[^0-9])", " ", written) + " "
    assert parse_address(estate + written) == AddressParts(str(b), str(u), f, room, estate)
