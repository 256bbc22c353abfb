"""Importing contact lists: one Batch per non-empty sheet, one ContactRow per accepted row.

Each row is normalised (the name simplified and without spaces, the ID number checked and
upgraded from 15 digits, the phone, the address, sex and birth date from their columns or the ID,
the contact date, the exposure and the note). An ID number that fails its checks is kept with
`id_valid` False: a row with a name and a phone is never rejected for it. A row is rejected when
it has no name, or neither an ID number nor a phone to tell who it is (an invalid ID without a
phone, or an invalid phone without a valid ID, counts as none); the report gives its row, column
and reason, and imported + rejected = rows read.

Importing the same sheet again (same source, same sha256 of file and sheet) updates its batch and
rows in place, never duplicates them; a row whose name, ID or phone changed is unlinked so the
linkage looks at it again. The source learns the sheet's mapping, so its next sheets import
without asking. After an import the caller links the new rows (`link_after_import`).

Writes need IMPORT over the source's area (the system — actor None — may always), run in one
transaction, and are audited (ChangeLog for the source and each batch).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_change, snapshot
from wangge.core.imports import ImportFormatError, cell_text
from wangge.core.models import ChangeLog
from wangge.core.normalize import (
    NormalizationError,
    clean_text,
    id_info,
    normalize_id_number,
    normalize_name,
    normalize_phone,
    to_halfwidth,
)
from wangge.core.scope import IMPORT, covers

from .imports import (
    FIELD_LABELS,
    NeedsMapping,
    Sheet,
    SheetRow,
    parse_day,
    parse_sex,
    parse_sheet,
    read_sheets,
    sheet_digest,
)
from .models import Batch, ContactRow, ListKind, Source

__all__ = ["NeedsMapping", "get_or_create_source", "import_file", "link_after_import"]

ROW_FIELDS = (
    "raw",
    "name",
    "id_number",
    "id_valid",
    "phone",
    "address",
    "sex",
    "birth_date",
    "contact_date",
    "exposure",
    "note",
)
IDENTITY = ("name", "id_number", "phone")
BATCH_AUDIT = [
    "source_id",
    "area_id",
    "day",
    "kind",
    "file_name",
    "sheet_name",
    "digest",
    "rows_read",
    "rows_imported",
    "rows_rejected",
    "status",
]


def _check(actor, area) -> None:
    if actor is not None and not covers(actor, area.path, IMPORT):
        raise PermissionDenied(_("您没有在该区域导入名单的权限"))


@transaction.atomic
def get_or_create_source(area, name: str, *, actor, kind: str | None = None) -> Source:
    """The source called `name` in `area`, created (with `kind` as its default) if new."""
    _check(actor, area)
    name = clean_text(name)
    if not name:
        raise ValidationError({"source": _("请填写名单来源")})
    if len(name) > 100:
        raise ValidationError({"source": _("来源名称不能超过100个字")})
    source = Source.objects.filter(area=area, name=name).first()
    if source is not None:
        return source
    if kind and kind not in ListKind.values:
        raise ValidationError({"kind": _("名单类型不正确")})
    source = Source.objects.create(area=area, name=name, default_kind=kind or ListKind.CLOSE)
    record_change(actor, ChangeLog.Action.CREATE, source, after=snapshot(source))
    return source


@transaction.atomic
def update_mapping(source: Source, mapping: dict[str, str], *, actor) -> Source:
    """Replace the source's remembered mapping ({header_key: field, or "" to ignore})."""
    _check(actor, source.area)
    bad = [v for v in mapping.values() if v and v not in FIELD_LABELS]
    if bad:
        raise ValidationError({"mapping": _("未知字段：%(f)s") % {"f": "、".join(bad)}})
    before = snapshot(source, ["mapping"])
    source.mapping = {k: v for k, v in mapping.items() if k}
    source.save(update_fields=["mapping"])
    record_change(actor, ChangeLog.Action.UPDATE, source, before, snapshot(source, ["mapping"]))
    return source


