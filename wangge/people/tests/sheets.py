"""Building real registry files (xlsx with xlsxwriter, csv) for the import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import xlsxwriter

from wangge.core.normalize import id_check_digit


def id18(seq: int, birth: str = "19700101", region: str = "220204") -> str:
    """A valid 18-character ID number."""
    first17 = f"{region}{birth}{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


def id_with_x(birth: str = "19650505") -> str:
    """A valid ID number whose check character is X."""
    for seq in range(1000):
        value = id18(seq, birth)
        if value.endswith("X"):
            return value
    raise AssertionError("no X")


def bad_check(value: str) -> str:
    last = value[-1]
    return value[:-1] + ("1" if last != "1" else "2")


def write_xlsx(
    path: Path, rows: list[list], *, merges=(), title: str = "", sheet: str = "Sheet1"
) -> Path:
    """rows are written from the first row (or the third, after a merged title and a blank row);
    merges are (first_row, first_col, last_row, last_col, value) in 0-based sheet coordinates."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    start = 0
    if title:
        ws.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), title)
        start = 2
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(start + i, j, value)
            else:
                ws.write_number(start + i, j, value)
    for r0, c0, r1, c1, value in merges:
        ws.merge_range(r0, c0, r1, c1, value)
    book.close()
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
