"""Inspection pages (督查记录): the list (filters, search, pagination), recording an inspection
on a phone (pick the target type, then the target — presets ?checkpoint ?sampling_point ?site
?post ?venue ?area —, answer the checklist, add a first finding with a photo), and one
inspection with its answers and findings, where more findings are added (POST).

Inspections are read through `for_user(user, VIEW)`: outside it, a 404. Recording needs
INSPECT somewhere (403 otherwise)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.core.normalize import clean_text
from wangge.core.scope import INSPECT, VIEW, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services_inspections as svc
from .forms_inspections import FindingForm, InspectionFilterForm, InspectionForm
from .models import ChecklistItem, Inspection, TargetType

PRESETS = ("post", "checkpoint", "sampling_point", "site", "venue")
PRESET_TYPES = {
    "post": TargetType.GRID_POST,
    "checkpoint": TargetType.CHECKPOINT,
    "sampling_point": TargetType.SAMPLING_POINT,
    "site": TargetType.QUARANTINE_SITE,
}


def period_bounds(data) -> tuple[dt.datetime | None, dt.datetime | None]:
    """?since ?until (dates, both included) as aware datetimes."""
    since = until = None
    if data.get("since"):
        since = timezone.make_aware(dt.datetime.combine(data["since"], dt.time.min))
    if data.get("until"):
        until = timezone.make_aware(dt.datetime.combine(data["until"], dt.time.min))
        until += dt.timedelta(days=1)
    return since, until


def visible_inspections(user, action: str = VIEW):
    return Inspection.objects.for_user(user, action).select_related("area")


def filter_inspections(qs, form: InspectionFilterForm):
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data["target_type"]:
        qs = qs.filter(target_type=data["target_type"])
    if data.get("area") is not None:
        qs = qs.within(data["area"].path)
    since, until = period_bounds(data)
    if since:
        qs = qs.filter(inspected_at__gte=since)
    if until:
        qs = qs.filter(inspected_at__lt=until)
    text = clean_text(data["q"])
    if text:
        qs = qs.filter(Q(target_name__contains=text) | Q(inspector_name__contains=text))
    return qs


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = InspectionFilterForm(request.GET, user=user)
    qs = filter_inspections(visible_inspections(user), form).annotate(
        n_findings=Count("findings"),
        n_open=Count("findings", filter=Q(findings__status="open")),
    )
    page = paginate(request, qs.order_by("-inspected_at", "-pk"))
    return render(
        request,
        "supervision/inspections/inspection_list.html",
        {"form": form, "page": page, "can_inspect": bool(scope_paths(user, INSPECT))},
    )


# --- recording --------------------------------------------------------------------------------


def _pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "") or request.POST.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _preset(request: HttpRequest, user):
    """(target type, target record or None, area or None) from the query string."""
    target_type = request.GET.get("target_type", "") or request.POST.get("target_type", "")
    if target_type and target_type not in TargetType.values:
        raise Http404
    record = None
    for name in PRESETS:
        pk = _pk(request, name)
        if pk is None:
            continue
        model = Inspection._meta.get_field(name).related_model
        record = get_object_or_404(model.objects.for_user(user, INSPECT), pk=pk)
        if name == "venue":
            supply = record.is_supply
            target_type = TargetType.SUPERMARKET if supply else TargetType.VENUE
        else:
            target_type = PRESET_TYPES[name]
        break
    area = None
    area_pk = _pk(request, "area")
    if area_pk is not None:
        area = get_object_or_404(Area.objects.for_user(user, INSPECT), pk=area_pk)
    return target_type, record, area


def _finding_form(request, user, target_type, area, *, optional, bound=True, prefix=None):
    data = (request.POST, request.FILES) if bound and request.method == "POST" else ()
    return FindingForm(
        *data, user=user, target_type=target_type, area=area, optional=optional, prefix=prefix
    )


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, INSPECT):
        raise PermissionDenied(_("您没有督查权限"))
    target_type, record, area = _preset(request, user)
    if not target_type:
        keep = request.GET.urlencode()
        return render(
            request,
            "supervision/inspections/inspection_pick.html",
            {"types": TargetType.choices, "keep": keep},
        )
    items = svc.checklist(target_type)
    initial = {"target": record, "area": area or (record.area if record else None)}
    post = request.method == "POST"
    form = InspectionForm(
        request.POST if post else None,
        user=user,
        target_type=target_type,
        items=items,
        initial=initial,
    )
    form_area = area or (record.area if record else None)
    if post and form.is_valid():
        form_area = form.cleaned_data["area"]
    finding_form = _finding_form(request, user, target_type, form_area, optional=True, prefix="f")
    if post and form.is_valid() and finding_form.is_valid():
        data = form.cleaned_data
        findings = []
        if finding_form.cleaned_data.get("description"):
            findings.append(finding_form.finding_fields())
        target = data.get("target")
        targets = {}
        if target is not None:
            targets[svc.TARGET_FIELDS[target_type]] = target
        try:
            inspection, created = svc.record_inspection(
                data["area"],
                actor=user,
                target_type=target_type,
                target_name=data["target_name"],
                shift=data["shift"],
                checks=form.answers(),
                note=data["note"],
                findings=findings,
                client_uuid=data["client_uuid"],
                **targets,
            )
        except ValidationError as exc:
            errors = exc.message_dict
            form_errors = {k: v for k, v in errors.items() if not k.startswith("findings.")}
            for key, msgs in errors.items():
                if key.startswith("findings."):
                    field = key.split(".", 2)[2]
                    finding_form.add_error(field if field in finding_form.fields else None, msgs)
            if form_errors:
                add_service_errors(form, ValidationError(form_errors), {"target": "target"})
        else:
            if created:
                messages.success(request, _("督查记录已保存"))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "supervision/inspections/inspection_form.html",
        {
            "form": form,
            "finding_form": finding_form,
            "target_type": target_type,
            "type_label": TargetType(target_type).label,
            "record": record,
        },
        status=422 if post else 200,
    )


# --- one inspection ---------------------------------------------------------------------------


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    qs = visible_inspections(request.user).select_related(
        "inspector", "post", "checkpoint", "sampling_point", "site", "venue"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One inspection; POST adds a finding to it (INSPECT)."""
    user = request.user
    inspection = _inspection(request, pk)
    can_inspect = svc.may_inspect(user, inspection)
    form = None
    status = 200
    if can_inspect:
        form = _finding_form(request, user, inspection.target_type, inspection.area, optional=False)
    if request.method == "POST":
        if not can_inspect:
            raise PermissionDenied(_("您不能为该督查记录添加问题"))
        if form.is_valid():
            fields = form.finding_fields()
            photo = fields.pop("photo")
            try:
                svc.add_finding(inspection, actor=user, photo=photo, **fields)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("问题已登记"))
                return redirect("supervision:inspection_detail", pk=inspection.pk)
        status = 422
    answers = [
        (item, code, svc.CHECK_VALUES.get(code, ""))
        for item in ChecklistItem.objects.filter(
            Q(pk__in=[int(k) for k in inspection.checks if k.isdigit()])
            | Q(target_type=inspection.target_type, active=True)
        ).order_by("order", "pk")
        for code in [inspection.checks.get(str(item.pk), "")]
    ]
    now = timezone.now()
    findings = list(inspection.findings.select_related("item", "owner_worker"))
    for f in findings:
        f.overdue = svc.is_overdue(f, now)
    return render(
        request,
        "supervision/inspections/inspection_detail.html",
        {
            "i": inspection,
            "answers": answers,
            "findings": findings,
            "form": form,
            "target": svc.target_of(inspection),
        },
        status=status,
    )