def import_file(
    data: bytes,
    file_name: str,
    *,
    source: Source,
    kind: str,
    day: dt.date,
    actor,
    mapping: dict[str, str] | None = None,
) -> list[Batch]:
    """Import every non-empty sheet of the file as a batch of `source` (see the module doc).
    Raises ImportFormatError (unreadable, no data), NeedsMapping (before anything is written)
    or ValidationError (bad kind)."""
    _check(actor, source.area)
    if kind not in ListKind.values:
        raise ValidationError({"kind": _("名单类型不正确")})
    found = read_sheets(data, file_name)
    if not found:
        raise ImportFormatError(_("文件中没有数据"))
    learnt = dict(source.mapping or {})
    sheets = [
        parse_sheet(name, grid, digest=sheet_digest(data, name), learnt=learnt, mapping=mapping)
        for name, grid in found
    ]
    with transaction.atomic():
        batches = [
            _import_sheet(sheet, source=source, kind=kind, day=day, actor=actor, name=file_name)
            for sheet in sheets
        ]
        _learn(source, sheets, mapping, actor)
    return batches


def _learn(source: Source, sheets: list[Sheet], chosen: dict[str, str] | None, actor) -> None:
    learnt = dict(source.mapping or {})
    for sheet in sheets:
        learnt.update(sheet.mapping)
    for key, value in (chosen or {}).items():
        if key and value == "":
            learnt[key] = ""  # the worker said: ignore this column
    if learnt != source.mapping:
        before = snapshot(source, ["mapping"])
        source.mapping = learnt
        source.save(update_fields=["mapping"])
        record_change(actor, ChangeLog.Action.UPDATE, source, before, snapshot(source, ["mapping"]))


# --- one sheet ----------------------------------------------------------------------------------


def _import_sheet(sheet: Sheet, *, source, kind, day, actor, name: str) -> Batch:
    accepted: list[tuple[SheetRow, dict[str, Any]]] = []
    rejects: list[dict[str, Any]] = []
    for row in sheet.rows:
        values, error = normalise_row(sheet, row)
        if error is None:
            accepted.append((row, values))
        else:
            rejects.append(error)
    batch = Batch.objects.filter(source=source, digest=sheet.digest).first()
    created = batch is None
    before = None if created else snapshot(batch, BATCH_AUDIT)
    if created:
        batch = Batch(source=source, area=source.area, digest=sheet.digest, uploaded_by=actor)
    batch.day, batch.kind = day, kind
    batch.file_name = name[-200:]
    batch.sheet_name = sheet.name[:100]
    batch.mapping = {sheet.headers[i]: key for key, i in sheet.columns.items()}
    batch.rows_read = len(sheet.rows)
    batch.rows_imported = len(accepted)
    batch.rows_rejected = len(rejects)
    batch.rejects = rejects
    if actor is not None and getattr(actor, "pk", None):
        batch.uploaded_by = actor
    batch.save()
    unlinked = _write_rows(batch, accepted)
    if unlinked and batch.status != Batch.Status.IMPORTED:
        batch.status = Batch.Status.IMPORTED
        batch.save(update_fields=["status"])
    if created:
        record_change(actor, ChangeLog.Action.CREATE, batch, after=snapshot(batch, BATCH_AUDIT))
    else:
        record_change(actor, ChangeLog.Action.UPDATE, batch, before, snapshot(batch, BATCH_AUDIT))
    assert batch.rows_imported + batch.rows_rejected == batch.rows_read  # noqa: S101
    return batch


def _write_rows(batch: Batch, accepted: list[tuple[SheetRow, dict[str, Any]]]) -> int:
    """Create, update or delete the batch's rows; returns how many are left without a person."""
    existing = {r.row_number: r for r in batch.rows.all()}
    new, changed = [], []
    numbers = set()
    for row, values in accepted:
        numbers.add(row.number)
        current = existing.get(row.number)
        if current is None:
            new.append(
                ContactRow(
                    batch=batch, row_number=row.number, scope_path=batch.scope_path, **values
                )
            )
            continue
        diff = [f for f in ROW_FIELDS if getattr(current, f) != values[f]]
        if not diff:
            continue
        if any(f in IDENTITY for f in diff):
            current.entity, current.link, current.score = None, "", None
        for f in ROW_FIELDS:
            setattr(current, f, values[f])
        current.scope_path = batch.scope_path
        changed.append(current)
    gone = [pk.pk for n, pk in existing.items() if n not in numbers]
    if gone:
        ContactRow.objects.filter(pk__in=gone).delete()
    ContactRow.objects.bulk_create(new, batch_size=1000)
    fields = [*ROW_FIELDS, "entity", "link", "score", "scope_path"]
    ContactRow.objects.bulk_update(changed, fields, batch_size=1000)
    return batch.rows.filter(entity__isnull=True).count()


