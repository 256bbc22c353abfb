"""Finding pages (问题整改): the list — open and overdue first, overdue in red, filters (status,
area, owner, period), search, per-area and per-owner counts, the summary sentence over the
period, pagination, .xlsx export (logged) —, one finding with its loop, rectifying (note and
photo), verifying on re-inspection (pass or return with a new deadline), and the photos
(scoped, logged, streamed).

Findings are read through `for_user(user, VIEW)`: outside it, a 404. A step the user may not
take on a finding they can see is a 403; a step at the wrong moment is refused with the
service's message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.files import private_file
from wangge.core.mask import mask_phone
from wangge.core.normalize import clean_text
from wangge.core.scope import EXPORT, VIEW, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import services_inspections as svc
from .forms_inspections import FindingFilterForm, RectifyForm, VerifyForm
from .models import Finding, Inspection
from .views_inspections import period_bounds

Status = Finding.Status
OWNER_ROWS = 10
OPEN_FIRST = Case(
    When(status=Status.OPEN, then=Value(0)),
    When(status=Status.RECTIFIED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def visible_findings(user, action: str = VIEW):
    return Finding.objects.for_user(user, action).select_related(
        "inspection__area", "item", "owner_worker"
    )


def filter_findings(qs, form: FindingFilterForm, now, *, with_status: bool = True):
    """The findings the filters name (`with_status` False: all statuses, for the counts)."""
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    status = data["status"]
    if with_status and status == "overdue":
        qs = qs.filter(status=Status.OPEN, deadline__lt=now)
    elif with_status and status:
        qs = qs.filter(status=status)
    if data.get("area") is not None:
        qs = qs.within(data["area"].path)
    if data["owner"]:
        qs = qs.filter(owner_name=data["owner"].strip())
    since, until = period_bounds(data)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    text = clean_text(data["q"])
    if text:
        qs = qs.filter(
            Q(description__contains=text)
            | Q(inspection__target_name__contains=text)
            | Q(owner_name__contains=text)
        )
    return qs


def _counts(qs, key: str, now) -> list[dict]:
    """Open and overdue findings per `key` (the area's name, the owner's name)."""
    late = Q(status=Status.OPEN, deadline__lt=now)
    return list(
        qs.filter(status=Status.OPEN)
        .values(key)
        .annotate(open=Count("pk"), overdue=Count("pk", filter=late))
        .order_by("-overdue", "-open", key)[:OWNER_ROWS]
    )


def summary_for(user, form: FindingFilterForm, findings) -> dict:
    """The counts and the sentence over the filters' area and period."""
    inspections = Inspection.objects.for_user(user, VIEW)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("area") is not None:
            inspections = inspections.within(data["area"].path)
        since, until = period_bounds(data)
        if since:
            inspections = inspections.filter(inspected_at__gte=since)
        if until:
            inspections = inspections.filter(inspected_at__lt=until)
    counts = svc.summary_counts(inspections, findings)
    return {**counts, "sentence": svc.summary_sentence(counts)}


def rows(findings, now) -> list[Finding]:
    out = list(findings)
    for f in out:
        f.overdue = svc.is_overdue(f, now)
        f.masked_phone = mask_phone(f.owner_phone)
    return out


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    form = FindingFilterForm(request.GET, user=user)
    base = visible_findings(user)
    every = filter_findings(base, form, now, with_status=False)
    qs = filter_findings(base, form, now).order_by(OPEN_FIRST, "deadline", "pk")
    page = paginate(request, qs)
    return render(
        request,
        "supervision/inspections/finding_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows(page.object_list, now),
            "summary": summary_for(user, form, every),
            "per_area": _counts(every, "inspection__area__name", now),
            "per_owner": _counts(every, "owner_name", now),
            "can_export": bool(scope_paths(user, EXPORT)),
            "query": request.GET.urlencode(),
        },
    )


