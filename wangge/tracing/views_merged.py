"""The merged list (合并名单): one row per real person named by the day's lists, with the sources
that named them, the registry household (or 未匹配到登记住户), whether they are under a measure
and whether they are new since yesterday; filters, search, pagination; the counts of the day;
select boxes for the hand-over to control. One person's rows with their provenance; the list
as .xlsx in the CDC's layout (logged); the hand-over (POST) and its result.

People are read through `for_user(user, VIEW)` (outside: 404); exports need EXPORT, revealing
and handing over CHANGE."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wangge.control.models import OrderType
from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.mask import mask_id, mask_phone
from wangge.core.scope import CHANGE, EXPORT, covers, scope_paths
from wangge.places.paging import paginate

from . import export
from .forms_review import HandoverForm, MergedFilterForm
from .handover import default_type, new_people
from .handover import handover as do_handover
from .models import ContactPerson
from .services_merged import counts, describe, latest_day, merged_rows, provenance

MAX_HANDOVER = 2000  # people handed over in one request
LONG_NUMBER = re.compile(r"\d[\d\s-]{6,}[\dXx]")


def _filters(request: HttpRequest) -> tuple[MergedFilterForm, dict]:
    """The form and merged_rows' arguments (the day defaults to the latest list's day)."""
    user = request.user
    form = MergedFilterForm(request.GET, user=user)
    if not form.is_valid():
        return form, {}
    data = form.cleaned_data
    return form, {
        "day": data["day"] or latest_day(user),
        "new": data["new"],
        "kind": data["kind"],
        "q": data["q"],
        "area": data["area"].path if data["area"] else "",
        "measure": data["measure"],
    }


@login_required
@require_GET
def merged(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, args = _filters(request)
    qs = merged_rows(user, **args) if args else ContactPerson.objects.none()
    page = paginate(request, qs)
    day = args.get("day") or latest_day(user)
    return render(
        request,
        "tracing/review/merged_list.html",
        {
            "form": form,
            "page": page,
            "rows": describe(page.object_list),
            "day": day,
            "counts": counts(user, day),
            "can_export": bool(scope_paths(user, EXPORT)),
            "can_hand_over": bool(scope_paths(user, CHANGE)),
            "order_types": OrderType.objects.all(),
        },
    )


def _person(request: HttpRequest, pk: int) -> ContactPerson:
    return get_object_or_404(merged_rows(request.user), pk=pk)


def _masked_raw(raw, revealed: bool) -> list[tuple[str, str]]:
    """The raw cells of a row as (header, value); long numbers (IDs, phones) masked."""
    items = raw.items() if isinstance(raw, dict) else enumerate(raw or [], start=1)
    out = []
    for key, value in items:
        text = "" if value is None else str(value)
        if not revealed:
            text = LONG_NUMBER.sub(
                lambda m: mask_id(m.group()) if len(m.group()) >= 15 else mask_phone(m.group()),
                text,
            )
        out.append((str(key), text))
    return out


def _detail(request: HttpRequest, person: ContactPerson, revealed: bool) -> HttpResponse:
    (person,) = describe([person])
    rows = list(provenance(person))
    for r in rows:
        r.cells = _masked_raw(r.raw, revealed)
    return render(
        request,
        "tracing/review/merged_detail.html",
        {
            "p": person,
            "rows": rows,
            "revealed": revealed,
            "id_number": person.id_number if revealed else mask_id(person.id_number),
            "phone": person.phone if revealed else mask_phone(person.phone),
            "can_reveal": covers(request.user, person.scope_path, CHANGE),
        },
    )


@login_required
@require_GET
def merged_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    record_access(request.user, "view", person, fields="name,address,raw")
    return _detail(request, person, revealed=False)


@login_required
@require_POST
def merged_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if not covers(request.user, person.scope_path, CHANGE):
        raise PermissionDenied(_("您没有查看完整信息的权限"))
    record_access(request.user, "view", person, fields="id_number,phone,raw")
    return _detail(request, person, revealed=True)


@login_required
@require_GET
def merged_export(request: HttpRequest) -> HttpResponse:
    """The filtered list of the day as .xlsx in the CDC's layout, unmasked; logged."""
    user = request.user
    paths = scope_paths(user, EXPORT)
    if not paths:
        raise Http404
    form, args = _filters(request)
    if not args:
        raise Http404
    day = args.pop("day")
    qs = export.export_queryset(user, day=day, **args)
    title = export.export_title(day)
    response, count = xlsx_response(
        f"{title}.xlsx",
        columns=export.export_columns(),
        rows=export.export_rows(qs),
        title=title,
        sheet_name=_("合并名单"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name,id_number,phone,address",
        rows=count,
        scope_path=paths[0],
    )
    return response


def _chosen(user, form: HandoverForm):
    """(people, selected): the people named (those the user may change), else every new one."""
    data = form.cleaned_data
    if data["person"]:
        people = merged_rows(user, action=CHANGE).filter(pk__in=data["person"])
        if not people.exists():  # none of them the user's: as if they did not exist
            raise Http404
        return people, True
    return new_people(user, data["day"]), False


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """Hand the selected people (person=…), or with none selected every new person of the day
    (day=…) not yet handed over and not under a measure, to control's bulk placement: GET shows
    who is about to be handed over and the measure, POST hands them over and shows the result
    (placed, and each one refused with the reason)."""
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有移交管控的权限"))
    form = HandoverForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return render(request, "tracing/review/handover.html", {"form": form}, status=422)
    people, selected = _chosen(user, form)
    data = form.cleaned_data
    if request.method == "GET":
        rows = describe(people[:MAX_HANDOVER])
        for p in rows:
            p.default_type = default_type(p.kind)
        return render(
            request,
            "tracing/review/handover.html",
            {"form": form, "rows": rows, "total": people.count(), "selected": selected},
        )
    result = do_handover(list(people[:MAX_HANDOVER]), actor=user, order_type=data["order_type"])
    return render(
        request,
        "tracing/review/handover_result.html",
        {"result": result, "day": data["day"], "selected": selected},
    )
