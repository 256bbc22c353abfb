"""Translations: the English catalog is complete and keeps every placeholder, the compiled
catalogs match the .po files, and pages switch language with the request.

The source language is Simplified Chinese (the msgids), so only English needs msgstrs; the
zh_Hans catalog may stay empty and Django falls back to the msgid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# %(name)s, %(s).1f, %(n)d … and bare %s / %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%%|%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa])")


# --- a small .po parser ---------------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]
        return [self.msgstr]

    def __str__(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {ctx}{self.msgid!r}"


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (the header included, obsolete '#~' entries skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which field a continuation line extends

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if m:
            keyword, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if (
                keyword in ("msgctxt", "msgid")
                and current is not None
                and (keyword == "msgctxt" or target is None or target[0] != "msgctxt")
            ):
                finish()
            if current is None:
                current = Entry(flags=pending_flags, line=lineno)
                pending_flags = set()
            if keyword == "msgstr" and index is not None:
                current.msgstr_plural[int(index)] = value
                target = ("msgstr_plural", int(index))
            else:
                setattr(current, keyword, value)
                target = (keyword, None)
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{lineno}: stray string"
            name, index = target
            if name == "msgstr_plural":
                current.msgstr_plural[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()
    return entries


def placeholders(text: str) -> list[tuple[str, str]]:
    """The interpolation placeholders of a string, as sorted (name, conversion) pairs."""
    found = []
    for m in PLACEHOLDER.finditer(text):
        if m.group(0) == "%%":
            continue
        found.append((m.group(1) or "", m.group(2)))
    return sorted(found)


@pytest.fixture(scope="module")
def en_entries() -> list[Entry]:
    entries = parse_po(EN_PO)
    assert entries and entries[0].msgid == "", "the catalog should start with its header"
    return entries


@pytest.fixture(scope="module")
def en_messages(en_entries) -> list[Entry]:
    return [e for e in en_entries if e.msgid]


# --- the parser itself ----------------------------------------------------------------------


def test_parser_reads_multiline_plural_and_context(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid ""\n"共 %(n)s 人"\nmsgid_plural "共 %(n)s 人"\n'
        'msgstr[0] "%(n)s "\n"person"\nmsgstr[1] "%(n)s people"\n\n'
        '#, fuzzy\nmsgctxt "mark"\nmsgid "独"\nmsgstr "E"\n\n'
        '#~ msgid "旧"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    header, plural, ctx = parse_po(po)
    assert header.msgstr == "Language: en\n"
    assert plural.msgid == "共 %(n)s 人" and plural.translations == ["%(n)s person", "%(n)s people"]
    assert plural.flags == {"python-format"}
    assert (ctx.msgctxt, ctx.msgid, ctx.msgstr, ctx.flags) == ("mark", "独", "E", {"fuzzy"})


def test_placeholders():
    assert placeholders("%(s).1f 秒 %(n)d 条 %(name)s %s 100%%") == [
        ("", "s"),
        ("n", "d"),
        ("name", "s"),
        ("s", "f"),
    ]


# --- the catalogs ---------------------------------------------------------------------------


def test_locale_directories_use_django_names():
    assert EN_PO.is_file() and ZH_PO.is_file()
    assert EN_PO.with_suffix(".mo").is_file() and ZH_PO.with_suffix(".mo").is_file()
    for wrong in ("zh", "zh_CN", "zh-hans", "zh_hans"):
        assert not (LOCALE_DIR / wrong).exists(), f"locale/{wrong} is not a name Django looks up"


def test_english_header(en_entries):
    header = en_entries[0]
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr


def test_english_catalog_is_complete(en_messages):
    assert len(en_messages) > 100
    untranslated = [str(e) for e in en_messages if not all(t.strip() for t in e.translations)]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    fuzzy = [str(e) for e in en_messages if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    wrong_plurals = [
        str(e)
        for e in en_messages
        if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0, 1]
    ]
    assert not wrong_plurals, "English needs msgstr[0] and msgstr[1]:\n" + "\n".join(wrong_plurals)


def test_english_is_english(en_messages):
    """No msgstr is a copy of its Chinese msgid. Chinese may only appear where it names a
    column of the (Chinese) import file, always next to its English gloss."""
    copied = [
        str(e)
        for e in en_messages
        if any(t == e.msgid for t in e.translations) and CJK.search(e.msgid)
    ]
    assert not copied, "msgstr copied from the msgid:\n" + "\n".join(copied)
    mostly_chinese = [
        str(e)
        for e in en_messages
        for t in e.translations
        if len(CJK.findall(t)) > len(re.findall(r"[A-Za-z]", t))
    ]
    assert not mostly_chinese, "msgstr not in English:\n" + "\n".join(mostly_chinese)


def test_english_keeps_placeholders(en_messages):
    broken = []
    for e in en_messages:
        wanted = placeholders(e.msgid)
        if e.msgid_plural is not None:
            assert placeholders(e.msgid_plural) == wanted, str(e)
        for t in e.translations:
            if placeholders(t) != wanted:
                broken.append(f"{e}: {placeholders(t)} != {wanted} in {t!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_english_python_format_strings_interpolate(en_messages):
    for e in en_messages:
        if "python-format" not in e.flags:
            continue
        names = {name for name, _conv in placeholders(e.msgid) if name}
        if not names:
            continue
        values = {name: 1 for name in names}
        for t in e.translations:
            t % values  # raises on a malformed placeholder


def test_compiled_english_catalog_matches_po(en_messages):
    """The committed .mo is compiled from the current .po (a stale .mo fails here)."""
    stale = []
    with translation.override("en"):
        for e in en_messages:
            if e.msgid_plural is not None:
                got = [
                    translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                    if e.msgctxt
                    else translation.ngettext(e.msgid, e.msgid_plural, n)
                    for n in (1, 2)
                ]
            elif e.msgctxt:
                got = [translation.pgettext(e.msgctxt, e.msgid)]
            else:
                got = [translation.gettext(e.msgid)]
            if got != e.translations:
                stale.append(f"{e}: {got!r} != {e.translations!r}")
    assert not stale, "run compilemessages:\n" + "\n".join(stale[:20])


def test_zh_hans_catalog_has_every_msgid_of_english(en_messages):
    zh = {(e.msgctxt, e.msgid) for e in parse_po(ZH_PO) if e.msgid}
    en = {(e.msgctxt, e.msgid) for e in en_messages}
    assert zh == en


@pytest.mark.parametrize(
    ("msgid", "english"),
    [
        ("楼栋图", "Building map"),
        ("身份证号", "ID number"),
        ("五长公示", "Five-leaders notice"),
        ("网格长", "Grid leader"),
        ("现居人数", "People living here"),
        ("独居老人", "Elderly living alone"),
        ("变更记录", "Change log"),
        ("登录网格工作平台", "Sign in to the grid operations platform"),
    ],
)
def test_known_strings_in_english_and_chinese(msgid, english):
    with translation.override("en"):
        assert translation.gettext(msgid) == english
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == msgid


def test_plural_and_context_in_english():
    with translation.override("en"):
        assert translation.ngettext("共 %(n)s 人", "共 %(n)s 人", 1) % {"n": 1} == "1 person"
        assert translation.ngettext("共 %(n)s 人", "共 %(n)s 人", 3) % {"n": 3} == "3 people"
        assert translation.pgettext("special group mark", "独") == "E"
        assert "%(" not in translation.gettext("第 %(n)s / %(total)s 页") % {"n": 2, "total": 9}


# --- pages ----------------------------------------------------------------------------------


class _Texts(HTMLParser):
    """Text inside <h1>, <button>, <label> and <title>, plus <html lang>."""

    TAGS = {"h1", "button", "label", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.open: list[str] = []
        self.texts: dict[str, list[str]] = {t: [] for t in self.TAGS}

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in self.TAGS:
            self.open.append(tag)
            self.texts[tag].append("")

    def handle_endtag(self, tag):
        if tag in self.TAGS and tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data):
        for tag in self.open:
            self.texts[tag][-1] += data


def _texts(response) -> _Texts:
    assert response.status_code == 200
    parser = _Texts()
    parser.feed(response.content.decode())
    return parser


def _assert_english(page: _Texts) -> None:
    assert page.lang == "en"
    assert [t.strip() for t in page.texts["h1"]] == ["Sign in to the grid operations platform"]
    assert "Sign in" in [t.strip() for t in page.texts["button"]]
    for tag in ("h1", "button", "label", "title"):
        for text in page.texts[tag]:
            assert not CJK.search(text), f"Chinese in <{tag}>: {text!r}"


def _assert_chinese(page: _Texts) -> None:
    assert page.lang == "zh-hans"
    assert [t.strip() for t in page.texts["h1"]] == ["登录网格工作平台"]
    assert "登录" in [t.strip() for t in page.texts["button"]]


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    page = _texts(client.get(reverse("accounts:login")))
    _assert_chinese(page)
    assert "忘记密码" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans", "fr-FR,fr;q=0.9"])
def test_login_page_is_chinese_for_chinese_or_unsupported_browsers(client, accept):
    _assert_chinese(_texts(client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=accept)))


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "en-GB,en;q=0.8,zh-CN;q=0.5"])
def test_login_page_in_english_from_accept_language(client, accept):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=accept)
    _assert_english(_texts(response))
    html = response.content.decode()
    assert "Forgot your password?" in html
    assert "忘记密码" not in html


@pytest.mark.django_db
def test_login_page_in_english_after_choosing_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # The cookie wins over a Chinese browser.
    page = _texts(client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN"))
    _assert_english(page)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    _assert_chinese(_texts(client.get(reverse("accounts:login"))))
