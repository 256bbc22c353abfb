"""Disinfection (消杀): keeping the places to disinfect, logging each disinfection from a phone,
and how far each place is behind today's schedule.

Rules:
- A place's `times_per_day` are spread evenly over its working hours (day_starts–day_ends): the
  k-th is due at day_starts + k × (hours / times), so by day_ends all of them are due
  (`expected_by`). Before day_starts none is due.
- A place is behind (滞后) when it has fewer logs today than expected by now; it meets the day's
  requirement (已达标) when it has at least `times_per_day` logs today. `with_progress` annotates
  both numbers in SQL, so `behind(at)` and the compliance page count the same places in one
  query whatever their number.
- A log needs RECORD over its place, an active place, an agent, who did it, and a time that is
  neither in the future nor more than LOG_MAX_AGE_DAYS back. The same `client_uuid` again
  returns the first log and creates nothing.
- Creating or changing a place needs CHANGE over its area; a linked building, unit, checkpoint
  or site must lie inside that area.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractHour,
    ExtractMinute,
    ExtractSecond,
    Floor,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.scope import CHANGE, RECORD, covers
from wangge.core.services import create_object, update_object

from .models_disinfection import DisinfectionLog, DisinfectionPlace

DEFAULT_AGENT = "含氯消毒剂"
DEFAULT_CONCENTRATION = "500mg/L"
COMMON_AGENTS = ("含氯消毒剂", "84消毒液", "过氧乙酸", "75%酒精", "二氧化氯", "季铵盐消毒剂")
LOG_MAX_AGE_DAYS = 7
FUTURE_SLACK = dt.timedelta(minutes=5)
MAX_TIMES_PER_DAY = 24
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif", "heic"}
PLACE_FIELDS = (
    "name",
    "kind",
    "building",
    "unit",
    "checkpoint",
    "site",
    "times_per_day",
    "day_starts",
    "day_ends",
    "active",
)


# --- the schedule -----------------------------------------------------------------------------


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local day as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _expected(times: int, start: int, end: int, now: int) -> int:
    if times <= 0:
        return 0
    if now >= end:
        return times
    if now < start:
        return 0
    return (now - start) * times // (end - start)


def expected_by(place: DisinfectionPlace, at: dt.datetime) -> int:
    """How many of the place's disinfections of the day should be done by `at`."""
    now = _seconds(timezone.localtime(at).time())
    return _expected(place.times_per_day, _seconds(place.day_starts), _seconds(place.day_ends), now)


def _seconds_expr(field: str):
    return ExtractHour(field) * 3600 + ExtractMinute(field) * 60 + ExtractSecond(field)


def with_progress(qs: QuerySet, at: dt.datetime) -> QuerySet:
    """`qs` of places with `done_today` (logs of `at`'s day up to the end of that day),
    `expected_now` (expected_by(place, at), in SQL) and `lag` (expected − done)."""
    start, end = day_bounds(timezone.localdate(at))
    now = _seconds(timezone.localtime(at).time())
    starts, ends = _seconds_expr("day_starts"), _seconds_expr("day_ends")
    expected = Case(
        When(times_per_day__lte=0, then=Value(0)),
        When(Q(day_ends_s__lte=now), then=F("times_per_day")),
        When(Q(day_starts_s__gt=now), then=Value(0)),
        # Floored as expected_by does: PostgreSQL's EXTRACT gives numerics, not integers.
        default=Cast(
            Floor(
                (Value(now) - F("day_starts_s"))
                * F("times_per_day")
                / (F("day_ends_s") - F("day_starts_s"))
            ),
            IntegerField(),
        ),
        output_field=IntegerField(),
    )
    # The day's count as a correlated subquery, not a join grouped by place: the queryset stays
    # plain, so an area filter or a GROUP BY area applies before anything is counted.
    logs = (
        DisinfectionLog.objects.filter(place=OuterRef("pk"), done_at__gte=start, done_at__lt=end)
        .order_by()
        .values("place")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.annotate(day_starts_s=starts, day_ends_s=ends)
        .annotate(
            done_today=Coalesce(Subquery(logs, output_field=IntegerField()), Value(0)),
            expected_now=expected,
        )
        .annotate(lag=F("expected_now") - F("done_today"))
    )


