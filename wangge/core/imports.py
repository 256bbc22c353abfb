"""The import pipeline shared by every file import (registry, lab results, contact lists…).

parse (xlsx/xls/csv) → find the header row → map headers to target columns by Chinese
synonyms → normalise each cell → validate each row → write accepted rows in batches, one
transaction per batch → a Report: rows read, imported, updated (of which unchanged), rejected,
and one RowError (row, column, value, reason) per problem, the row number being the one a
worker sees in the spreadsheet (1-based, title and header rows included).

imported + updated + rejected == read, always; blank rows are not read.

An app describes its file with an ImportSpec (Columns with synonyms, a normaliser each, groups
of columns that merged cells fill down) and writes with a subclass of Importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .normalize import NormalizationError, clean_text

HEADER_SCAN_ROWS = 10
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class ImportFormatError(Exception):
    """The file cannot be read as a table of this kind (str() is a user-facing reason)."""


# --- spec ------------------------------------------------------------------------------------

_DECORATION_RE = re.compile(r"[（(【\[].*?[）)】\]]|[*＊:：\s]")


def header_key(text: Any) -> str:
    """A header cell as compared with synonyms: simplified, half-width, without spaces, marks
    such as "*" or "：", or a bracketed note ("身份证号(必填)" → "身份证号")."""
    return _DECORATION_RE.sub("", clean_text(cell_text(text)))


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # canonical header, used when the column is missing from the file
    synonyms: tuple[str, ...] = ()
    normalise: Callable[[str], Any] | None = None  # raises NormalizationError / ValueError
    fill_group: str = ""  # merged or ditto cells: filled down from the row above, by group
    raw: bool = False  # the normaliser gets a numeric cell as the number (phones, ID numbers)


@dataclass
class ImportSpec:
    columns: Sequence[Column]
    # Groups filled down, outermost first: a group is filled only while every group before it
    # was filled or repeats the row above (a new building does not inherit the old unit).
    fill_order: Sequence[str] = ()
    min_header_matches: int = 2

    def __post_init__(self) -> None:
        self.by_key = {c.key: c for c in self.columns}
        self.synonyms: dict[str, str] = {}
        for col in self.columns:
            for name in (col.label, *col.synonyms):
                self.synonyms.setdefault(header_key(name), col.key)


# --- reading ---------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as stripped text: 3.0 → "3", dates as ISO, None → ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def read_grid(source: str | Path | bytes, name: str = "") -> list[list[Any]]:
    """All rows of the first non-empty sheet (xlsx/xls/ods) or of a CSV, merged cells filled
    with their value. Row i of the result is spreadsheet row i + 1."""
    name = name or (str(source) if not isinstance(source, bytes) else "")
    suffix = Path(name).suffix.lower()
    data = source if isinstance(source, bytes) else None
    if suffix == ".csv":
        raw = data if data is not None else Path(source).read_bytes()
        return _read_csv(raw)
    if suffix and suffix not in ALLOWED_SUFFIXES:
        raise ImportFormatError(_("只支持 .xlsx、.xls 或 .csv 文件"))
    return _read_workbook(source if data is None else io.BytesIO(data))


def _read_csv(raw: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    raise ImportFormatError(_("无法识别CSV文件的编码，请另存为UTF-8或GBK编码"))


def _read_workbook(source) -> list[list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = (
            CalamineWorkbook.from_path(str(source))
            if isinstance(source, str | Path)
            else CalamineWorkbook.from_filelike(source)
        )
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
            if any(any(c not in ("", None) for c in r) for r in rows):
                _fill_merged(rows, sheet.merged_cell_ranges or [])
                return rows
    except (CalamineError, OSError, ValueError) as exc:
        raise ImportFormatError(_("无法读取该文件，请确认是Excel或CSV文件")) from exc
    raise ImportFormatError(_("文件中没有数据"))


def _fill_merged(rows: list[list[Any]], ranges) -> None:
    """Give every cell of a merged range its value, except in rows that are blank otherwise
    (a blank row inside a merged range is still a blank row)."""
    blank = {i for i, r in enumerate(rows) if all(c in ("", None) for c in r)}
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            if r in blank:
                continue
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] in ("", None):
                    row[c] = value


@dataclass
class Row:
    number: int  # spreadsheet row number (1-based)
    values: dict[str, str]  # column key → cell text ("" when blank)
    filled: frozenset[str] = frozenset()  # keys filled down from the row above
    raw: dict[str, Any] | None = None  # numeric cells of `raw` columns, as read


@dataclass
class Table:
    spec: ImportSpec
    header_row: int  # spreadsheet row number of the header
    columns: dict[str, int]  # key → 0-based column index
    headers: dict[str, str]  # key → header as written in the file
    ignored: list[str]  # headers the spec does not know
    rows: list[Row]

    def label(self, key: str) -> str:
        return self.headers.get(key) or self.spec.by_key[key].label

    def has(self, key: str) -> bool:
        return key in self.columns


def find_header(grid: list[list[Any]], spec: ImportSpec) -> int:
    """Index of the first row (among the first non-empty ones) with enough known headers."""
    seen = 0
    for i, row in enumerate(grid):
        texts = [cell_text(c) for c in row]
        if not any(texts):
            continue
        keys = {spec.synonyms.get(header_key(t)) for t in texts if t} - {None}
        if len(keys) >= spec.min_header_matches:
            return i
        seen += 1
        if seen >= HEADER_SCAN_ROWS:
            break
    expected = "、".join(c.label for c in spec.columns[:8])
    raise ImportFormatError(
        _("找不到表头行：前10行中没有可识别的列名（例如：%(cols)s）") % {"cols": expected}
    )


def parse_table(grid: list[list[Any]], spec: ImportSpec) -> Table:
    h = find_header(grid, spec)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for idx, cell in enumerate(grid[h]):
        text = cell_text(cell)
        if not text:
            continue
        key = spec.synonyms.get(header_key(text))
        if key is None:
            ignored.append(text)
        elif key not in columns:
            columns[key], headers[key] = idx, text
    table = Table(spec, h + 1, columns, headers, ignored, [])
    table.rows = list(_data_rows(grid, h + 1, table))
    return table


def _data_rows(grid: list[list[Any]], start: int, table: Table) -> Iterator[Row]:
    spec = table.spec
    picks = list(table.columns.items())
    raw_picks = [(k, i) for k, i in picks if spec.by_key[k].raw]
    groups: dict[str, list[str]] = {}
    for key in table.columns:
        group = spec.by_key[key].fill_group
        if group:
            groups.setdefault(group, []).append(key)
    order = [g for g in spec.fill_order if g in groups]
    previous: Row | None = None
    for i in range(start, len(grid)):
        raw = grid[i]
        width = len(raw)
        values = {key: cell_text(raw[idx]) if idx < width else "" for key, idx in picks}
        if not any(values.values()):
            continue  # blank rows are not read
        raws = {
            k: raw[idx] for k, idx in raw_picks if idx < width and isinstance(raw[idx], int | float)
        } or None
        filled: set[str] = set()
        if previous is not None and order:
            for group in order:
                keys = groups[group]
                if not any(values[k] for k in keys):
                    for k in keys:
                        values[k] = previous.values[k]
                        if previous.raw and k in previous.raw:
                            raws = {**(raws or {}), k: previous.raw[k]}
                    filled.update(keys)
                elif any(values[k] != previous.values[k] for k in keys):
                    break
        previous = Row(i + 1, values, frozenset(filled), raws)
        yield previous


def read_table(source: str | Path | bytes, spec: ImportSpec, name: str = "") -> Table:
    return parse_table(read_grid(source, name), spec)


# --- report ----------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class Report:
    read: int = 0
    imported: int = 0
    updated: int = 0  # existing records matched, changed or not
    unchanged: int = 0  # of `updated`, those where nothing changed
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def reject(self, errors: Iterable[RowError]) -> None:
        self.rejected += 1
        self.errors.extend(errors)

    @property
    def line(self) -> str:
        return (
            f"read={self.read} imported={self.imported} updated={self.updated} "
            f"rejected={self.rejected}"
        )

    def check(self) -> None:
        assert self.imported + self.updated + self.rejected == self.read, self.line


ERROR_COLUMNS = ("row", "column", "value", "reason")


def errors_csv(errors: Iterable[RowError | dict], out: io.TextIOBase) -> None:
    """Write an error report as CSV: row,column,value,reason."""
    writer = csv.writer(out)
    writer.writerow(ERROR_COLUMNS)
    for e in errors:
        d = e.as_dict() if isinstance(e, RowError) else e
        writer.writerow([d["row"], d["column"], d["value"], d["reason"]])


# --- importing -------------------------------------------------------------------------------

Progress = Callable[[int, int], None]


class Importer(ABC):
    """Normalise and validate every row, then write accepted rows in batches.

    Subclasses set `spec` and implement `write_batch`; they may override `validate` (errors
    that need other rows of the file) and `prepare` (what to load before writing). A row that
    `write_batch` cannot write is rejected there, before anything of it is written.
    """

    spec: ImportSpec
    batch_size = 2000

    def __init__(self, *, actor=None, progress: Progress | None = None) -> None:
        self.actor = actor
        self.progress = progress

    def error(
        self, table: Table, row: Row, key: str, reason: str, value: str | None = None
    ) -> RowError:
        return RowError(
            row.number,
            table.label(key),
            row.values.get(key, "") if value is None else value,
            reason,
        )

    def normalise(self, table: Table, row: Row) -> tuple[dict[str, Any], list[RowError]]:
        out: dict[str, Any] = {}
        errors: list[RowError] = []
        by_key = self.spec.by_key
        raws = row.raw or {}
        for key, text in row.values.items():
            fn = by_key[key].normalise
            if fn is None or text == "":
                out[key] = text
                continue
            try:
                out[key] = fn(raws.get(key, text))
            except (NormalizationError, ValueError) as exc:
                errors.append(self.error(table, row, key, str(exc)))
        return out, errors

    def check_table(self, table: Table) -> None:
        """Raise ImportFormatError when the table lacks columns the import cannot do without.
        By default every column is optional."""
        return None

    def validate(self, table: Table, row: Row, values: dict[str, Any]) -> list[RowError]:
        return []

    def prepare(self, table: Table, accepted: list[tuple[Row, dict[str, Any]]]) -> None:
        """Called once with every accepted row before the first batch is written (e.g. to load
        what already exists in one query). By default nothing is needed."""
        return None

    @abstractmethod
    def write_batch(
        self, table: Table, batch: list[tuple[Row, dict[str, Any]]], report: Report
    ) -> None:
        """Write one batch of accepted rows, counting them in `report` (imported/updated)."""

    def run(self, table: Table) -> Report:
        self.check_table(table)
        report = Report(ignored_columns=list(table.ignored))
        accepted: list[tuple[Row, dict[str, Any]]] = []
        for row in table.rows:
            report.read += 1
            values, errors = self.normalise(table, row)
            if not errors:
                errors = self.validate(table, row, values)
            if errors:
                report.reject(errors)
            else:
                accepted.append((row, values))
        total = report.read
        self._progress(report.rejected, total)
        self.prepare(table, accepted)
        done = report.rejected
        for start in range(0, len(accepted), self.batch_size):
            batch = accepted[start : start + self.batch_size]
            with transaction.atomic():
                self.write_batch(table, batch, report)
                done += len(batch)
                self._progress(done, total)
        report.errors.sort(key=lambda e: e.row)
        report.check()
        return report

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)
