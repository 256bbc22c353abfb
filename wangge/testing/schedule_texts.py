"""Call-down texts (下楼通知) ready to paste into a grid's WeChat group or read out, the
per-grid list of them, the per-point sheet, and the small schedule writes done by hand: moving
a slot, marking it notified, giving a door visit to another team."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, covers
from wangge.core.services import update_object
from wangge.places.models import Area, Unit

from .models import DoorTeam, DoorVisit, SamplingPoint, ScheduleSlot
from .schedule import at, point_hours, slot_capacity


def hm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def unit_label(unit: Unit, *, estate: bool = False) -> str:
    """3号楼2单元 (阳光小区 3号楼2单元 when the grid has several estates)."""
    building = unit.building
    label = _("%(building)s%(unit)s单元") % {"building": building.label, "unit": unit.number}
    if estate and building.estate_id:
        return f"{building.estate.name} {label}"
    return label


def slot_text(slot: ScheduleSlot, *, estate: bool = False) -> str:
    """3号楼2单元 09:00–09:20 请到1号采样点（阳光小区北门）做核酸，带好身份证/手机"""
    values = {
        "unit": unit_label(slot.unit, estate=estate),
        "start": hm(slot.starts_at),
        "end": hm(slot.ends_at),
        "point": slot.point.name,
        "location": slot.point.location,
    }
    if slot.point.location:
        return (
            _("%(unit)s %(start)s–%(end)s 请到%(point)s（%(location)s）做核酸，带好身份证/手机")
            % values
        )
    return _("%(unit)s %(start)s–%(end)s 请到%(point)s做核酸，带好身份证/手机") % values


@dataclass
class GridTexts:
    grid: Area
    lines: list[tuple[ScheduleSlot, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(t for _s, t in self.lines)

    @property
    def notified(self) -> int:
        return sum(1 for s, _t in self.lines if s.notified_at)


def grid_texts(slots) -> list[GridTexts]:
    """Slots (with unit__building__area/estate and point loaded) grouped by grid, each grid's
    texts in time order; estate names are added where a grid spans several estates."""
    by_grid: dict[int, list[ScheduleSlot]] = defaultdict(list)
    grids: dict[int, Area] = {}
    for s in slots:
        grid = s.unit.building.area
        grids[grid.pk] = grid
        by_grid[grid.pk].append(s)
    out = []
    for gid in sorted(by_grid, key=lambda g: grids[g].path):
        rows = sorted(
            by_grid[gid], key=lambda s: (s.starts_at, s.unit.building.sort_key, s.unit.sort_key)
        )
        several = len({s.unit.building.estate_id for s in rows}) > 1
        out.append(GridTexts(grids[gid], [(s, slot_text(s, estate=several)) for s in rows]))
    return out


@dataclass
class SheetRow:
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: list[ScheduleSlot]

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.slots)


def sheet_rows(slots) -> list[SheetRow]:
    """A point's slots grouped by time window, in time order."""
    rows: dict[tuple, list[ScheduleSlot]] = defaultdict(list)
    for s in slots:
        rows[(s.starts_at, s.ends_at)].append(s)
    return [SheetRow(a, b, rows[(a, b)]) for a, b in sorted(rows)]


# --- writes by hand ----------------------------------------------------------------------------


def _require_plan(actor, slot_or_visit) -> None:
    if not covers(actor, slot_or_visit.round.area.path, CHANGE):
        raise PermissionDenied(_("您无权为该区域安排核酸检测"))


def window_load(point: SamplingPoint, starts_at, ends_at, *, exclude=None) -> int:
    """People already called to `point` in slots overlapping the window."""
    qs = ScheduleSlot.objects.filter(point=point, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return sum(qs.values_list("expected", flat=True))


@dataclass
class MoveResult:
    slot: ScheduleSlot
    load: int
    capacity: int

    @property
    def over(self) -> bool:
        return self.load > self.capacity


def move_slot(slot: ScheduleSlot, *, point: SamplingPoint, start: dt.time, actor) -> MoveResult:
    """Call the slot's unit to `point` at `start` (same length as before); the slot is marked
    adjusted so a new proposal keeps it. Reports the resulting load of that window."""
    rnd = slot.round
    _require_plan(actor, slot)
    if point.round_id != rnd.pk:
        raise ValidationError({"point": [_("只能调整到本轮的采样点")]})
    length = slot.ends_at - slot.starts_at
    starts_at = at(rnd, start)
    ends_at = starts_at + length
    opens, closes = point_hours(rnd, point)
    if starts_at < opens or ends_at > closes:
        raise ValidationError(
            {
                "start": [
                    _("时间须在%(point)s的采样时间 %(a)s–%(b)s 内")
                    % {"point": point.name, "a": hm(opens), "b": hm(closes)}
                ]
            }
        )
    with transaction.atomic():
        update_object(
            slot,
            {"point": point, "starts_at": starts_at, "ends_at": ends_at, "adjusted": True},
            actor=actor,
        )
        load = window_load(point, starts_at, ends_at)
    minutes = (ends_at - starts_at).total_seconds() / 60
    return MoveResult(slot, load, slot_capacity(point, minutes))


def mark_notified(slot: ScheduleSlot, *, actor, notified: bool = True) -> ScheduleSlot:
    """The unit has been told (posted in the WeChat group or called out); needs CHANGE on the
    unit, so a grid leader marks their own grid."""
    if not covers(actor, slot.scope_path, CHANGE):
        raise PermissionDenied
    value = (slot.notified_at or timezone.now()) if notified else None
    update_object(slot, {"notified_at": value}, actor=actor)
    return slot


def reassign_visit(visit: DoorVisit, team: DoorTeam | None, *, actor) -> DoorVisit:
    _require_plan(actor, visit)
    if team is not None and team.round_id != visit.round_id:
        raise ValidationError({"team": [_("只能分配给本轮的上门采样组")]})
    update_object(visit, {"team": team}, actor=actor)
    return visit
