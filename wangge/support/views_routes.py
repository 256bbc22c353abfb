"""配送路线 (delivery routes): the day's open grocery-like requests by building, each building
made into one route for one worker in one click (or a selection of requests); the day's routes;
and a route's printable list for the deliverer in the order of the walk (unit, floor, room),
names masked, with what to bring and a link to each request.

A route outside the user's scope is a 404; making one without CHANGE over its requests is a 403
(PermissionDenied from the service)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.places.paging import paginate
from wangge.workforce.models import Worker

from . import services_dispatch as svc
from .forms_dispatch import RouteForm
from .models import DeliveryRoute, SupportRequest


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("day", "") or request.POST.get("day", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def route_workers(user):
    """Active, healthy workers the user may send (in scope or registered above it)."""
    return Worker.objects.touching(user, VIEW).filter(
        status=Worker.Status.ACTIVE, health=Worker.Health.GREEN
    )


@login_required
def route_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    day = _day(request)
    groups = svc.building_groups(user, day)
    may_change = bool(scope_paths(user, CHANGE))
    workers = list(route_workers(user).order_by("name", "pk")) if may_change else []
    for g in groups:
        g.can_route = may_change and all(covers(user, r.scope_path, CHANGE) for r in g.requests)
        prefixes = svc.area_prefixes(g.building.scope_path)
        g.workers = [w for w in workers if w.scope_path in prefixes]
    routes = (
        DeliveryRoute.objects.for_user(user, VIEW)
        .filter(day=day)
        .select_related("worker", "area")
        .annotate(
            total=Count("requests"),
            done=Count("requests", filter=Q(requests__status__in=SupportRequest.DONE)),
        )
        .order_by("name", "pk")
    )
    return render(
        request,
        "support/dispatch/route_list.html",
        {
            "day": day,
            "is_today": day == timezone.localdate(),
            "groups": groups,
            "page": paginate(request, routes),
            "may_change": may_change,
        },
    )


@login_required
def route_create(request: HttpRequest) -> HttpResponse:
    """POST: make the route; GET (a reload after an error) goes back to the buildings' list."""
    user = request.user
    if not scope_paths(user, CHANGE):
        raise Http404
    if request.method != "POST":
        return redirect("support:route_list")
    form = RouteForm(request.POST, workers=route_workers(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("support:route_list")
    data = form.cleaned_data
    qs = svc.routable(user, data["day"])
    if data.get("requests"):
        rows = list(qs.filter(pk__in=data["requests"]))
        if len(rows) != len(set(data["requests"])):
            messages.error(request, _("部分所选诉求已编入路线、已在办理中或不在您的管辖范围内"))
            return redirect("support:route_list")
    else:
        rows = list(qs.filter(household__building_id=data["building"]))
    if not rows:
        raise Http404
    try:
        route = svc.make_route(
            rows, actor=user, worker=data["worker"], name=data.get("name", ""), day=data["day"]
        )
    except ValidationError as exc:
        for e in exc.messages:
            messages.error(request, e)
        return redirect(reverse("support:route_list") + f"?day={data['day']:%Y-%m-%d}")
    messages.success(
        request,
        _("已生成配送路线“%(name)s”，共 %(n)d 条诉求") % {"name": route.name, "n": len(rows)},
    )
    return redirect("support:route_detail", pk=route.pk)


@login_required
def route_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    route = get_object_or_404(
        DeliveryRoute.objects.for_user(user, VIEW).select_related("worker", "area"), pk=pk
    )
    rows = svc.delivery_order(route)
    now = timezone.now()
    for r in rows:
        r.name_masked = mask_name(r.household.householder_name)
        r.bring = svc.what_to_bring(r)
        r.late = r.is_open and r.due_at < now
        r.can_deliver = r.status in (
            SupportRequest.Status.ASSIGNED,
            SupportRequest.Status.ACCEPTED,
            SupportRequest.Status.ON_WAY,
        ) and covers(user, r.scope_path, VIEW)
    record_access(user, "print", route, fields="name_masked,address", rows=len(rows))
    return render(
        request,
        "support/dispatch/route_detail.html",
        {
            "route": route,
            "rows": rows,
            "now": now,
            "done": sum(1 for r in rows if r.status in SupportRequest.DONE),
        },
    )
