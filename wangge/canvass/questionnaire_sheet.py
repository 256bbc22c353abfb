"""Questionnaires as sheets, in the spirit of XLSForm.

One question a row: 题型 (type), 字段名 (name), 题目 (label), 选项 (choices, separated by "|",
"；" or "、"), 必答 (是/否), 显示条件 ("key=value", "key!=value" or XLSForm's "${key}='value'"),
标记答案 and 标记代码 (the answer that flags, and its reason code). Types are written as XLSForm
writes them (integer, select_one, select_multiple, date, text; also yes_no, people_count, travel,
contact, symptoms, antigen, pcr) or in Chinese (是否, 数字, 单选, 多选, 日期, 文字, 现居人数,
旅居史, 接触史, 症状, 抗原, 核酸). Rows begin_repeat / end_repeat (每人开始 / 每人结束) enclose
the questions asked once for each person living in the household.

A sheet is all or nothing: every rejected row is reported with its line and reason, and a sheet
with any error creates nothing. Exporting writes the same layout, so export → upload gives the
same questions. The headers and type words are the format's own, the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.imports import (
    Column,
    ImportFormatError,
    ImportSpec,
    RowError,
    cell_text,
    parse_table,
    read_grid,
)
from wangge.core.normalize import clean_text

from .forms_questionnaire import Draft, check_drafts, split_choices, tidy
from .models import Question

K = Question.Kind
BEGIN, END = "begin_repeat", "end_repeat"
# The word each kind is exported as (Chinese: the people who fill these sheets read it).
TYPE_OUT = {
    K.YES_NO: "是否",
    K.INTEGER: "数字",
    K.SELECT_ONE: "单选",
    K.SELECT_MULTIPLE: "多选",
    K.DATE: "日期",
    K.TEXT: "文字",
    K.PEOPLE_COUNT: "现居人数",
    K.TRAVEL: "旅居史",
    K.CONTACT: "接触史",
    K.SYMPTOMS: "症状",
    K.ANTIGEN: "抗原",
    K.PCR: "核酸",
    BEGIN: "每人开始",
    END: "每人结束",
}
TYPE_WORDS = {
    **{word: kind for kind, word in TYPE_OUT.items()},
    **{kind: kind for kind in (*K.values, BEGIN, END)},
    "yesno": K.YES_NO,
    "是/否": K.YES_NO,
    "int": K.INTEGER,
    "整数": K.INTEGER,
    "单选题": K.SELECT_ONE,
    "多选题": K.SELECT_MULTIPLE,
    "文本": K.TEXT,
    "填空": K.TEXT,
    "居住人数": K.PEOPLE_COUNT,
    "抗原结果": K.ANTIGEN,
    "核酸结果": K.PCR,
    "开始每人": BEGIN,
    "结束每人": END,
}
YES = {"是", "yes", "y", "true", "true()", "1", "√", "必答", "必填"}
NO = {"", "否", "no", "n", "false", "false()", "0", "×"}


def _en(*words: str) -> tuple[str, ...]:
    return tuple(v for w in words for v in (w, w.title(), w.upper()))


HEADERS = {
    "type": ("题型", ("类型", "题目类型", "问题类型", *_en("type"))),
    "key": ("字段名", ("字段", "变量名", "题号", *_en("name", "key"))),
    "label": ("题目", ("问题", "题干", "题目内容", "问题内容", *_en("label"))),
    "choices": ("选项", ("可选项", "答案选项", *_en("choices", "options"))),
    "required": ("必答", ("是否必答", "必填", "是否必填", *_en("required"))),
    "condition": ("显示条件", ("条件", "跳题条件", *_en("relevant", "condition"))),
    "flag_value": ("标记答案", ("需关注答案", *_en("flag", "flag_value"))),
    "flag_code": ("标记代码", ("标记原因代码", "原因代码", *_en("flag_code"))),
}
SPEC = ImportSpec(
    columns=[Column(key, label, synonyms) for key, (label, synonyms) in HEADERS.items()],
    min_header_matches=2,
)
COLUMNS = [
    XlsxColumn(label, width)
    for (label, _syn), width in zip(HEADERS.values(), (10, 14, 36, 30, 6, 20, 10, 14), strict=True)
]


@dataclass
class Sheet:
    title: str = ""  # the title row above the header, if any
    drafts: list[Draft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def type_of(text: str) -> str | None:
    """A type cell as a kind (or BEGIN / END); None when unknown."""
    word = clean_text(text).lower()
    for candidate in (word, word.replace(" ", "_").replace("-", "_"), word.split(" ")[0]):
        if candidate in TYPE_WORDS:
            return TYPE_WORDS[candidate]
    return None


def read_sheet(data: bytes, name: str) -> Sheet:
    """The questions of an uploaded sheet, or the errors of every rejected row (ImportFormatError
    when the file cannot be read as a questionnaire at all)."""
    grid = read_grid(data, name)
    table = parse_table(grid, SPEC)
    missing = [HEADERS[k][0] for k in ("type", "label") if not table.has(k)]
    if missing:
        raise ImportFormatError(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
    sheet = Sheet(title=_title(grid, table.header_row))
    errors = sheet.errors
    block_start = 0
    for row in table.rows:
        v = row.values
        kind = type_of(v.get("type", ""))
        if kind is None:
            reason = _("不认识的题型（可用：%(words)s）") % {"words": "、".join(TYPE_OUT.values())}
            errors.append(RowError(row.number, table.label("type"), v.get("type", ""), reason))
            continue
        if kind == BEGIN:
            if block_start:
                reason = _("每人部分还没有结束（第%(n)d行开始），不能再次开始") % {"n": block_start}
                errors.append(RowError(row.number, table.label("type"), v["type"], reason))
            block_start = block_start or row.number
            continue
        if kind == END:
            if not block_start:
                reason = _("每人部分结束，但前面没有“每人开始”")
                errors.append(RowError(row.number, table.label("type"), v["type"], reason))
            block_start = 0
            continue
        required = clean_text(v.get("required", "")).lower()
        if required not in YES | NO:
            reason = _("必答应填“是”或“否”")
            errors.append(RowError(row.number, table.label("required"), v["required"], reason))
        sheet.drafts.append(
            Draft(
                kind=kind,
                key=v.get("key", ""),
                label=v.get("label", ""),
                choices=split_choices(v.get("choices", "")),
                required=required in YES,
                condition=v.get("condition", ""),
                per_person=bool(block_start),
                flag_value=v.get("flag_value", ""),
                flag_code=v.get("flag_code", ""),
                line=row.number,
            )
        )
    if block_start:
        reason = _("每人部分没有结束：请在最后一道每人题目后加一行“每人结束”")
        errors.append(RowError(block_start, table.label("type"), TYPE_OUT[BEGIN], reason))
    for p in check_drafts(sheet.drafts):
        column = "type" if p.field == "kind" else p.field
        line = sheet.drafts[min(p.index, len(sheet.drafts) - 1)].line
        errors.append(RowError(line, table.label(column), p.value, p.reason))
    if not sheet.drafts and not errors:
        raise ImportFormatError(_("表中没有题目"))
    errors.sort(key=lambda e: e.row)
    return sheet


def _title(grid: list[list], header_row: int) -> str:
    for row in grid[: header_row - 1]:
        texts = [cell_text(c) for c in row if cell_text(c)]
        if len(texts) == 1:
            return tidy(texts[0])[:100]
    return ""


def default_name(sheet: Sheet, filename: str) -> str:
    return sheet.title or tidy(Path(filename).stem)[:100] or _("上传的问卷")


# --- writing a sheet ----------------------------------------------------------------------------


def sheet_rows(questions: list[Question] | list[Draft]) -> list[list[str]]:
    """The rows of a questionnaire's sheet: per-person runs enclosed by 每人开始 / 每人结束."""
    rows: list[list[str]] = []
    in_block = False
    for q in questions:
        if q.per_person != in_block:
            if q.per_person:
                rows.append([TYPE_OUT[BEGIN], "", str(_("以下题目家中每人各答一次"))])
            else:
                rows.append([TYPE_OUT[END]])
            in_block = q.per_person
        rows.append(
            [
                TYPE_OUT[q.kind],
                q.key,
                q.label,
                "|".join(q.choices) if q.kind in (K.SELECT_ONE, K.SELECT_MULTIPLE) else "",
                "是" if q.required else "否",
                q.condition,
                q.flag_value,
                q.flag_code,
            ]
        )
    if in_block:
        rows.append([TYPE_OUT[END]])
    return rows


