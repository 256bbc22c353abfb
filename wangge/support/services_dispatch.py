"""Dispatch of living-support requests (派单): assigning a request to a worker of its area
and/or a delivery route, and batch routes that group a day's grocery-like requests of a
building for one worker, walked in building, unit, floor and room order.

Who may: assigning and making routes need CHANGE over every request concerned; a worker must
be active, healthy and registered in an area that contains the request (their grid, community
or street). Requests outside the actor's scope are refused (PermissionDenied).

The board and the overdue lists are services_board's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, VIEW, covers, split_path
from wangge.core.services import create_object, update_object
from wangge.places.models import Area, Building
from wangge.workforce.models import Worker

from .models import DeliveryRoute, SupportRequest

Status = SupportRequest.Status
ASSIGNABLE = (Status.NEW, Status.ASSIGNED)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def what_to_bring(req: SupportRequest) -> str:
    parts = [str(req.kind)]
    if req.medicine_name:
        medicine = req.medicine_name
        if req.prescription_needed:
            medicine = _("%(name)s（需处方）") % {"name": medicine}
        parts.append(medicine)
    if req.text:
        parts.append(req.text)
    return "：".join(parts[:2]) + ("；" + "；".join(parts[2:]) if parts[2:] else "")


# --- assignment ------------------------------------------------------------------------------


def candidate_workers(user, path: str) -> QuerySet[Worker]:
    """Active workers the user can see (in scope or above it) whose area contains `path`."""
    areas = [p for p in area_prefixes(path)]
    return (
        Worker.objects.touching(user, VIEW)
        .filter(status=Worker.Status.ACTIVE, scope_path__in=areas)
        .order_by("name", "pk")
    )


def area_prefixes(path: str) -> list[str]:
    grid = split_path(path)[0]
    parts = [p for p in grid.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _check_worker(worker: Worker, paths: Iterable[str], field_name: str = "worker") -> None:
    if worker.status != Worker.Status.ACTIVE:
        raise ValidationError({field_name: [_("该人员未在册（待审核或已退出），不能分派")]})
    if worker.health != Worker.Health.GREEN:
        raise ValidationError({field_name: [_("该人员健康状况异常，暂不能上门服务")]})
    for path in paths:
        if worker.scope_path not in area_prefixes(path):
            raise ValidationError({field_name: [_("该人员不属于诉求所在区域，不能分派")]})


def _assign(req: SupportRequest, *, actor, worker, route, now) -> SupportRequest:
    if req.status in (Status.CLOSED, Status.CANCELLED):
        raise ValidationError(_("该诉求已办结或已撤销，不能分派"))
    if req.status not in ASSIGNABLE:
        raise ValidationError(
            _("该诉求当前状态为“%(status)s”，已在办理中，不能重新分派")
            % {"status": req.get_status_display()}
        )
    if worker is None and route is None:
        raise ValidationError({"worker": [_("请选择承办人或配送路线")]})
    if route is not None:
        if route.scope_path not in area_prefixes(req.scope_path):
            raise ValidationError({"route": [_("该配送路线不属于诉求所在区域")]})
        if worker is None:
            worker = route.worker
    if worker is not None:
        _check_worker(worker, [req.scope_path])
    update_object(
        req,
        {"worker": worker, "route": route, "assigned_at": now, "status": Status.ASSIGNED},
        actor=actor,
    )
    return req


def assign(
    req: SupportRequest, *, actor, worker: Worker | None = None, route: DeliveryRoute | None = None
) -> SupportRequest:
    """Assign a new (or re-assign an assigned) request to a worker of its area and/or a route
    (a route alone gives the route's worker)."""
    with transaction.atomic():
        req = SupportRequest.objects.select_for_update().get(pk=req.pk)
        if not covers(actor, req.scope_path, CHANGE):
            raise PermissionDenied
        return _assign(req, actor=actor, worker=worker, route=route, now=timezone.now())


def _common_area(paths: Iterable[str]) -> Area:
    grids = [split_path(p)[0].strip("/").split("/") for p in paths]
    common: list[str] = []
    for parts in zip(*grids, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Area.objects.get(path="/" + "/".join(common) + "/")


def make_route(
    requests: Iterable[SupportRequest], *, actor, worker: Worker, name: str = "", day=None
) -> DeliveryRoute:
    """One route for one worker from open routable requests (usually a building's groceries):
    the route lives in the narrowest area holding them all, and each request is assigned."""
    ids = sorted({r.pk for r in requests})
    if not ids:
        raise ValidationError(_("请至少选择一条诉求"))
    if worker is None:
        raise ValidationError({"worker": [_("请选择配送人员")]})
    now = timezone.now()
    day = day or timezone.localdate(now)
    with transaction.atomic():
        rows = list(
            SupportRequest.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("kind", "household__building")
            .order_by("pk")
        )
        if len(rows) != len(ids) or any(not covers(actor, r.scope_path, CHANGE) for r in rows):
            raise PermissionDenied
        wrong = [r for r in rows if not r.kind.routable]
        if wrong:
            raise ValidationError(
                _("“%(kind)s”类诉求不能批量配送，请单独分派") % {"kind": wrong[0].kind}
            )
        busy = [r for r in rows if r.status not in ASSIGNABLE]
        if busy:
            raise ValidationError(
                _("%(n)d 条诉求已在办理中或已办结，不能编入路线") % {"n": len(busy)}
            )
        _check_worker(worker, [r.scope_path for r in rows])
        area = _common_area(r.scope_path for r in rows)
        buildings = {r.household.building for r in rows}
        if not name.strip():
            place = buildings.pop().label if len(buildings) == 1 else area.name
            name = _("%(day)s %(place)s配送（%(n)d 户）") % {
                "day": day.strftime("%m-%d"),
                "place": place,
                "n": len({r.household_id for r in rows}),
            }
        route = create_object(
            DeliveryRoute(
                name=name.strip()[:100], area=area, day=day, worker=worker, created_by=actor
            ),
            actor=actor,
        )
        for r in rows:
            _assign(r, actor=actor, worker=worker, route=route, now=now)
        return route


# --- buildings for routes --------------------------------------------------------------------


@dataclass
class BuildingGroup:
    building: Building
    grid: str
    requests: list[SupportRequest]

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def households(self) -> int:
        return len({r.household_id for r in self.requests})

    @property
    def priority(self) -> int:
        return sum(1 for r in self.requests if r.priority)

    @property
    def kinds(self) -> str:
        names: dict[str, int] = defaultdict(int)
        for r in self.requests:
            names[str(r.kind)] += 1
        return "、".join(f"{k} {n}" for k, n in names.items())

    @property
    def ids(self) -> list[int]:
        return [r.pk for r in self.requests]


def routable(user, day: dt.date | None = None, action: str = VIEW) -> QuerySet[SupportRequest]:
    """Open routable requests not yet on a route, filed by the end of `day`."""
    day = day or timezone.localdate()
    _, end = _day_bounds(day)
    return SupportRequest.objects.for_user(user, action).filter(
        kind__routable=True, status__in=ASSIGNABLE, route__isnull=True, created_at__lt=end
    )


def building_groups(user, day: dt.date | None = None) -> list[BuildingGroup]:
    """The day's open routable requests the user may see, by building (most requests first)."""
    qs = routable(user, day).select_related(
        "kind", "household__building__estate", "household__building__area", "household__unit"
    )
    groups: dict[int, BuildingGroup] = {}
    for r in qs.order_by("pk"):
        b = r.household.building
        if b.pk not in groups:
            groups[b.pk] = BuildingGroup(b, b.area.name, [])
        groups[b.pk].requests.append(r)
    return sorted(groups.values(), key=lambda g: (-g.count, g.grid, str(g.building)))


def delivery_order(route: DeliveryRoute) -> list[SupportRequest]:
    """A route's requests in the order of the walk: building, unit, floor, room."""
    rows = list(
        route.requests.select_related(
            "kind", "household__building__estate", "household__unit", "worker"
        )
    )

    def key(r):
        h = r.household
        return (h.building.sort_key, h.building.number, h.unit.number.zfill(4), h.floor, h.room)

    return sorted(rows, key=key)
