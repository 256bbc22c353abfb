"""The generic import pipeline: reading, header detection, fill-down, reports, batches."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter

from wangge.core.imports import (
    Column,
    Importer,
    ImportFormatError,
    ImportSpec,
    Report,
    cell_text,
    errors_csv,
    header_key,
    read_grid,
    read_table,
)
from wangge.core.normalize import normalize_phone

SPEC = ImportSpec(
    columns=[
        Column("building", "楼号", ("楼栋",), fill_group="building"),
        Column("unit", "单元", ("单元号",), fill_group="unit"),
        Column("room", "户号", ("房号",), fill_group="room"),
        Column("name", "姓名", ("名字",)),
        Column("phone", "联系电话", ("电话", "手机"), normalise=normalize_phone, raw=True),
    ],
    fill_order=("building", "unit", "room"),
)


def xlsx(path, cells, merges=()):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for (r, c), value in cells.items():
        ws.write(r, c, value)
    for r0, c0, r1, c1, value in merges:
        ws.merge_range(r0, c0, r1, c1, value)
    book.close()
    return path


def test_header_key_cleans_decoration():
    assert header_key(" 身份證號(必填)* ") == "身份证号"
    assert header_key("联系电话：") == "联系电话"
    assert header_key("ＡＢ") == "AB"


def test_cell_text():
    assert cell_text(3.0) == "3" and cell_text(2.5) == "2.5" and cell_text(None) == ""
    assert cell_text(dt.datetime(2022, 3, 1)) == "2022-03-01"
    assert cell_text("  a ") == "a" and cell_text(True) == "1"


def test_title_rows_merged_cells_blank_rows(tmp_path):
    cells = {
        (0, 0): "人口登记表",
        (3, 0): "樓棟",
        (3, 1): "單元",
        (3, 2): "房號",
        (3, 3): "名字",
        (3, 4): "電話",
        (3, 5): "备注",
        (4, 3): "甲",
        (4, 4): 13800000001,
        (5, 3): "乙",
        (7, 3): "丙",
        (8, 0): "2",
        (8, 1): "1",
        (8, 2): "201",
        (8, 3): "丁",
    }
    merges = [(0, 0, 0, 4, "人口登记表"), (4, 0, 7, 0, "1"), (4, 1, 7, 1, "1"), (4, 2, 7, 2, "101")]
    table = read_table(xlsx(tmp_path / "t.xlsx", cells, merges), SPEC)
    assert table.header_row == 4
    assert table.headers == {
        "building": "樓棟",
        "unit": "單元",
        "room": "房號",
        "name": "名字",
        "phone": "電話",
    }
    assert table.ignored == ["备注"]
    rows = [
        (r.number, r.values["building"], r.values["room"], r.values["name"]) for r in table.rows
    ]
    # row 7 is blank but inside the merged range: still blank, not read
    assert rows == [
        (5, "1", "101", "甲"),
        (6, "1", "101", "乙"),
        (8, "1", "101", "丙"),
        (9, "2", "201", "丁"),
    ]
    assert table.rows[0].raw == {"phone": 13800000001.0}


def test_blank_rows_are_not_read_and_fill_down_stops_at_a_new_building(tmp_path):
    grid = [
        ["楼号", "单元", "户号", "姓名"],
        ["1", "1", "101", "甲"],
        ["", "", "", "乙"],
        ["", "", "", ""],
        ["2", "", "", "丙"],
        ["", "", "102", "丁"],
    ]
    from wangge.core.imports import parse_table

    table = parse_table(grid, SPEC)
    got = [(r.number, r.values["building"], r.values["unit"], r.values["room"]) for r in table.rows]
    assert got == [
        (2, "1", "1", "101"),
        (3, "1", "1", "101"),
        (5, "2", "", ""),
        (6, "2", "", "102"),
    ]
    assert table.rows[1].filled == {"building", "unit", "room"}


def test_csv_encodings_and_bad_files(tmp_path):
    text = "姓名,电话\n张三,13800000001\n"
    for enc in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"a-{enc}.csv"
        path.write_bytes(text.encode(enc))
        assert read_grid(path)[1] == ["张三", "13800000001"]
    with pytest.raises(ImportFormatError):
        read_grid(b"whatever", "a.pdf")
    with pytest.raises(ImportFormatError):
        read_grid(b"PK\x03\x04broken", "a.xlsx")
    with pytest.raises(ImportFormatError, match="表头"):
        read_table(b"a,b\n1,2\n", SPEC, "x.csv")


class Collect(Importer):
    spec = SPEC
    batch_size = 2

    def __init__(self, **kw):
        super().__init__(**kw)
        self.batches = []

    def validate(self, table, row, values):
        if not values["name"]:
            return [self.error(table, row, "name", "姓名不能为空")]
        return []

    def write_batch(self, table, batch, report):
        self.batches.append([row.number for row, _ in batch])
        report.imported += len(batch)


def test_importer_counts_batches_progress_and_errors(db):
    grid = [
        ["title"],
        ["楼号", "单元", "户号", "姓名", "手机"],
        ["1", "1", "101", "甲", "123"],
        ["1", "1", "102", "", ""],
        ["1", "1", "103", "乙", ""],
        ["1", "1", "104", "丙", "13800000001"],
        ["1", "1", "105", "丁", ""],
    ]
    from wangge.core.imports import parse_table

    progress = []
    importer = Collect(progress=lambda done, total: progress.append((done, total)))
    report = importer.run(parse_table(grid, SPEC))
    assert (report.read, report.imported, report.rejected) == (5, 3, 2)
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (3, "手机", "123"),
        (4, "姓名", ""),
    ]
    assert importer.batches == [[5, 6], [7]]
    assert progress[-1] == (5, 5)
    out = io.StringIO()
    errors_csv(report.errors, out)
    assert out.getvalue().splitlines()[:2] == [
        "row,column,value,reason",
        f"3,手机,123,{report.errors[0].reason}",
    ]
    assert report.line == "read=5 imported=3 updated=0 rejected=2"


def test_report_check():
    report = Report(read=2, imported=1)
    with pytest.raises(AssertionError):
        report.check()
