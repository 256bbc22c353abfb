"""Planning a testing round: the round itself, its sampling points and tables, door-to-door teams,
and its status. Every write is validated, atomic and audited, and needs CHANGE on the round's
area: a street commander plans a street's round, a grid leader a round for their grid.

Who sees a round: `visible_rounds(user)` — rounds inside the user's scope and rounds planned
above it (a grid leader sees the street-wide round and, through the scoped slots, door visits
and samples, their own grid's part of it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from wangge.core.audit import record_change
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, clean_text, normalize_name, normalize_phone
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.core.services import create_object, delete_object, update_object
from wangge.places.models import Area, Building, Estate

from .models import DoorTeam, Round, SamplingPoint, SamplingTable

POOL_SIZES = (1, 10, 20)
DEFAULT_RATE = 88
MAX_RATE = 1000


# --- who sees and who plans -------------------------------------------------------------------


def visible_rounds(user) -> QuerySet[Round]:
    """Rounds the user may open (their part of it: the pages scope everything personal)."""
    return Round.objects.touching(user, VIEW)


def planned_by(user) -> QuerySet[Round]:
    """Rounds the user may plan: CHANGE on the round's area."""
    return Round.objects.for_user(user, CHANGE)


def can_plan(user, rnd: Round) -> bool:
    return covers(user, rnd.area.path, CHANGE)


def _require_plan(actor, area: Area) -> None:
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied(_("您无权为该区域安排核酸检测"))


def _phone(values: dict[str, Any], field: str) -> None:
    if field in values:
        try:
            values[field] = normalize_phone(values[field] or "")
        except NormalizationError as exc:
            raise ValidationError({field: [str(exc)]}) from exc


def _contact(values: dict[str, Any]) -> dict[str, Any]:
    """Names trimmed and simplified, phones normalised (full-width, spaces, +86)."""
    values = dict(values)
    for field in ("leader_name",):
        if field in values:
            values[field] = normalize_name(values[field] or "")
    for field in ("name", "location", "members"):
        if field in values:
            values[field] = clean_text(values[field] or "")
    _phone(values, "leader_phone")
    return values


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- rounds ----------------------------------------------------------------------------------


def next_round_number(area: Area) -> int:
    return (Round.objects.filter(area=area).aggregate(n=Max("number"))["n"] or 0) + 1


def previous_round(rnd: Round) -> Round | None:
    """The area's latest round before this one (by date, then number)."""
    earlier = Round.objects.filter(area_id=rnd.area_id).filter(
        Q(date__lt=rnd.date) | Q(date=rnd.date, number__lt=rnd.number)
    )
    if rnd.pk:
        earlier = earlier.exclude(pk=rnd.pk)
    return earlier.order_by("-date", "-number").first()


def _validate_round(rnd: Round, buildings: list[Building]) -> None:
    errors: dict[str, list[str]] = {}
    if rnd.start_time and rnd.end_time and rnd.end_time <= rnd.start_time:
        errors["end_time"] = [_("结束时间必须晚于开始时间")]
    if rnd.pool_size not in POOL_SIZES:
        errors["pool_size"] = [_("混采人数只能是 1（单采）、10 或 20")]
    if not 5 <= (rnd.slot_minutes or 0) <= 240:
        errors["slot_minutes"] = [_("每批时长应在 5 到 240 分钟之间")]
    if rnd.number is not None and rnd.number < 1:
        errors["number"] = [_("轮次必须是正整数")]
    elif Round.objects.filter(area_id=rnd.area_id, number=rnd.number).exclude(pk=rnd.pk).exists():
        errors["number"] = [_("该区域已有第%(n)s轮") % {"n": rnd.number}]
    if rnd.target not in Round.Target.values:
        errors["target"] = [_("无效的检测对象")]
    if rnd.target == Round.Target.BUILDINGS and not buildings:
        errors["target_buildings"] = [_("指定楼栋检测时请至少选择一栋楼")]
    outside = [b for b in buildings if not b.scope_path.startswith(rnd.area.path)]
    if outside:
        errors["target_buildings"] = [
            _("%(building)s 不在本轮检测区域（%(area)s）内") % {"building": b, "area": rnd.area}
            for b in outside
        ]
    if rnd.target == Round.Target.SPECIAL_GROUP and not rnd.target_group:
        errors["target_group"] = [_("请选择特殊人群类别")]
    _raise(errors)


def _normalise_target(rnd: Round, buildings: Iterable[Building]) -> list[Building]:
    if rnd.target != Round.Target.SPECIAL_GROUP:
        rnd.target_group = ""
    return list(buildings) if rnd.target == Round.Target.BUILDINGS else []


