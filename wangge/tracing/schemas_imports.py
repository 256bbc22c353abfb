"""Schemas of the contact-list imports API: a batch (its source, day, kind and counts), its
report (the rejected rows, their values masked) and the answer when headers need a mapping."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from wangge.core.mask import mask_id, mask_phone


def _mask(text: str) -> str:
    digits = sum(c.isdigit() for c in text)
    if digits >= 15:
        return mask_id(text)
    return mask_phone(text) if digits >= 7 else text


class BatchOut(Schema):
    id: int
    source_id: int
    source: str
    area_id: int
    day: dt.date
    kind: str
    kind_label: str
    file_name: str
    sheet_name: str
    status: str
    rows_read: int
    rows_imported: int
    rows_rejected: int
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_source(obj) -> str:
        return obj.source.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class RejectOut(Schema):
    row: int
    column: str
    value_masked: str
    reason: str


class BatchReportOut(BatchOut):
    mapping: dict[str, str]
    rejects: list[RejectOut]

    @staticmethod
    def resolve_rejects(obj) -> list[dict]:
        return [
            {
                "row": e["row"],
                "column": e["column"],
                "value_masked": _mask(str(e.get("value", ""))),
                "reason": e["reason"],
            }
            for e in obj.rejects
        ]


class UploadOut(Schema):
    batches: list[BatchOut]
    linked: dict[str, int] | None = None


class NeedsMappingOut(Schema):
    detail: str
    sheet: str
    headers: list[str]
    guess: dict[str, str]
