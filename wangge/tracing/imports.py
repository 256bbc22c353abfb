"""Reading contact lists (密接/次密接名单, 隔离点名单) as the CDC, the police, towns and quarantine
sites write them: every sheet of a workbook (or one CSV), the header row found among the first
rows, each header mapped to a field by Chinese synonyms or by what the source's earlier sheets
taught (`Source.mapping`, {header_key: field}).

A sheet is read as a `Sheet`: its header row, the mapping used, and one `SheetRow` per non-blank
row below the header (the spreadsheet row number, the mapped cells as read, and every non-empty
cell by its header, kept as the row's provenance).

`NeedsMapping(headers, guess)` is raised when the name, or both the ID number and the phone,
cannot be found among the headers: the worker maps them once, on the upload's mapping page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.imports import (
    ALLOWED_SUFFIXES,
    HEADER_SCAN_ROWS,
    ImportFormatError,
    _fill_merged,
    cell_text,
    header_key,
    read_grid,
)
from wangge.core.normalize import clean_text

# (field, label, synonyms as sheets write them). The label is the header of the rejects report.
FIELDS: list[tuple[str, Any, tuple[str, ...]]] = [
    (
        "name",
        gettext_lazy("姓名"),
        (
            "名字",
            "密接姓名",
            "次密接姓名",
            "密接者姓名",
            "人员姓名",
            "隔离人员姓名",
            "患者姓名",
            "被调查人姓名",
            "姓 名",
            "名称",
        ),
    ),
    ("sex", gettext_lazy("性别"), ("性 别", "男/女")),
    (
        "id_number",
        gettext_lazy("身份证号"),
        (
            "证件号码",
            "身份证",
            "公民身份号码",
            "身份证号码",
            "证件号",
            "身份证件号码",
            "身份号码",
            "有效证件号码",
            "证件号码身份证",
            "身份证/护照号",
        ),
    ),
    (
        "phone",
        gettext_lazy("联系电话"),
        (
            "手机号",
            "电话号码",
            "手机",
            "手机号码",
            "电话",
            "联系方式",
            "本人电话",
            "联系电话手机",
            "移动电话",
            "本人联系电话",
        ),
    ),
    (
        "address",
        gettext_lazy("现住址"),
        (
            "居住地址",
            "家庭住址",
            "住址",
            "现居住地址",
            "现居住地",
            "居住地",
            "现住地址",
            "详细地址",
            "地址",
            "现住址详细地址",
            "住址/单位",
        ),
    ),
    ("birth_date", gettext_lazy("出生日期"), ("出生年月", "出生年月日", "生日")),
    (
        "contact_date",
        gettext_lazy("接触日期"),
        (
            "末次接触时间",
            "末次接触日期",
            "最后接触时间",
            "最后接触日期",
            "接触时间",
            "末次暴露时间",
            "暴露时间",
            "入住时间",
            "入住日期",
        ),
    ),
    (
        "exposure",
        gettext_lazy("接触方式"),
        (
            "接触地点",
            "暴露情况",
            "接触情况",
            "接触方式及地点",
            "暴露地点",
            "暴露方式",
            "与病例关系",
            "关联病例",
            "接触场所",
        ),
    ),
    ("note", gettext_lazy("备注"), ("说明", "其他", "情况说明", "备注说明")),
]
FIELD_LABELS = {key: label for key, label, _syn in FIELDS}
SYNONYMS: dict[str, str] = {}
for _key, _label, _syn in FIELDS:
    for _name in (str(_label), *_syn):
        SYNONYMS.setdefault(header_key(_name), _key)
IDENTIFIERS = ("id_number", "phone")


class NeedsMapping(Exception):  # noqa: N818 - the name the service contract uses
    """The sheet's headers do not say which column is the name, or the ID / the phone."""

    def __init__(self, headers: list[str], guess: dict[str, str], sheet: str = "") -> None:
        super().__init__(_("无法识别表头，请指定各列对应的字段"))
        self.headers = headers  # as written in the sheet, in order
        self.guess = guess  # header as written → field (only the headers guessed)
        self.sheet = sheet


@dataclass
class SheetRow:
    number: int  # spreadsheet row number (1-based)
    cells: dict[str, Any]  # field → cell as read (None when blank)
    raw: dict[str, str]  # header as written → cell text, every non-empty cell


@dataclass
class Sheet:
    name: str
    digest: str
    header_row: int  # spreadsheet row number
    headers: list[str]  # as written
    mapping: dict[str, str]  # header_key → field, the columns used
    columns: dict[str, int] = field(default_factory=dict)  # field → 0-based column index
    rows: list[SheetRow] = field(default_factory=list)

    def label(self, key: str) -> str:
        idx = self.columns.get(key)
        return self.headers[idx] if idx is not None else str(FIELD_LABELS[key])


# --- reading every sheet ------------------------------------------------------------------------