EXAMPLE = (
    ("people_count", K.PEOPLE_COUNT, gettext_lazy("您家现在有几口人居住？"), "", True, "", False),
    (
        "housing",
        K.SELECT_ONE,
        gettext_lazy("房屋情况"),
        gettext_lazy("自住|出租|空置"),
        True,
        "",
        False,
    ),
    ("left_city", K.YES_NO, gettext_lazy("近14天是否离开过本市？"), "", True, "", True),
    ("travel", K.TRAVEL, gettext_lazy("去过哪里（地点和日期）"), "", True, "left_city=yes", True),
    ("contact", K.CONTACT, gettext_lazy("近14天接触史"), "", True, "", True),
    ("symptoms", K.SYMPTOMS, gettext_lazy("目前有无以下症状"), "", False, "", True),
    ("antigen", K.ANTIGEN, gettext_lazy("今日抗原自测结果"), "", False, "", True),
    ("pcr", K.PCR, gettext_lazy("最近一次核酸结果"), "", False, "", True),
    ("tested_on", K.DATE, gettext_lazy("最近一次核酸日期"), "", False, "", True),
    (
        "vaccine",
        K.SELECT_MULTIPLE,
        gettext_lazy("已接种疫苗"),
        gettext_lazy("第一针|第二针|加强针"),
        False,
        "",
        True,
    ),
    ("doses", K.INTEGER, gettext_lazy("共接种几针"), "", False, "", True),
    ("note", K.TEXT, gettext_lazy("备注"), "", False, "", False),
)


def template_rows() -> list[list[str]]:
    """An example questionnaire using every type (the downloadable template)."""
    drafts = [
        Draft(kind, key, str(label), split_choices(str(choices)), req, cond, per)
        for key, kind, label, choices, req, cond, per in EXAMPLE
    ]
    return sheet_rows(drafts)