def _set_buildings(rnd: Round, buildings: list[Building], *, actor) -> None:
    before = sorted(rnd.target_buildings.values_list("pk", flat=True)) if rnd.pk else []
    after = sorted(b.pk for b in buildings)
    if before != after:
        rnd.target_buildings.set(buildings)
        record_change(
            actor,
            ChangeLog.Action.UPDATE,
            rnd,
            {"target_buildings": before},
            {"target_buildings": after},
        )


def create_round(
    *,
    area: Area,
    date: dt.date,
    actor,
    number: int | None = None,
    target_buildings: Iterable[Building] = (),
    **fields,
) -> Round:
    """Round N for `area` (N = the area's next number when not given), linked to the area's
    previous round."""
    _require_plan(actor, area)
    rnd = Round(area=area, date=date, number=number, **fields)
    rnd.created_by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        if rnd.number is None:
            rnd.number = next_round_number(area)
        buildings = _normalise_target(rnd, target_buildings)
        _validate_round(rnd, buildings)
        rnd.previous = previous_round(rnd)
        create_object(rnd, actor=actor)
        _set_buildings(rnd, buildings, actor=actor)
    return rnd


ROUND_FIELDS = (
    "number",
    "name",
    "date",
    "start_time",
    "end_time",
    "target",
    "target_group",
    "pool_size",
    "slot_minutes",
)


def update_round(rnd: Round, data: dict[str, Any], *, actor) -> Round:
    """Change a round's plan (not its area). `data` may carry target_buildings."""
    _require_plan(actor, rnd.area)
    data = dict(data)
    buildings = data.pop("target_buildings", None)
    unknown = set(data) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if data.get("number") is None:
        data.pop("number", None)
    with transaction.atomic():
        for name, value in data.items():
            setattr(rnd, name, value)
        if buildings is None:
            buildings = list(rnd.target_buildings.all())
        buildings = _normalise_target(rnd, buildings)
        _validate_round(rnd, buildings)
        data["target_group"] = rnd.target_group
        data["previous"] = previous_round(rnd)
        rnd.refresh_from_db(fields=list(data))  # update_object logs from the stored values
        update_object(rnd, data, actor=actor)
        _set_buildings(rnd, buildings, actor=actor)
    return rnd


STATUS_MOVES = {
    Round.Status.PLANNED: {Round.Status.ACTIVE, Round.Status.CLOSED},
    Round.Status.ACTIVE: {Round.Status.CLOSED},
    Round.Status.CLOSED: {Round.Status.ACTIVE},
}


def set_round_status(rnd: Round, status: str, *, actor) -> Round:
    """Start (进行中), close (已结束) or reopen a round."""
    _require_plan(actor, rnd.area)
    if status not in STATUS_MOVES.get(rnd.status, set()):
        raise ValidationError(
            {
                "status": [
                    _("轮次状态不能从“%(a)s”改为“%(b)s”")
                    % {"a": rnd.get_status_display(), "b": Round.Status(status).label}
                ]
            }
        )
    update_object(rnd, {"status": status}, actor=actor)
    return rnd


def start_round(rnd: Round, *, actor) -> Round:
    return set_round_status(rnd, Round.Status.ACTIVE, actor=actor)


def close_round(rnd: Round, *, actor) -> Round:
    return set_round_status(rnd, Round.Status.CLOSED, actor=actor)


# --- points, tables, teams --------------------------------------------------------------------


def _area_in_round(rnd: Round, area: Area | None, field: str, errors: dict) -> None:
    if area is not None and not area.path.startswith(rnd.area.path):
        errors[field] = [
            _("%(area)s 不在本轮检测区域（%(round_area)s）内")
            % {"area": area.name, "round_area": rnd.area.name}
        ]


def _validate_point(rnd: Round, point: SamplingPoint) -> None:
    errors: dict[str, list[str]] = {}
    _area_in_round(rnd, point.area, "area", errors)
    estate: Estate | None = point.estate
    if estate is not None and not (
        estate.scope_path.startswith(rnd.area.path) or rnd.area.path.startswith(estate.scope_path)
    ):
        errors["estate"] = [_("该小区不在本轮检测区域内")]
    if point.opens_at and point.closes_at and point.closes_at <= point.opens_at:
        errors["closes_at"] = [_("结束时间必须晚于开始时间")]
    if (
        SamplingPoint.objects.filter(round_id=rnd.pk, number=point.number)
        .exclude(pk=point.pk)
        .exists()
    ):
        errors["number"] = [_("本轮已有%(n)s号采样点") % {"n": point.number}]
    if not point.name:
        errors["name"] = [_("请填写采样点名称")]
    _raise(errors)