def read_sheets(data: bytes, file_name: str) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, grid) of every non-empty sheet of a workbook, or ("", grid) of a CSV.
    Merged cells are filled with their value; row i of a grid is spreadsheet row i + 1."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ImportFormatError(_("只支持 .xlsx、.xls 或 .csv 文件"))
    if suffix == ".csv":
        grid = read_grid(data, file_name)
        return [("", grid)] if _non_empty(grid) else []
    from python_calamine import CalamineError, CalamineWorkbook

    out = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
            if _non_empty(rows):
                _fill_merged(rows, sheet.merged_cell_ranges or [])
                out.append((sheet_name, rows))
    except (CalamineError, OSError, ValueError) as exc:
        raise ImportFormatError(_("无法读取该文件，请确认是Excel或CSV文件")) from exc
    return out


def _non_empty(grid: list[list[Any]]) -> bool:
    return any(any(c not in ("", None) for c in r) for r in grid)


def sheet_digest(data: bytes, sheet_name: str) -> str:
    h = hashlib.sha256(data)
    h.update(b"\0" + sheet_name.encode())
    return h.hexdigest()


# --- mapping ------------------------------------------------------------------------------------


def field_of(header: str, learnt: dict[str, str]) -> str | None:
    key = header_key(header)
    if not key:
        return None
    found = learnt.get(key)
    if found in FIELD_LABELS:
        return found
    if found == "":  # the source said: ignore this column
        return None
    return SYNONYMS.get(key)


def missing_fields(fields: set[str]) -> list[str]:
    """What the mapping lacks: the name, and at least one of the ID number and the phone."""
    missing = [] if "name" in fields else ["name"]
    if not fields & set(IDENTIFIERS):
        missing.append("id_number")
    return missing


def _header_row(grid: list[list[Any]], learnt: dict[str, str]) -> int:
    """The first row (among the first non-empty ones) with two known headers; else the first
    row with two different texts (a merged title fills every cell with the same one)."""
    seen, fallback = 0, None
    for i, row in enumerate(grid):
        texts = [cell_text(c) for c in row]
        if not any(texts):
            continue
        if len({field_of(t, learnt) for t in texts if t} - {None}) >= 2:
            return i
        if fallback is None and len({t for t in texts if t}) >= 2:
            fallback = i
        seen += 1
        if seen >= HEADER_SCAN_ROWS:
            break
    if fallback is None:
        raise ImportFormatError(_("找不到表头行：前10行中没有至少两列的表头"))
    return fallback


def parse_sheet(
    name: str,
    grid: list[list[Any]],
    *,
    digest: str,
    learnt: dict[str, str],
    mapping: dict[str, str] | None = None,
) -> Sheet:
    """The sheet's header, mapping and rows. `mapping` ({header_key: field or ""}) is what a
    worker chose on the mapping page; it wins over what was learnt, which wins over synonyms.
    Raises NeedsMapping when the name, or both the ID and the phone, stay unmapped."""
    known = {**learnt, **(mapping or {})}
    h = _header_row(grid, known)
    headers = [cell_text(c) for c in grid[h]]
    columns: dict[str, int] = {}
    used: dict[str, str] = {}
    guess: dict[str, str] = {}
    for idx, text in enumerate(headers):
        key = field_of(text, known)
        if key is None:
            continue
        guess[text] = key
        if key not in columns:
            columns[key] = idx
            used[header_key(text)] = key
    if missing_fields(set(columns)):
        raise NeedsMapping([t for t in headers if t], guess, name)
    sheet = Sheet(name, digest, h + 1, headers, used, columns)
    width = len(headers)
    for i in range(h + 1, len(grid)):
        row = grid[i]
        texts = [cell_text(c) for c in row]
        if not any(texts):
            continue  # blank rows are not read
        cells = {k: row[idx] if idx < len(row) else None for k, idx in columns.items()}
        if not any(cell_text(v) for v in cells.values()):
            continue  # a row with nothing in the mapped columns (a total line, a footnote)
        raw = {}
        for idx, text in enumerate(texts):
            if text:
                head = headers[idx] if idx < width and headers[idx] else f"#{idx + 1}"
                raw[head] = text
        sheet.rows.append(SheetRow(i + 1, cells, raw))
    return sheet


# --- cells --------------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m", "%Y年%m月")


def parse_day(value: Any) -> dt.date | None:
    """A date cell: a date or datetime as read, or text such as 2022-04-01, 2022/4/1,
    2022年4月1日, 2022-04-01 10:30 (the time dropped); None when it is not a date."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(cell_text(value)).replace("T", " ").split(" ")[0]
    if "日" in text:
        text = text[: text.index("日") + 1]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


SEXES = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}


def parse_sex(value: Any) -> str:
    text = cell_text(value).strip().lower()
    return SEXES.get(text, SEXES.get(text[:1], ""))
