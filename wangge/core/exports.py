"""Writing lists to .xlsx (xlsxwriter) and .csv, and sending them as downloads.

Workbooks are written in xlsxwriter's constant-memory mode to a temporary file, so that an
export of a whole street (tens of thousands of rows) does not sit in memory; the response
streams that file. Every cell is written as text or number exactly as given: ID numbers and
phones must be passed as strings so that Excel does not turn them into numbers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.http import FileResponse, HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class XlsxColumn:
    label: str
    width: float = 12
    text: bool = False  # format the column as text (ID numbers, phones, room numbers)


def _as_columns(columns: Sequence[XlsxColumn | str]) -> list[XlsxColumn]:
    """Columns with their labels as plain text (a lazy translation is resolved here)."""
    return [
        XlsxColumn(str(c.label), c.width, c.text)
        if isinstance(c, XlsxColumn)
        else XlsxColumn(str(c), max(8, 2.2 * len(str(c))))
        for c in columns
    ]


def write_xlsx(
    target: str | Path | BinaryIO,
    *,
    columns: Sequence[XlsxColumn | str],
    rows: Iterable[Sequence[Any]],
    title: str = "",
    sheet_name: str = "Sheet1",
) -> int:
    """Write one sheet: an optional title row, the header row, then `rows`; returns the count."""
    import xlsxwriter

    cols = _as_columns(columns)
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    if not isinstance(target, str | Path):
        options["in_memory"] = True
        options.pop("constant_memory")
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
    sheet = book.add_worksheet(sheet_name[:31])
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    for i, col in enumerate(cols):
        sheet.set_column(i, i, col.width, text if col.text else None)
    r = 0
    if title:
        big = book.add_format({"bold": True, "font_size": 14})
        sheet.write_string(0, 0, title, big)
        r = 1
    for i, col in enumerate(cols):
        sheet.write_string(r, i, col.label, head)
    sheet.freeze_panes(r + 1, 0)
    count = 0
    for values in rows:
        r += 1
        count += 1
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(r, i, value)
            else:
                sheet.write(r, i, value)
    book.close()
    return count


def content_disposition(filename: str) -> str:
    """An attachment header carrying a Chinese file name (RFC 6266 / 5987)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(
    filename: str,
    *,
    columns: Sequence[XlsxColumn | str],
    rows: Iterable[Sequence[Any]],
    title: str = "",
    sheet_name: str = "Sheet1",
) -> tuple[FileResponse, int]:
    """A download of a workbook written to a temporary file (deleted when the response closes)."""
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    count = write_xlsx(tmp.name, columns=columns, rows=rows, title=title, sheet_name=sheet_name)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response, count


def xlsx_file_response(filename: str, write) -> FileResponse:
    """A download of what `write(path)` writes to a temporary workbook file."""
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write(tmp.name)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def csv_response(
    filename: str, *, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download with a BOM, so that Excel opens the Chinese text correctly."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(columns)
    writer.writerows(rows)
    response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    return response
