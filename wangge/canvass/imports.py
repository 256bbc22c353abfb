"""Importing visits typed on paper into a campaign: one row a visit, with 楼号, 单元, 户号 (and
小区 when two estates have the same building number), 方式, 结果, 走访时间, 排查人, 备注, and a
column for any household-level question whose label or key is the header (.xlsx or .csv, title
rows, blank rows, merged and ditto cells as in every import).

The household is looked up among the campaign's households the importer may record. Each row is
recorded through services.record_visit with a client UUID made from the campaign and the row's
content, so importing the same file again records nothing twice: those rows count as updated
(unchanged). A row is rejected for an unknown household, a method the campaign does not allow,
an unreadable outcome or time, a day outside the campaign or answers the questionnaire refuses.
imported + updated + rejected = rows read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.imports import (
    Column,
    Importer,
    ImportFormatError,
    ImportSpec,
    Report,
    Row,
    RowError,
    Table,
    read_table,
)
from wangge.core.normalize import clean_text, normalize_number_label, normalize_room
from wangge.core.scope import RECORD
from wangge.places.models import Household

from .answers import clean_answers
from .models import Campaign, Method, Outcome, Question, Visit
from .services import record_visit
from .targets import target_households

KIND = "canvass_visits"
UUID_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4f0e-9a57-0c2b1e4d7a10")
QUESTION_PREFIX = "q:"

METHOD_WORDS = {
    Method.VISIT: ("入户", "上门", "走访", "入户走访", "面访", "现场"),
    Method.PHONE: ("电话", "打电话", "电话询问", "电话联系", "电访"),
    Method.WECHAT: ("微信", "微信询问", "微信联系", "线上"),
}
OUTCOME_WORDS = {
    Outcome.ANSWERED: (
        "已排查",
        "排查",
        "完成",
        "已完成",
        "正常",
        "已走访",
        "已入户",
        "已联系",
        "已接通",
        "接通",
    ),
    Outcome.ABSENT: (
        "无人",
        "无人在家",
        "家中无人",
        "不在家",
        "敲门无人",
        "未接通",
        "无人接听",
        "需再访",
        "再访",
    ),
    Outcome.REFUSED: ("拒绝", "拒绝配合", "不配合", "拒访", "拒绝开门"),
    Outcome.VACANT: ("空置", "空房", "空户", "无人居住", "空置房"),
    Outcome.MOVED: ("搬离", "已搬离", "搬走", "已搬走", "迁出", "已迁出"),
}
_NOTE_RE = re.compile(r"[（(].*?[）)]|\s")
_WHEN_RE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[T\s]*(\d{1,2})[:时点](\d{1,2})分?(?::?(\d{1,2})(?:\.\d+)?秒?)?)?$"
)
# A visit written with a day and no time is placed at noon of that day.
NOON = dt.time(12)


def _word(text: str) -> str:
    return _NOTE_RE.sub("", clean_text(text)).lower()


def _lookup(words: dict[str, tuple[str, ...]], labels: dict[str, Any]) -> dict[str, str]:
    table = {}
    for value, synonyms in words.items():
        for word in (value, str(labels[value]), *synonyms):
            table[_word(word)] = value
    return table


def parse_method(raw: Any) -> str:
    """入户/电话/微信 (and their synonyms) → the Method value."""
    found = _lookup(METHOD_WORDS, dict(Method.choices)).get(_word(str(raw)))
    if found is None:
        raise ValueError(_("无法识别的排查方式“%(value)s”，应为入户、电话或微信") % {"value": raw})
    return found


def parse_outcome(raw: Any) -> str:
    """已排查/无人/拒绝/空置/搬离 (and their synonyms) → the Outcome value."""
    found = _lookup(OUTCOME_WORDS, dict(Outcome.choices)).get(_word(str(raw)))
    if found is None:
        raise ValueError(
            _("无法识别的走访结果“%(value)s”，应为已排查、无人、拒绝、空置或搬离") % {"value": raw}
        )
    return found


def parse_when(raw: Any) -> dt.datetime:
    """A visit's day or day and time (2022-03-26, 2022/3/26 14:30, 2022年3月26日 9时05分) → an
    aware datetime; a day alone is noon of that day."""
    match = _WHEN_RE.match(clean_text(str(raw)).strip())
    if not match:
        raise ValueError(_("无法识别的走访时间“%(value)s”") % {"value": raw})
    y, mo, d, h, mi, s = match.groups()
    try:
        day = dt.date(int(y), int(mo), int(d))
        at = dt.time(int(h), int(mi), int(s or 0)) if h is not None else NOON
    except ValueError:
        raise ValueError(_("无法识别的走访时间“%(value)s”") % {"value": raw}) from None
    return timezone.make_aware(dt.datetime.combine(day, at))


BASE_COLUMNS = (
    Column("estate", "小区", ("小区名称", "所在小区"), fill_group="building"),
    Column(
        "building",
        "楼号",
        ("楼栋", "楼栋号", "楼号/楼栋", "楼", "栋", "幢", "楼幢"),
        normalize_number_label,
        fill_group="building",
        raw=True,
    ),
    Column("unit", "单元", ("单元号",), normalize_number_label, fill_group="unit", raw=True),
    Column("room", "户号", ("房号", "房间号", "门牌号", "室", "户室号"), normalize_room, raw=True),
    Column("method", "方式", ("排查方式", "走访方式"), parse_method),
    Column("outcome", "结果", ("排查结果", "走访结果", "走访情况", "排查情况"), parse_outcome),
    Column(
        "visited_at", "走访时间", ("排查时间", "走访日期", "排查日期", "时间", "日期"), parse_when
    ),
    Column("worker_name", "排查人", ("走访人", "排查人员", "走访人员", "网格员", "登记人")),
    Column("note", "备注", ("说明",)),
)
REQUIRED = ("building", "room", "outcome")
TEMPLATE_WIDTHS = {"visited_at": 18, "note": 20}


def household_questions(campaign: Campaign) -> list[Question]:
    return [q for q in campaign.questionnaire.questions.all() if not q.per_person]


def visit_spec(questions: list[Question]) -> ImportSpec:
    """The columns of a campaign's visit sheet: the fixed ones, then one per household-level
    question (header: its label, or its key)."""
    columns = list(BASE_COLUMNS)
    for q in questions:
        columns.append(Column(QUESTION_PREFIX + q.key, q.label, (q.key,)))
    return ImportSpec(columns=columns, fill_order=("building", "unit"), min_header_matches=2)


def template_columns(campaign: Campaign) -> list[XlsxColumn]:
    """The sample sheet's columns: the fixed ones (小区 only when needed, so not in the sample)
    and the household-level questions."""
    columns = [
        XlsxColumn(c.label, TEMPLATE_WIDTHS.get(c.key, 9), text=c.key in ("room", "unit"))
        for c in BASE_COLUMNS
        if c.key != "estate"
    ]
    columns += [
        XlsxColumn(q.label, max(10, len(q.label) * 2)) for q in household_questions(campaign)
    ]
    return columns


TEMPLATE_HINT = gettext_lazy(
    "方式：入户/电话/微信；结果：已排查/无人/拒绝/空置/搬离；走访时间：日期或日期加时间"
)


class VisitImporter(Importer):
    batch_size = 200

    def __init__(self, campaign: Campaign, *, actor=None, progress=None) -> None:
        super().__init__(actor=actor, progress=progress)
        self.campaign = campaign
        self.questions = list(campaign.questionnaire.questions.all())
        self.asked = [q for q in self.questions if not q.per_person]
        self.spec = visit_spec(self.asked)
        # (building, room) → [(unit, estate, household id)]
        self.homes: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
        self.known: set[uuid.UUID] = set()
        self.uuids: dict[int, uuid.UUID] = {}

    # --- before the rows ---------------------------------------------------------------------

    def check_table(self, table: Table) -> None:
        missing = [self.spec.by_key[k].label for k in REQUIRED if not table.has(k)]
        if missing:
            raise ImportFormatError(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
        self.uuids = {row.number: self.row_uuid(row) for row in table.rows}
        self.known = self._known(list(self.uuids.values()))
        self.homes = self._homes(table)

    def row_uuid(self, row: Row) -> uuid.UUID:
        content = json.dumps([self.campaign.pk, sorted(row.values.items())], ensure_ascii=False)
        return uuid.uuid5(UUID_NAMESPACE, content)

    def _known(self, keys: list[uuid.UUID]) -> set[uuid.UUID]:
        visits = Visit.objects.all() if self.actor is None else Visit.objects.for_user(self.actor)
        found: set[uuid.UUID] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.update(visits.filter(client_uuid__in=chunk).values_list("client_uuid", flat=True))
        return found

    def _homes(self, table: Table) -> dict[tuple[str, str], list[tuple[str, str, int]]]:
        labels = set()
        for row in table.rows:
            try:
                labels.add(normalize_number_label(row.values.get("building", "")))
            except ValueError:
                continue
        qs = target_households(self.campaign)
        if self.actor is not None:
            qs = qs.for_user(self.actor, RECORD)
        homes: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
        rows = qs.filter(building__number__in=labels - {""}).values_list(
            "pk", "building__number", "building__estate__name", "unit__number", "room"
        )
        for pk, building, estate, unit, room in rows.iterator(chunk_size=5000):
            key = (normalize_number_label(building), normalize_room(room))
            homes.setdefault(key, []).append(
                (normalize_number_label(unit), clean_text(estate or ""), pk)
            )
        return homes

    # --- each row ------------------------------------------------------------------------------

    def validate(self, table: Table, row: Row, values: dict[str, Any]) -> list[RowError]:
        values["_uuid"] = self.uuids[row.number]
        if values["_uuid"] in self.known:
            return []
        errors = [
            self.error(table, row, key, _("不能为空")) for key in REQUIRED if not values.get(key)
        ]
        if errors:
            return errors
        household, error = self._household(values)
        if household is None:
            return [self.error(table, row, "room", error)]
        values["_household"] = household
        method = values.get("method") or ""
        if not method:
            if len(self.campaign.methods) != 1:
                return [self.error(table, row, "method", _("请填写排查方式"))]
            method = self.campaign.methods[0]
        if method not in self.campaign.methods:
            reason = _("本次排查不允许此方式：%(method)s") % {"method": Method(method).label}
            return [self.error(table, row, "method", reason)]
        values["_method"] = method
        when = values.get("visited_at") or timezone.now()
        day = timezone.localdate(when)
        if not self.campaign.starts_on <= day <= self.campaign.ends_on:
            reason = _("走访日期 %(day)s 不在排查期内（%(start)s 至 %(end)s）") % {
                "day": day,
                "start": self.campaign.starts_on,
                "end": self.campaign.ends_on,
            }
            return [self.error(table, row, "visited_at", reason)]
        values["_when"] = when
        return self._answers(table, row, values)

    def _household(self, values: dict[str, Any]) -> tuple[int | None, str]:
        found = self.homes.get((values["building"], values["room"]), [])
        if values.get("unit"):
            found = [h for h in found if h[0] == values["unit"]]
        estate = clean_text(values.get("estate") or "")
        if estate:
            found = [h for h in found if estate in h[1]]
        if not found:
            return None, _("本次排查中没有该住户（楼号、单元、户号）")
        if len(found) > 1:
            return None, _("有多户同号，请填写单元或小区")
        return found[0][2], ""

    def _answers(self, table: Table, row: Row, values: dict[str, Any]) -> list[RowError]:
        raw = {}
        for q in self.asked:
            text = values.get(QUESTION_PREFIX + q.key, "")
            if text != "":
                raw[q.key] = text
        required = values["outcome"] == Outcome.ANSWERED
        _clean, messages = clean_answers(self.questions, raw, required=required)
        values["_answers"] = raw
        errors = []
        for message in messages:
            q = next((q for q in self.asked if f"“{q.label}”" in message), None)
            key = QUESTION_PREFIX + q.key if q is not None else ""
            if key and table.has(key):
                errors.append(self.error(table, row, key, message))
            else:
                errors.append(RowError(row.number, q.label if q else "", "", message))
        return errors

    # --- writing -------------------------------------------------------------------------------

    def write_batch(self, table: Table, batch, report: Report) -> None:
        ids = [v["_household"] for _r, v in batch if "_household" in v]
        households = Household.objects.in_bulk(ids)
        for row, values in batch:
            if values["_uuid"] in self.known:
                report.updated += 1
                report.unchanged += 1
                continue
            try:
                _visit, created = record_visit(
                    self.campaign,
                    households[values["_household"]],
                    actor=self.actor,
                    method=values["_method"],
                    outcome=values["outcome"],
                    answers=values["_answers"],
                    note=values.get("note", "")[:200],
                    visited_at=values["_when"],
                    worker_name=values.get("worker_name", "")[:50],
                    source=Visit.Source.IMPORT,
                    client_uuid=values["_uuid"],
                )
            except ValidationError as exc:
                report.reject(RowError(row.number, "", "", str(m)) for m in exc.messages)
            except PermissionDenied:
                report.reject([self.error(table, row, "room", _("无权登记该住户"))])
            else:
                if created:
                    report.imported += 1
                else:
                    report.updated += 1
                    report.unchanged += 1


def import_visits(source, *, campaign: Campaign, name: str = "", actor=None, progress=None):
    """Read a visit sheet (path or bytes) and record its rows in `campaign`; ImportFormatError if
    the file cannot be read as one."""
    importer = VisitImporter(campaign, actor=actor, progress=progress)
    return importer.run(read_table(source, importer.spec, name))


def count_rows(source, campaign: Campaign, name: str = "") -> int:
    return len(read_table(source, visit_spec(household_questions(campaign)), name).rows)


def run_visits_job(job, progress) -> Report:
    """The task's entry point for ImportJob(kind="canvass_visits"); options: {"campaign": id}."""
    campaign = Campaign.objects.select_related("area", "questionnaire").get(
        pk=job.options["campaign"]
    )
    with job.file.open("rb") as fh:
        data = fh.read()
    return import_visits(
        data, campaign=campaign, name=job.original_name, actor=job.user, progress=progress
    )
