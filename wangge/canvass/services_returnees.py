"""Writes of returnee screening (返来人员排查): the risk-place list and its sheet import, the
arrivals registered by workers or by the person from the stairwell QR code, and the signed
unit codes of those QR codes.

Risk places are one list shared by every street, so only users who may change a district (or a
city) maintain it: CHANGE on an area at district level or higher, IMPORT there for the sheet
import. A street's rights are not enough, otherwise one street would edit the rules of all.

A unit code is ``WGU:<unit id>:<signature>``, signed like the household codes of
wangge.core.qr (django.core.signing with its own salt, the signature in base32), so that a
code edited to name another unit does not verify.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.imports import Column, Importer, ImportFormatError, ImportSpec, Report, RowError
from wangge.core.normalize import NormalizationError, clean_text
from wangge.core.qr import UNIT, BadQrCode, parse_token
from wangge.core.ratelimit import public_channel
from wangge.core.scope import CHANGE, RECORD, VIEW, covers
from wangge.core.services import create_object, delete_object, update_object
from wangge.people.models import Person
from wangge.people.services import clean_person_data
from wangge.places.models import Area, Household, Unit
from wangge.places.queries import acts_for_district

from .models import Arrival, Flag, RiskLevel, RiskPlace
from .rules import classify_arrival

# --- unit codes -------------------------------------------------------------------------------


def unit_id_from_token(text: str) -> int | None:
    """The unit a stairwell code names, or None when it is not a valid unit code."""
    try:
        ref = parse_token(text, kinds=(UNIT,))
    except BadQrCode:
        return None
    return ref.pk if ref is not None else None


# --- risk places ------------------------------------------------------------------------------


def can_maintain_places(user, action: str = CHANGE) -> bool:
    """Whether `user` may keep the risk places (an area at district level or higher)."""
    return acts_for_district(user, action)


def _place_fields(data: dict) -> dict:
    out = dict(data)
    out["region"] = clean_text(out.get("region", ""))
    out["note"] = clean_text(out.get("note", ""))
    if not out["region"]:
        raise ValidationError({"region": [_("地区不能为空")]})
    if out.get("ends_on") and out.get("starts_on") and out["ends_on"] < out["starts_on"]:
        raise ValidationError({"ends_on": [_("解除日期不能早于起始日期")]})
    return out


def create_risk_place(*, actor, **data) -> RiskPlace:
    if not can_maintain_places(actor):
        raise PermissionDenied
    return create_object(RiskPlace(**_place_fields(data)), actor=actor)


def update_risk_place(place: RiskPlace, data: dict, *, actor) -> bool:
    if not can_maintain_places(actor):
        raise PermissionDenied
    return update_object(place, _place_fields(data), actor=actor)


def delete_risk_place(place: RiskPlace, *, actor) -> None:
    if not can_maintain_places(actor):
        raise PermissionDenied
    delete_object(place, actor=actor)


LEVEL_WORDS = {
    "高": RiskLevel.HIGH,
    "高风险": RiskLevel.HIGH,
    "high": RiskLevel.HIGH,
    "中": RiskLevel.MEDIUM,
    "中风险": RiskLevel.MEDIUM,
    "medium": RiskLevel.MEDIUM,
    "低": RiskLevel.LOW,
    "低风险": RiskLevel.LOW,
    "low": RiskLevel.LOW,
}
_DAY_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_level(raw) -> str:
    text = clean_text(str(raw or "")).lower().replace(" ", "").removesuffix("地区")
    if text in LEVEL_WORDS:
        return LEVEL_WORDS[text]
    raise NormalizationError(_("风险等级应为高、中或低"))


def parse_day(raw) -> dt.date:
    """2022-04-05, 2022/4/5, 2022.4.5, 2022年4月5日 or an Excel day number → a date."""
    text = clean_text(str(raw or ""))
    match = _DAY_RE.match(text)
    try:
        if match:
            return dt.date(*(int(g) for g in match.groups()))
        if text.isdigit() and 30000 < int(text) < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(text))
    except ValueError:
        pass
    raise NormalizationError(_("无法识别的日期“%(value)s”") % {"value": raw})


PLACE_SPEC = ImportSpec(
    columns=[
        Column("region", "地区", ("风险地区", "地区名称", "区域", "风险区域", "地点"), clean_text),
        Column("level", "风险等级", ("等级", "风险级别", "级别"), parse_level),
        Column(
            "starts_on", "起始日期", ("开始日期", "起始时间", "开始时间", "生效日期"), parse_day
        ),
        Column("ends_on", "解除日期", ("结束日期", "截止日期", "解除时间", "结束时间"), parse_day),
        Column("note", "备注", ("说明",), clean_text),
    ],
    min_header_matches=2,
)
PLACE_REQUIRED = ("region", "level", "starts_on")


class RiskPlaceImporter(Importer):
    """One risk place a row, matched on (地区, 风险等级, 起始日期): a known place gets the sheet's
    解除日期 and 备注, so importing the same sheet again changes nothing."""

    spec = PLACE_SPEC
    batch_size = 500

    def __init__(self, *, actor, progress=None) -> None:
        super().__init__(actor=actor, progress=progress)
        self.seen: dict[tuple, int] = {}
        self.known: dict[tuple, RiskPlace] = {}

    def check_table(self, table) -> None:
        missing = [self.spec.by_key[k].label for k in PLACE_REQUIRED if not table.has(k)]
        if missing:
            raise ImportFormatError(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
        self.known = {(p.region, p.level, p.starts_on): p for p in RiskPlace.objects.all()}

    def validate(self, table, row, values: dict[str, Any]) -> list[RowError]:
        for key, reason in (
            ("region", _("地区不能为空")),
            ("level", _("风险等级不能为空")),
            ("starts_on", _("起始日期不能为空")),
        ):
            if not values.get(key):
                return [self.error(table, row, key, reason)]
        if len(values["region"]) > 100:
            return [self.error(table, row, "region", _("地区不能超过100个字"))]
        if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
            return [self.error(table, row, "ends_on", _("解除日期不能早于起始日期"))]
        key = (values["region"], values["level"], values["starts_on"])
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            reason = _("与第%(row)d行重复") % {"row": first}
            return [self.error(table, row, "region", reason)]
        return []

    def write_batch(self, table, batch, report: Report) -> None:
        for _row, values in batch:
            data = {
                "region": values["region"],
                "level": values["level"],
                "starts_on": values["starts_on"],
                "ends_on": values.get("ends_on") or None,
                "note": values.get("note", "")[:200],
            }
            place = self.known.get((data["region"], data["level"], data["starts_on"]))
            if place is None:
                create_object(RiskPlace(**data), actor=self.actor)
                report.imported += 1
            else:
                changes = {"ends_on": data["ends_on"], "note": data["note"]}
                report.updated += 1
                report.unchanged += not update_object(place, changes, actor=self.actor)


# --- arrivals ---------------------------------------------------------------------------------

WORKER_SOURCES = (Arrival.Source.WORKER, Arrival.Source.GATE, Arrival.Source.CANVASS)


def clean_arrival_fields(fields: dict) -> dict:
    """Name, ID number and phone normalised (traditional characters, full-width digits,
    lowercase x), origin simplified; ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    try:
        person = clean_person_data({k: fields.get(k) or "" for k in ("name", "id_number", "phone")})
    except ValidationError as exc:
        errors.update(exc.message_dict)
        person = {}
    out = {
        **person,
        "id_number": person.get("id_number") or "",
        "origin": clean_text(fields.get("origin", ""))[:100],
        "arrived_on": fields.get("arrived_on"),
        "transport": fields.get("transport") or "",
        "note": clean_text(fields.get("note", ""))[:200],
    }
    if not out["origin"]:
        errors["origin"] = [_("请填写从哪里来")]
    if not isinstance(out["arrived_on"], dt.date):
        errors["arrived_on"] = [_("请填写抵达日期")]
    elif out["arrived_on"] > timezone.localdate():
        errors["arrived_on"] = [_("抵达日期不能晚于今天")]
    if out["transport"] not in ("", *Arrival.Transport.values):
        errors["transport"] = [_("交通方式不正确")]
    if errors:
        raise ValidationError(errors)
    return out


