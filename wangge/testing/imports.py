"""Importing a lab's result sheet into a round: 试管条码、检测结果、检测时间 (.xlsx or .csv, title
rows, blank rows and synonyms as in every import), or the same as a JSON list from the API.

A row is imported (a pending tube got its result), updated (a tube that had a result: changed,
or unchanged when the sheet says the same) or rejected (unknown barcode in the round, a
duplicate barcode in the file, an unreadable result or time). imported + updated + rejected =
rows read; importing the same file again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wangge.core.imports import (
    Column,
    Importer,
    ImportFormatError,
    ImportSpec,
    Report,
    Row,
    RowError,
    Table,
    cell_text,
    read_table,
)

from .models import Round, Tube
from .services_results import NEW, UNCHANGED, apply_results, parse_result, parse_time
from .services_tubes import normalize_barcode

RESULT_SPEC = ImportSpec(
    columns=[
        Column(
            "barcode",
            "试管条码",
            ("条码", "管码", "样本编号", "试管编号", "样本条码", "条形码", "试管号", "采样管条码"),
            normalize_barcode,
        ),
        Column("result", "检测结果", ("结果", "核酸结果", "检测结论", "结论"), parse_result),
        Column(
            "at",
            "检测时间",
            ("报告时间", "时间", "出结果时间", "结果时间", "检测日期", "报告日期"),
            parse_time,
        ),
    ],
    min_header_matches=2,
)
REQUIRED = ("barcode", "result")


class ResultImporter(Importer):
    spec = RESULT_SPEC
    batch_size = 1000

    def __init__(self, rnd: Round, *, actor=None, progress=None) -> None:
        super().__init__(actor=actor, progress=progress)
        self.round = rnd
        self.tubes: dict[str, Tube] = {}
        self.seen: dict[str, int] = {}

    def check_table(self, table: Table) -> None:
        missing = [self.spec.by_key[k].label for k in REQUIRED if not table.has(k)]
        if missing:
            raise ImportFormatError(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
        self.tubes = {t.barcode: t for t in Tube.objects.filter(round=self.round)}

    def validate(self, table: Table, row: Row, values: dict[str, Any]) -> list[RowError]:
        barcode = values.get("barcode", "")
        if not barcode:
            return [self.error(table, row, "barcode", _("试管条码不能为空"))]
        if not values.get("result"):
            return [self.error(table, row, "result", _("检测结果不能为空"))]
        if barcode not in self.tubes:
            reason = _("本轮检测中没有该试管条码")
            return [self.error(table, row, "barcode", reason)]
        first = self.seen.setdefault(barcode, row.number)
        if first != row.number:
            reason = _("试管条码与第%(row)d行重复") % {"row": first}
            return [self.error(table, row, "barcode", reason)]
        return []

    def write_batch(self, table: Table, batch, report: Report) -> None:
        items = [(self.tubes[v["barcode"]], v["result"], v.get("at") or None) for _r, v in batch]
        for outcome in apply_results(items, actor=self.actor):
            if outcome == NEW:
                report.imported += 1
            else:
                report.updated += 1
                report.unchanged += outcome == UNCHANGED


def import_results(source, *, rnd: Round, name: str = "", actor=None, progress=None) -> Report:
    """Read a result sheet (path or bytes) and import it into `rnd`; ImportFormatError if the
    file cannot be read as one."""
    return ResultImporter(rnd, actor=actor, progress=progress).run(
        read_table(source, RESULT_SPEC, name)
    )


def import_result_items(rnd: Round, items: list[dict[str, Any]], *, actor) -> Report:
    """The API's list of {barcode, result, at}; errors name row = index + 1."""
    keys = [c.key for c in RESULT_SPEC.columns]
    rows = [Row(i + 1, {k: cell_text(item.get(k)) for k in keys}) for i, item in enumerate(items)]
    table = Table(RESULT_SPEC, 0, {k: i for i, k in enumerate(keys)}, {}, [], rows)
    return ResultImporter(rnd, actor=actor).run(table)


def count_rows(source, name: str = "") -> int:
    return len(read_table(source, RESULT_SPEC, name).rows)


def run_results_job(job, progress) -> Report:
    """The task's entry point for ImportJob(kind="lab_results"); options: {"round": id}."""
    rnd = Round.objects.select_related("area").get(pk=job.options["round"])
    with job.file.open("rb") as fh:
        data = fh.read()
    return import_results(data, rnd=rnd, name=job.original_name, actor=job.user, progress=progress)