def due_places(at: dt.datetime | None = None) -> QuerySet:
    """The places to disinfect on `at`'s day (active), before scope."""
    return DisinfectionPlace.objects.filter(active=True)


def behind(at: dt.datetime | None = None) -> QuerySet:
    """Active places with fewer logs today than expected by `at` (one query), before scope."""
    at = at or timezone.now()
    return with_progress(due_places(at), at).filter(done_today__lt=F("expected_now"))


def on_schedule(at: dt.datetime | None = None) -> QuerySet:
    """Active places with at least as many logs today as expected by `at`, before scope."""
    at = at or timezone.now()
    return with_progress(due_places(at), at).filter(done_today__gte=F("expected_now"))


def logs_on(day: dt.date) -> QuerySet:
    """The disinfections logged for `day` (by their time done), before scope."""
    start, end = day_bounds(day)
    return DisinfectionLog.objects.filter(done_at__gte=start, done_at__lt=end)


# --- places -----------------------------------------------------------------------------------


def _check_place(area, data: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = [_("请填写点位名称")]
    times = data.get("times_per_day")
    if times is None or not 1 <= int(times) <= MAX_TIMES_PER_DAY:
        errors["times_per_day"] = [_("每日消杀次数应为 1 到 24 次")]
    starts, ends = data.get("day_starts"), data.get("day_ends")
    if starts is None or ends is None or ends <= starts:
        errors["day_ends"] = [_("作业结束时间应晚于开始时间")]
    labels = {
        "building": _("楼栋不在所选区域内"),
        "unit": _("单元不在所选区域内"),
        "checkpoint": _("卡口不在所选区域内"),
        "site": _("隔离点不在所选区域内"),
    }
    for name, message in labels.items():
        obj = data.get(name)
        if obj is not None and not obj.scope_path.startswith(area.path):
            errors[name] = [message]
    unit, building = data.get("unit"), data.get("building")
    if unit is not None and building is not None and unit.building_id != building.pk:
        errors["unit"] = [_("该单元不属于所选楼栋")]
    if errors:
        raise ValidationError(errors)


def create_place(area, *, actor, **fields) -> DisinfectionPlace:
    """A new place in `area` (CHANGE over the area)."""
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    data = {"times_per_day": 2, "day_starts": dt.time(8), "day_ends": dt.time(20)}
    data.update(fields)
    if data.get("unit") is not None and data.get("building") is None:
        data["building"] = data["unit"].building
    _check_place(area, data)
    data["name"] = data["name"].strip()
    return create_object(DisinfectionPlace(area=area, **data), actor=actor)


def update_place(place: DisinfectionPlace, data: dict, *, actor) -> bool:
    if not covers(actor, place.scope_path, CHANGE):
        raise PermissionDenied
    area = data.get("area", place.area)
    merged = {name: getattr(place, name) for name in PLACE_FIELDS}
    merged.update(data)
    if not covers(actor, area.path, CHANGE):
        raise ValidationError({"area": [_("所选区域不在您的管辖范围内")]})
    _check_place(area, merged)
    merged["name"] = merged["name"].strip()
    merged["area"] = area
    with transaction.atomic():
        return update_object(place, merged, actor=actor)


def create_unit_places(
    building,
    *,
    actor,
    kind: str = DisinfectionPlace.Kind.UNIT_ENTRANCE,
    times_per_day: int = 2,
    day_starts: dt.time = dt.time(8),
    day_ends: dt.time = dt.time(20),
) -> list[DisinfectionPlace]:
    """One place per unit of `building` ("阳光小区 1号楼 2单元 单元门口"), skipping units that
    already have an active place of that kind. Returns the places created."""
    area = building.area
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    units = list(building.units.all())
    if not units:
        raise ValidationError({"building": [_("该楼栋还没有单元，请先添加单元")]})
    taken = set(
        DisinfectionPlace.objects.filter(unit__in=units, kind=kind, active=True).values_list(
            "unit_id", flat=True
        )
    )
    label = DisinfectionPlace.Kind(kind).label
    created = []
    with transaction.atomic():
        for unit in units:
            if unit.pk in taken:
                continue
            created.append(
                create_place(
                    area,
                    actor=actor,
                    name=f"{unit} {label}",
                    kind=kind,
                    building=building,
                    unit=unit,
                    times_per_day=times_per_day,
                    day_starts=day_starts,
                    day_ends=day_ends,
                )
            )
    return created


# --- logging ----------------------------------------------------------------------------------


def linked_worker(user):
    """The workforce Worker linked to `user`, or None."""
    from wangge.workforce.models import Worker

    if not getattr(user, "pk", None):
        return None
    return Worker.objects.filter(user=user).first()


def default_done_by(user) -> str:
    worker = linked_worker(user)
    if worker is not None:
        return worker.name
    return (getattr(user, "display_name", "") or str(user or "")).strip()


def last_defaults(user) -> dict:
    """The agent and concentration the user logged last (含氯消毒剂 500mg/L at first)."""
    last = (
        DisinfectionLog.objects.filter(created_by=user).order_by("-created_at", "-pk").first()
        if getattr(user, "pk", None)
        else None
    )
    if last is None:
        return {"agent": DEFAULT_AGENT, "concentration": DEFAULT_CONCENTRATION}
    return {"agent": last.agent, "concentration": last.concentration}


def _replay(client_uuid, place) -> DisinfectionLog | None:
    first = DisinfectionLog.objects.filter(client_uuid=client_uuid).first()
    if first is not None and first.place_id != place.pk:
        raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    return first


def _snap(log: DisinfectionLog) -> dict:
    names = [f.attname for f in log._meta.concrete_fields if f.name not in {"scope_path", "photo"}]
    data = snapshot(log, names)
    data["photo"] = log.photo.name or ""
    return data


def log_disinfection(
    place: DisinfectionPlace,
    *,
    actor,
    agent: str,
    done_at: dt.datetime | None = None,
    concentration: str = "",
    worker=None,
    done_by: str = "",
    note: str = "",
    photo=None,
    client_uuid: uuid.UUID | None = None,
) -> tuple[DisinfectionLog, bool]:
    """Log one disinfection of `place`. Returns (log, created); a retry with the same
    client_uuid returns the first log."""
    if actor is not None and not covers(actor, place.scope_path, RECORD):
        raise PermissionDenied
    if client_uuid is not None:
        first = _replay(client_uuid, place)
        if first is not None:
            return first, False
    now = timezone.now()
    done_at = done_at or now
    if timezone.is_naive(done_at):
        done_at = timezone.make_aware(done_at)
    errors: dict[str, list[str]] = {}
    if not place.active:
        errors["place"] = [_("该消杀点位已停用")]
    agent = (agent or "").strip()
    if not agent:
        errors["agent"] = [_("请填写消毒剂")]
    if done_at > now + FUTURE_SLACK:
        errors["done_at"] = [_("消杀时间不能晚于现在")]
    elif done_at < now - dt.timedelta(days=LOG_MAX_AGE_DAYS):
        errors["done_at"] = [_("只能补登 7 天内的消杀记录")]
    done_by = (done_by or "").strip()
    if worker is None and actor is not None:
        mine = linked_worker(actor)
        if mine is not None and done_by in ("", mine.name):
            worker = mine
    done_by = done_by or (worker.name if worker is not None else "")
    if not done_by and actor is not None:
        done_by = default_done_by(actor)
    if not done_by:
        errors["done_by"] = [_("请填写消杀人")]
    if errors:
        raise ValidationError(errors)
    log = DisinfectionLog(
        place=place,
        done_at=done_at,
        agent=agent[:60],
        concentration=(concentration or "").strip()[:30],
        worker=worker,
        done_by=done_by[:50],
        note=(note or "").strip()[:200],
        client_uuid=client_uuid,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if photo is not None:
        ext = (photo.name or "").rsplit(".", 1)[-1].lower()
        ext = ext if ext in PHOTO_EXTENSIONS else "jpg"
        log.photo.save(f"{uuid.uuid4().hex}.{ext}", photo, save=False)
    try:
        with transaction.atomic():
            log.full_clean(validate_unique=False)
            log.save()
            record_change(actor, ChangeLog.Action.CREATE, log, None, _snap(log))
    except IntegrityError:
        if client_uuid is None:
            raise
        return DisinfectionLog.objects.get(client_uuid=client_uuid), False
    return log, True
