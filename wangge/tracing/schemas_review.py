"""Schemas of the review API: an open pair with both sides (ID numbers and phones masked), a
decision, and a merged person with the sources that named them."""

import datetime as dt
from typing import Literal

from ninja import Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_id, mask_phone


class SideOut(Schema):
    kind: Literal["contact", "registry"]
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    address: str
    household: str


class PairOut(Schema):
    id: int
    status: str
    score: float
    evidence: dict
    left: SideOut
    right: SideOut


class DecisionIn(InSchema):
    decision: Literal["merged", "distinct", "later"]


class NamedOut(Schema):
    source: str
    days: list[dt.date]


class MergedOut(Schema):
    id: int
    name: str
    sex: str
    id_number_masked: str
    phone_masked: str
    kind: str
    kind_label: str
    first_day: dt.date
    last_day: dt.date
    rows_count: int
    new: bool
    under_measure: bool
    handed_over_at: dt.datetime | None
    person_id: int | None
    household_id: int | None
    household: str
    grid: str
    sources: list[NamedOut]


def contact_side(cp) -> dict:
    from .services_merged import household_label

    return {
        "kind": "contact",
        "id": cp.pk,
        "name": cp.name,
        "id_number_masked": mask_id(cp.id_number),
        "phone_masked": mask_phone(cp.phone),
        "address": cp.address,
        "household": household_label(cp.household) if cp.household_id else "",
    }


def registry_side(person) -> dict:
    return {
        "kind": "registry",
        "id": person.pk,
        "name": person.name,
        "id_number_masked": mask_id(person.id_number or ""),
        "phone_masked": mask_phone(person.phone),
        "address": "",
        "household": "",
    }


def pair_out(pair) -> dict:
    right = contact_side(pair.right) if pair.right_id else registry_side(pair.right_person)
    return {
        "id": pair.pk,
        "status": pair.status,
        "score": pair.score,
        "evidence": pair.evidence or {},
        "left": contact_side(pair.left),
        "right": right,
    }


def merged_out(p) -> dict:
    """A person described by services_merged.describe."""
    return {
        "id": p.pk,
        "name": p.name,
        "sex": p.sex,
        "id_number_masked": mask_id(p.id_number),
        "phone_masked": mask_phone(p.phone),
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "first_day": p.first_day,
        "last_day": p.last_day,
        "rows_count": p.rows_count,
        "new": bool(p.is_new),
        "under_measure": bool(p.under_measure),
        "handed_over_at": p.handed_over_at,
        "person_id": p.person_id,
        "household_id": p.household_id,
        "household": p.household_text if p.household_id else "",
        "grid": p.grid_name,
        "sources": [{"source": n.source, "days": n.days} for n in p.named],
    }