def add_point(rnd: Round, *, actor, area: Area | None = None, number=None, **fields):
    """A sampling point; number = the round's next, name defaults to "N号采样点"."""
    _require_plan(actor, rnd.area)
    fields = _contact(fields)
    with transaction.atomic():
        if number is None:
            number = (rnd.points.aggregate(n=Max("number"))["n"] or 0) + 1
        fields["name"] = fields.get("name") or _("%(n)s号采样点") % {"n": number}
        point = SamplingPoint(round=rnd, area=area or rnd.area, number=number, **fields)
        _validate_point(rnd, point)
        return create_object(point, actor=actor)


def _update_checked(obj, data: dict[str, Any], validate, *, actor):
    """Apply `data`, validate the whole object, then save it audited (from the stored state)."""
    data = _contact(data)
    with transaction.atomic():
        for name, value in data.items():
            setattr(obj, name, value)
        validate(obj)
        obj.refresh_from_db(fields=[type(obj)._meta.get_field(n).attname for n in data])
        update_object(obj, data, actor=actor)
    return obj


def update_point(point: SamplingPoint, data: dict[str, Any], *, actor) -> SamplingPoint:
    _require_plan(actor, point.round.area)
    if data.get("number") is None:
        data = {k: v for k, v in data.items() if k != "number"}
    return _update_checked(point, data, lambda p: _validate_point(p.round, p), actor=actor)


def delete_point(point: SamplingPoint, *, actor) -> None:
    """Remove a point with its tables; its schedule slots go too (those units become
    unscheduled until the next proposal)."""
    _require_plan(actor, point.round.area)
    delete_object(point, actor=actor)


def _validate_table(table: SamplingTable) -> None:
    errors: dict[str, list[str]] = {}
    rate = table.rate_per_hour
    if not isinstance(rate, int) or rate < 1:
        errors["rate_per_hour"] = [_("每小时采样人数必须大于 0")]
    elif rate > MAX_RATE:
        errors["rate_per_hour"] = [_("每小时采样人数不能超过 %(n)s") % {"n": MAX_RATE}]
    if (
        SamplingTable.objects.filter(point_id=table.point_id, number=table.number)
        .exclude(pk=table.pk)
        .exists()
    ):
        errors["number"] = [_("该采样点已有%(n)s号台") % {"n": table.number}]
    _raise(errors)


def add_table(
    point: SamplingPoint, *, actor, number=None, rate_per_hour: int | None = DEFAULT_RATE, **fields
) -> SamplingTable:
    """A table of a point: leader, phone, people per hour (88 by default)."""
    _require_plan(actor, point.round.area)
    fields = _contact(fields)
    with transaction.atomic():
        if number is None:
            number = (point.tables.aggregate(n=Max("number"))["n"] or 0) + 1
        rate = DEFAULT_RATE if rate_per_hour is None else rate_per_hour
        table = SamplingTable(point=point, number=number, rate_per_hour=rate, **fields)
        _validate_table(table)
        return create_object(table, actor=actor)


def update_table(table: SamplingTable, data: dict[str, Any], *, actor) -> SamplingTable:
    _require_plan(actor, table.point.round.area)
    data = {k: v for k, v in data.items() if not (k == "number" and v is None)}
    return _update_checked(table, data, _validate_table, actor=actor)


def delete_table(table: SamplingTable, *, actor) -> None:
    _require_plan(actor, table.point.round.area)
    delete_object(table, actor=actor)


def _validate_team(team: DoorTeam) -> None:
    errors: dict[str, list[str]] = {}
    _area_in_round(team.round, team.area, "area", errors)
    if not team.name:
        errors["name"] = [_("请填写组名")]
    _raise(errors)


def add_team(rnd: Round, *, actor, name: str, area: Area | None = None, **fields) -> DoorTeam:
    """A door-to-door team (上门采样组) covering an area inside the round's (the whole round by
    default)."""
    _require_plan(actor, rnd.area)
    fields = _contact({"name": name, **fields})
    team = DoorTeam(round=rnd, area=area or rnd.area, **fields)
    with transaction.atomic():
        _validate_team(team)
        return create_object(team, actor=actor)


def update_team(team: DoorTeam, data: dict[str, Any], *, actor) -> DoorTeam:
    _require_plan(actor, team.round.area)
    return _update_checked(team, data, _validate_team, actor=actor)


def delete_team(team: DoorTeam, *, actor) -> None:
    """Remove a team; its door visits stay on the list without a team."""
    _require_plan(actor, team.round.area)
    delete_object(team, actor=actor)