# --- export -----------------------------------------------------------------------------------


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("编号"), 8),
        XlsxColumn(_("督查时间"), 17),
        XlsxColumn(_("区域"), 14),
        XlsxColumn(_("对象类型"), 12),
        XlsxColumn(_("督查对象"), 20),
        XlsxColumn(_("检查内容"), 24),
        XlsxColumn(_("问题描述"), 30),
        XlsxColumn(_("严重程度"), 8),
        XlsxColumn(_("责任人"), 10),
        XlsxColumn(_("责任人电话"), 14, text=True),
        XlsxColumn(_("整改时限"), 17),
        XlsxColumn(_("状态"), 12),
        XlsxColumn(_("超期"), 6),
        XlsxColumn(_("整改时间"), 17),
        XlsxColumn(_("整改情况"), 24),
        XlsxColumn(_("复查时间"), 17),
        XlsxColumn(_("复查意见"), 20),
        XlsxColumn(_("退回次数"), 8),
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_row(f: Finding, now) -> list:
    i = f.inspection
    return [
        f.pk,
        _when(i.inspected_at),
        i.area.name,
        i.get_target_type_display(),
        i.target_name,
        f.item.text if f.item_id else "",
        f.description,
        f.get_severity_display(),
        f.owner_name,
        f.owner_phone,
        _when(f.deadline),
        f.get_status_display(),
        _("是") if svc.is_overdue(f, now) else "",
        _when(f.rectified_at),
        f.rectification_note,
        _when(f.verified_at),
        f.verification_note,
        f.reopened,
    ]


@login_required
@require_GET
def finding_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx (owners' phones unmasked): for users who may export, logged."""
    user = request.user
    paths = scope_paths(user, EXPORT)
    if not paths:
        raise Http404
    now = timezone.now()
    form = FindingFilterForm(request.GET, user=user)
    qs = filter_findings(visible_findings(user, EXPORT), form, now)
    qs = qs.order_by(OPEN_FIRST, "deadline", "pk")
    title = _("督查问题整改台账")
    response, count = xlsx_response(
        f"{title}.xlsx",
        columns=export_columns(),
        rows=(export_row(f, now) for f in qs.iterator(chunk_size=500)),
        title=title,
        sheet_name=_("督查问题"),
    )
    record_access(
        user, "export", title, fields="owner_name,owner_phone", rows=count, scope_path=paths[0]
    )
    return response


# --- one finding ------------------------------------------------------------------------------


def _finding(request: HttpRequest, pk: int) -> Finding:
    return get_object_or_404(
        visible_findings(request.user).select_related(
            "rectified_by", "verified_by", "created_by", "inspection__inspector"
        ),
        pk=pk,
    )


def _detail(request, finding: Finding, *, rectify_form=None, verify_form=None, status=200):
    user = request.user
    record_access(user, "view", finding, fields="owner_name,owner_phone")
    finding.overdue = svc.is_overdue(finding)
    can_rectify = finding.status == Status.OPEN and svc.may_rectify(user, finding)
    can_verify = finding.status == Status.RECTIFIED and svc.may_inspect(user, finding)
    return render(
        request,
        "supervision/inspections/finding_detail.html",
        {
            "f": finding,
            "i": finding.inspection,
            "can_rectify": can_rectify,
            "can_verify": can_verify,
            "rectify_form": rectify_form or RectifyForm(),
            "verify_form": verify_form or VerifyForm(),
        },
        status=status,
    )


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _finding(request, pk))


@login_required
@require_POST
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = _finding(request, pk)
    if not svc.may_rectify(user, finding):
        raise PermissionDenied(_("您不能登记该问题的整改"))
    form = RectifyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            svc.rectify(
                finding,
                actor=user,
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("整改情况已登记，等待复查"))
            return redirect("supervision:finding_detail", pk=finding.pk)
    return _detail(request, _finding(request, pk), rectify_form=form, status=422)


@login_required
@require_POST
def finding_verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = _finding(request, pk)
    if not svc.may_inspect(user, finding):
        raise PermissionDenied(_("您不能复查该问题"))
    form = VerifyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        passed = data["result"] == "pass"
        try:
            svc.verify(
                finding, actor=user, passed=passed, note=data["note"], deadline=data["deadline"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            done = _("复查通过") if passed else _("已退回重新整改")
            messages.success(request, done)
            return redirect("supervision:finding_detail", pk=finding.pk)
    return _detail(request, _finding(request, pk), verify_form=form, status=422)


@login_required
@require_GET
def finding_photo(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """The photo of the problem (photo) or of its rectification (rectification), streamed after
    a scope check and logged (never from /media/)."""
    finding = get_object_or_404(Finding.objects.for_user(request.user, VIEW), pk=pk)
    field = {"photo": "photo", "rectification": "rectification_photo"}.get(which)
    if field is None:
        raise Http404
    return private_file(request.user, finding, field)
