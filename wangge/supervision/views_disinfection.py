"""Disinfection pages (消杀): the places (list, one, create — one or one per unit —, edit), the
phone form that logs a disinfection, the day's log with its .xlsx, and a log's photo (scoped,
logged, streamed). The compliance view is views_compliance's.

Places and logs are read through `for_user(user, VIEW)`: outside it, a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.files import private_file
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, EXPORT, RECORD, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Building
from wangge.places.paging import paginate

from . import services_disinfection as svc
from .forms_disinfection import LogFilterForm, LogForm, PlaceFilterForm, PlaceForm, record_places
from .models_disinfection import DisinfectionLog, DisinfectionPlace

PLACE_FIELDS = ("name", "kind", "building", "unit", "checkpoint", "site")
SCHEDULE = ("times_per_day", "day_starts", "day_ends")


def _pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _place(request: HttpRequest, pk: int, action: str = VIEW) -> DisinfectionPlace:
    qs = DisinfectionPlace.objects.for_user(request.user, action)
    related = ("area", "building__estate", "unit__building__estate", "checkpoint", "site")
    return get_object_or_404(qs.select_related(*related), pk=pk)


# --- places -----------------------------------------------------------------------------------


@login_required
@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    form = PlaceFilterForm(request.GET, user=user)
    qs = DisinfectionPlace.objects.for_user(user, VIEW).select_related("area", "building__estate")
    if form.is_valid():
        data = form.cleaned_data
        state = data["state"]
        if state == "":
            qs = qs.filter(active=True)
        elif state == "inactive":
            qs = qs.filter(active=False)
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["area"] is not None:
            qs = qs.within(data["area"].path)
        text = clean_text(data["q"])
        if text:
            qs = qs.filter(name__contains=text)
    else:
        qs = qs.none()
    qs = svc.with_progress(qs, timezone.now()).order_by("-lag", "name", "pk")
    page = paginate(request, qs)
    return render(
        request,
        "supervision/disinfection/place_list.html",
        {
            "form": form,
            "page": page,
            "can_create": bool(scope_paths(user, CHANGE)),
            "can_log": bool(scope_paths(user, RECORD)),
        },
    )


def _place_data(data: dict) -> dict:
    return {name: data.get(name) for name in (*PLACE_FIELDS, *SCHEDULE)}


@login_required
def place_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有新建消杀点位的权限"))
    initial = {}
    building_pk = _pk(request, "building")
    if building_pk is not None and request.method != "POST":
        initial["building"] = building_pk
    post = request.method == "POST"
    form = PlaceForm(request.POST if post else None, user=user, initial=initial)
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            if data["per_unit"]:
                created = svc.create_unit_places(
                    data["building"],
                    actor=user,
                    kind=data["kind"],
                    **{name: data[name] for name in SCHEDULE},
                )
            else:
                created = [svc.create_place(data["area"], actor=user, **_place_data(data))]
        except PermissionDenied:
            form.add_error("area", _("所选区域不在您的管辖范围内"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if len(created) == 1:
                messages.success(request, _("消杀点位已新建"))
                return redirect("supervision:place_detail", pk=created[0].pk)
            if created:
                messages.success(request, _("已新建 %(n)d 个消杀点位") % {"n": len(created)})
            else:
                messages.info(request, _("该楼栋各单元都已有同类点位，没有新建"))
            return redirect(
                reverse("supervision:place_list") + "?q=" + str(data["building"].number)
            )
    return render(request, "supervision/disinfection/place_form.html", {"form": form})


@login_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    place = _place(request, pk)
    if not covers(user, place.scope_path, CHANGE):
        raise PermissionDenied(_("您不能修改该消杀点位"))
    initial = {name: getattr(place, name) for name in (*PLACE_FIELDS, *SCHEDULE, "active")}
    initial["area"] = place.area
    post = request.method == "POST"
    form = PlaceForm(request.POST if post else None, user=user, editing=True, initial=initial)
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            svc.update_place(
                place,
                {**_place_data(data), "active": data["active"], "area": data["area"]},
                actor=user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("消杀点位已保存"))
            return redirect("supervision:place_detail", pk=place.pk)
    return render(
        request, "supervision/disinfection/place_form.html", {"form": form, "place": place}
    )


@login_required
@require_GET
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    place = _place(request, pk)
    now = timezone.now()
    progress = svc.with_progress(DisinfectionPlace.objects.filter(pk=place.pk), now).get()
    logs = place.logs.select_related("worker").order_by("-done_at", "-pk")
    return render(
        request,
        "supervision/disinfection/place_detail.html",
        {
            "place": place,
            "progress": progress,
            "page": paginate(request, logs),
            "can_edit": covers(user, place.scope_path, CHANGE),
            "can_log": place.active and covers(user, place.scope_path, RECORD),
        },
    )


# --- logging ----------------------------------------------------------------------------------


@login_required
def log_create(request: HttpRequest) -> HttpResponse:
    """Log a disinfection: the place preset (?place=pk), or picked among a building's places
    (?building=pk) or all the user's; time now, the agent last used, by the user's worker."""
    user = request.user
    if not scope_paths(user, RECORD):
        raise PermissionDenied(_("您没有登记消杀的权限"))
    places = record_places(user).select_related("building__estate", "unit")
    place = building = None
    place_pk, building_pk = _pk(request, "place"), _pk(request, "building")
    if place_pk is not None:
        place = get_object_or_404(places, pk=place_pk)
    elif building_pk is not None:
        building = get_object_or_404(Building.objects.for_user(user, VIEW), pk=building_pk)
        places = places.filter(building=building)
    post = request.method == "POST"
    initial = {**svc.last_defaults(user), "done_by": svc.default_done_by(user)}
    if place is not None:
        initial["place"] = place.pk
    form = LogForm(
        request.POST if post else None,
        request.FILES if post else None,
        places=places,
        initial=initial,
    )
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            log, created = svc.log_disinfection(
                data["place"],
                actor=user,
                agent=data["agent"],
                done_at=data["done_at"],
                concentration=data["concentration"],
                done_by=data["done_by"],
                note=data["note"],
                photo=data["photo"],
                client_uuid=data["client_uuid"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("已登记消杀：%(place)s") % {"place": log.place.name})
            if building is not None:
                return redirect(
                    reverse("supervision:log_create") + "?" + urlencode({"building": building.pk})
                )
            return redirect("supervision:place_detail", pk=log.place_id)
    choices = None
    if place is None:
        choices = svc.with_progress(places, timezone.now()).order_by("-lag", "name")[:200]
    return render(
        request,
        "supervision/disinfection/log_form.html",
        {"form": form, "place": place, "building": building, "choices": choices},
    )


# --- the log ----------------------------------------------------------------------------------


def _filtered_logs(request: HttpRequest, action: str = VIEW):
    user = request.user
    form = LogFilterForm(request.GET, user=user)
    qs = DisinfectionLog.objects.for_user(user, action).select_related(
        "place__area", "place__building__estate", "worker"
    )
    day = timezone.localdate()
    if not form.is_valid():
        return form, day, qs.none()
    data = form.cleaned_data
    day = data["day"] or day
    start, end = svc.day_bounds(day)
    qs = qs.filter(done_at__gte=start, done_at__lt=end)
    if data["area"] is not None:
        qs = qs.within(data["area"].path)
    if data["place"] is not None:
        qs = qs.filter(place=data["place"])
    text = clean_text(data["q"])
    if text:
        qs = qs.filter(Q(place__name__contains=text) | Q(done_by__contains=text))
    return form, day, qs.order_by("-done_at", "-pk")


@login_required
@require_GET
def log_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    form, day, qs = _filtered_logs(request)
    page = paginate(request, qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/disinfection/log_list.html",
        {
            "form": form,
            "day": day,
            "page": page,
            "query": query.urlencode(),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
            "can_export": bool(scope_paths(user, EXPORT)),
            "can_log": bool(scope_paths(user, RECORD)),
        },
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@login_required
@require_GET
def log_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    paths = scope_paths(user, EXPORT)
    if not paths:
        raise Http404
    form, day, qs = _filtered_logs(request, EXPORT)
    title = _("消杀记录 %(day)s") % {"day": day.isoformat()}
    columns = [
        XlsxColumn(_("消杀时间"), 17),
        XlsxColumn(_("消杀点位"), 28),
        XlsxColumn(_("类型"), 12),
        XlsxColumn(_("所属区域"), 14),
        XlsxColumn(_("消毒剂"), 14),
        XlsxColumn(_("浓度"), 12),
        XlsxColumn(_("消杀人"), 10),
        XlsxColumn(_("备注"), 24),
        XlsxColumn(_("照片"), 6),
    ]
    rows = (
        [
            _when(log.done_at),
            log.place.name,
            log.place.get_kind_display(),
            log.place.area.name,
            log.agent,
            log.concentration,
            log.done_by,
            log.note,
            _("有") if log.photo else "",
        ]
        for log in qs.iterator(chunk_size=500)
    )
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=columns,
        rows=rows,
        title=title,
        sheet_name=_("消杀记录"),
    )
    record_access(user, "export", title, fields="done_by", rows=count, scope_path=paths[0])
    return response


@login_required
@require_GET
def log_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A log's photo, streamed after a scope check and logged (never from /media/)."""
    log = get_object_or_404(DisinfectionLog.objects.for_user(request.user, VIEW), pk=pk)
    return private_file(request.user, log, "photo")