def arrival_reason(arrival: Arrival, place: RiskPlace) -> str:
    return _("自%(origin)s（%(level)s）返回，%(month)d月%(day)d日抵达") % {
        "origin": arrival.origin,
        "level": place.get_level_display(),
        "month": arrival.arrived_on.month,
        "day": arrival.arrived_on.day,
    }


def register_arrival(
    *,
    actor,
    source: str,
    client_uuid: uuid.UUID | None = None,
    household: Household | None = None,
    area: Area | None = None,
    address: str = "",
    **fields,
) -> tuple[Arrival, bool]:
    """Register one arrival living in `household`, else at `address` in the grid `area`;
    (arrival, created). Classified against the risk-place list; an arrival from a listed place
    also flags the person for the commander. A client UUID already used returns its first
    arrival. Needs RECORD in the place, except for the person's own report (source "self",
    no actor: the caller resolved the place from a signed unit code)."""
    if source not in (*WORKER_SOURCES, Arrival.Source.SELF):
        raise ValidationError({"source": [_("登记来源不正确")]})
    data = clean_arrival_fields(fields)
    if client_uuid is not None:
        first = Arrival.objects.filter(client_uuid=client_uuid).first()
        if first is not None:
            return _replay(first, actor, source), False
    if household is not None:
        area = household.building.area
    if area is None or area.level != Area.Level.GRID:
        raise ValidationError({"household": [_("请选择房间，或选择网格并填写居住地址")]})
    path = household.scope_path if household is not None else area.path
    if source != Arrival.Source.SELF and not covers(actor, path, RECORD):
        raise PermissionDenied
    address = clean_text(address)[:200]
    if household is None and not address:
        raise ValidationError({"address": [_("不住本系统登记的房间时，请填写居住地址")]})
    if data["id_number"]:
        data["person"] = Person.objects.filter(id_number=data["id_number"]).first()
    place, measure = classify_arrival(data["origin"], data["arrived_on"])
    arrival = Arrival(
        household=household,
        area=area,
        address=address,
        origin_level=place.level if place is not None else "",
        risk_place=place,
        proposed=measure,
        source=source,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        client_uuid=client_uuid,
        **data,
    )
    try:
        with transaction.atomic():
            create_object(arrival, actor=actor)
            if place is not None:
                flag = Flag(
                    arrival=arrival,
                    household=household,
                    person=arrival.person,
                    person_name=arrival.name,
                    code="arrival_risk",
                    reason=arrival_reason(arrival, place)[:300],
                    proposed=measure,
                )
                create_object(flag, actor=actor)
    except IntegrityError:
        first = Arrival.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
        if first is None:
            raise
        return _replay(first, actor, source), False
    return arrival, True


def _replay(arrival: Arrival, actor, source: str) -> Arrival:
    if source != Arrival.Source.SELF and not covers(actor, arrival.scope_path, VIEW):
        raise ValidationError(_("该 client_uuid 已被使用"))
    return arrival


def self_arrival(
    unit: Unit, *, room: str = "", address: str = "", client_uuid=None, **fields
) -> tuple[Arrival, bool]:
    """The person's own report from the unit's stairwell code: a room of that unit, or an
    address in the unit's grid. Audited on the "public" channel."""
    household = None
    if room:
        household = (
            Household.objects.select_related("building__area").filter(unit=unit, room=room).first()
        )
        if household is None:
            raise ValidationError({"room": [_("请选择您住的房间")]})
    with public_channel():
        return register_arrival(
            actor=None,
            source=Arrival.Source.SELF,
            client_uuid=client_uuid,
            household=household,
            area=unit.building.area,
            address="" if household is not None else address,
            **fields,
        )