# --- one row ------------------------------------------------------------------------------------


def _reject(sheet: Sheet, row: SheetRow, key: str, reason: str, value: Any = None) -> dict:
    text = cell_text(row.cells.get(key)) if value is None else value
    column = sheet.label(key) if key in FIELD_LABELS else key
    return {"row": row.number, "column": column, "value": text, "reason": reason}


def _clean_id(raw: Any) -> str:
    return "".join(to_halfwidth(cell_text(raw)).split()).upper()[:18]


def normalise_row(sheet: Sheet, row: SheetRow) -> tuple[dict[str, Any], dict | None]:
    """The row's ContactRow fields, or the reason it is rejected (one per row)."""
    cells = row.cells
    name = normalize_name(cell_text(cells.get("name")))[:50]
    if not name:
        return {}, _reject(sheet, row, "name", _("姓名为空"))
    id_raw, id_error = cells.get("id_number"), ""
    id_number, id_valid = "", False
    if cell_text(id_raw):
        try:
            id_number, id_valid = normalize_id_number(id_raw), True
        except NormalizationError as exc:
            id_number, id_error = _clean_id(id_raw), str(exc)
    phone_raw, phone_error, phone = cells.get("phone"), "", ""
    if cell_text(phone_raw):
        try:
            phone = normalize_phone(phone_raw)
        except NormalizationError as exc:
            phone_error = str(exc)
    if not id_valid and not phone:
        if phone_error:
            reason = _("%(error)s，且没有有效的身份证号") % {"error": phone_error}
            return {}, _reject(sheet, row, "phone", reason)
        if id_error:
            reason = _("%(error)s，且没有联系电话") % {"error": id_error}
            return {}, _reject(sheet, row, "id_number", reason)
        column = "、".join(sheet.label(k) for k in ("id_number", "phone"))
        reason = _("身份证号和联系电话都为空，无法确认是谁")
        return {}, _reject(sheet, row, column, reason, "")
    info = id_info(id_number) if id_valid else None
    sex = parse_sex(cells.get("sex")) or (info[0] if info else "")
    birth = parse_day(cells.get("birth_date")) or (info[1] if info else None)
    return {
        "raw": row.raw,
        "name": name,
        "id_number": id_number,
        "id_valid": id_valid,
        "phone": phone,
        "address": clean_text(cell_text(cells.get("address")))[:200],
        "sex": sex,
        "birth_date": birth,
        "contact_date": parse_day(cells.get("contact_date")),
        "exposure": clean_text(cell_text(cells.get("exposure")))[:200],
        "note": clean_text(cell_text(cells.get("note")))[:200],
    }, None


# --- linking ------------------------------------------------------------------------------------


def linkage_available() -> bool:
    return importlib.util.find_spec("wangge.tracing.services_linkage") is not None


def link_after_import(area, *, actor):
    """Link the area's new rows (services_linkage.link_pending), or None while the linkage is
    not installed."""
    if not linkage_available():
        return None
    linkage = importlib.import_module("wangge.tracing.services_linkage")
    return linkage.link_pending(area, actor=actor)


LINK_COUNTS = {
    "exact": gettext_lazy("精确合并"),
    "probabilistic": gettext_lazy("概率合并"),
    "review": gettext_lazy("待核对"),
    "new": gettext_lazy("新增人员"),
    "registry": gettext_lazy("匹配登记人员"),
}


def link_counts(result) -> dict[str, int]:
    """The counts of a LinkResult (a dict, a `counts` dict, or attributes named as above)."""
    if result is None:
        return {}
    counts = result if isinstance(result, dict) else getattr(result, "counts", None)
    if not isinstance(counts, dict):
        counts = {}
        for key in LINK_COUNTS:
            for name in (key, f"{key}_matches", f"{key}_count"):
                if isinstance(getattr(result, name, None), int):
                    counts[key] = getattr(result, name)
                    break
    return {k: v for k, v in counts.items() if isinstance(v, int)}


def link_summary(result) -> str:
    """'精确合并 3，新增人员 2…' for a message."""
    counts = link_counts(result)
    labels = {k: str(v) for k, v in LINK_COUNTS.items()}
    return "，".join(f"{labels.get(k, k)} {n}" for k, n in counts.items())
