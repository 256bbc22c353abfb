"""Real contact-list files for the import tests, written with xlsxwriter (and a GBK CSV).

`cdc_workbook()` is the CDC's workbook: sheet 密接 (a title row, then the header, then rows
covering the field's mess) and sheet 次密接, plus an empty sheet. Its expected outcome is in
CDC_EXPECTED."""

from __future__ import annotations

import io

import xlsxwriter

from conftest import make_id

ZHANG_ID = make_id(1)  # 张伟 of the world registry
CHEN_ID = make_id(21, sex="F")
LI_ID = make_id(22)
OLD_ID15 = "220204800101021"  # 15 digits: 220204 800101 021 → 19800101
BAD_ID = make_id(23)[:-1] + ("0" if make_id(23)[-1] != "0" else "1")  # wrong check digit
X_ID = next(make_id(n) for n in range(30, 99) if make_id(n).endswith("X"))  # an ID ending in X


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in s)


CLOSE_HEADER = [
    "序号",
    "密接姓名",
    "性别",
    "证件号码",
    "手机号",
    "现住址",
    "末次接触时间",
    "接触方式",
    "备注",
]
# (row cells) in spreadsheet rows 3.. (row 1 is the title, row 2 the header)
CLOSE_ROWS = [
    [
        1,
        "张 伟",
        "男",
        ZHANG_ID,
        "138 0000 0001",
        "阳光小区1号楼1单元101",
        "2022-04-01",
        "同餐",
        "",
    ],
    [2, "陳大文", "男", fullwidth(LI_ID), "", "兴华社区", "2022/4/2", "同乘公交", "繁体"],
    [3, "王小x", "女", X_ID.lower(), "13800000031", "", "", "", ""],
    [4, "赵老", "男", OLD_ID15, "", "", "", "", "老身份证"],
    [5, "", "女", CHEN_ID, "13800000032", "", "", "", "无姓名"],
    [6, "无证无号", "男", "", "", "", "", "", ""],
    [7, "错号有电话", "女", BAD_ID, "13800000033", "", "", "", ""],
]
CDC_EXPECTED = {
    "密接": {"read": 7, "imported": 5, "rejected": [(7, "姓名为空"), (8, "都为空")]},
    "次密接": {"read": 2, "imported": 2, "rejected": []},
}
SECOND_HEADER = ["姓名", "身份证号", "联系电话", "家庭住址"]
SECOND_ROWS = [["陈静", CHEN_ID, "13800000002", ""], ["孙七", "", "13800000034", "兴华社区"]]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx with one sheet per entry (name → rows, the first row written at row 1)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    text = book.add_format({"num_format": "@"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    ws.write_string(r, c, value, text)
                elif value is not None:
                    ws.write(r, c, value)
    book.close()
    return buf.getvalue()


def cdc_workbook() -> bytes:
    return workbook(
        {
            "密接": [["某市疾控中心密切接触者名单"], CLOSE_HEADER, *CLOSE_ROWS],
            "次密接": [SECOND_HEADER, *SECOND_ROWS],
            "空表": [],
        }
    )


def town_workbook(rows: list[list] | None = None) -> bytes:
    """A town's sheet with the same headers as the CDC's 次密接 sheet."""
    return workbook({"Sheet1": [SECOND_HEADER, *(rows or [["周八", "", "13800000035", ""]])]})


def odd_workbook(rows: list[list] | None = None) -> bytes:
    """Headers nobody's synonyms know: 人员 / 号码 / 住处."""
    rows = rows or [["吴九", LI_ID, "远处"], ["郑十", "", "近处"]]
    return workbook({"名单": [["人员", "号码", "住处"], *rows]})


def gbk_csv() -> bytes:
    text = "姓名,身份证号,联系电话\r\n钱一,,13800000036\r\n,,\r\n孙二,,\r\n"
    return text.encode("gbk")
