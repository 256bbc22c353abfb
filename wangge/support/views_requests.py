"""Request pages for workers (居民诉求): the list (filters, search, priority first, overdue
marked, names and phones masked), filing a request for a household, one request with the
buttons of its next steps, each step (POST), and the delivery photo (scoped, logged, streamed).

Requests are read through `for_user(user, VIEW)`: outside it, a 404. A step the user may not
take on a request they can see is a 403; a step at the wrong moment is refused with the
service's message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.files import private_file
from wangge.core.mask import mask_name, mask_phone
from wangge.core.models import ChangeLog
from wangge.core.normalize import clean_text
from wangge.core.scope import EXPORT, RECORD, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Household
from wangge.places.paging import paginate

from . import services as svc
from .forms import RequestFilterForm, RequestForm, StepForm
from .models import SupportRequest

Status = SupportRequest.Status
HOUSEHOLD_SEARCH_LIMIT = 20
STEP_DONE = {
    "accept": gettext_lazy("已接单"),
    "on_way": gettext_lazy("已出发配送"),
    "deliver": gettext_lazy("已登记送达"),
    "confirm": gettext_lazy("已确认收到"),
    "close": gettext_lazy("诉求已办结"),
    "cancel": gettext_lazy("诉求已撤销"),
}


# --- list -------------------------------------------------------------------------------------


def filter_requests(qs, form: RequestFilterForm):
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    status = data["status"]
    now = timezone.now()
    if status == "":
        qs = qs.filter(status__in=SupportRequest.OPEN)
    elif status == "overdue":
        qs = qs.filter(status__in=SupportRequest.OPEN, due_at__lt=now)
    elif status == "done":
        qs = qs.filter(status__in=SupportRequest.DONE)
    elif status != "all":
        qs = qs.filter(status=status)
    if data["kind"] is not None:
        qs = qs.filter(kind=data["kind"])
    if data["grid"] is not None:
        qs = qs.within(data["grid"].path)
    if data["priority"]:
        qs = qs.filter(priority=True)
    text = clean_text(data["q"])
    if text:
        match = (
            Q(household__room=text)
            | Q(household__householder_name__contains=text)
            | Q(text__contains=text)
            | Q(medicine_name__contains=text)
        )
        if text.isascii() and text.isdigit() and len(text) >= 4:
            match |= Q(contact_phone__endswith=text) | Q(household__phone__endswith=text)
        qs = qs.filter(match)
    return qs


def request_rows(requests, now=None) -> list:
    """The requests with what the list shows: masked name and phone, overdue, reasons."""
    now = now or timezone.now()
    rows = list(requests)
    for r in rows:
        r.masked_name = mask_name(r.household.householder_name)
        r.masked_phone = mask_phone(r.contact_phone or r.household.phone)
        r.overdue = svc.is_overdue(r, now)
        r.reason_labels = svc.reason_labels(r.priority_reasons)
    return rows


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.GET.get("format") == "xlsx":
        return request_export(request)
    form = RequestFilterForm(request.GET, user=user)
    qs = filter_requests(svc.visible_requests(user), form).order_by("-priority", "due_at", "pk")
    page = paginate(request, qs)
    return render(
        request,
        "support/requests/request_list.html",
        {
            "form": form,
            "page": page,
            "rows": request_rows(page.object_list),
            "can_file": bool(scope_paths(user, RECORD)),
            "can_export": bool(scope_paths(user, EXPORT)),
        },
    )


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("编号"), 8),
        XlsxColumn(_("提交时间"), 17),
        XlsxColumn(_("类型"), 10),
        XlsxColumn(_("紧急程度"), 8),
        XlsxColumn(_("优先原因"), 16),
        XlsxColumn(_("住户"), 28),
        XlsxColumn(_("户主"), 10),
        XlsxColumn(_("联系电话"), 14, text=True),
        XlsxColumn(_("诉求内容"), 30),
        XlsxColumn(_("状态"), 10),
        XlsxColumn(_("响应时限"), 17),
        XlsxColumn(_("超时"), 6),
        XlsxColumn(_("承办人"), 10),
        XlsxColumn(_("送达时间"), 17),
        XlsxColumn(_("办结说明"), 20),
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_row(r: SupportRequest, now) -> list:
    text = "；".join(p for p in (r.medicine_name, r.text) if p)
    return [
        r.pk,
        _when(r.created_at),
        r.kind.name,
        r.get_urgency_display(),
        "、".join(svc.reason_labels(r.priority_reasons)),
        r.household.address,
        r.household.householder_name,
        r.contact_phone or r.household.phone,
        text,
        r.get_status_display(),
        _when(r.due_at),
        _("是") if svc.is_overdue(r, now) else "",
        r.worker.name if r.worker_id else "",
        _when(r.delivered_at),
        r.close_reason,
    ]


def request_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx, unmasked (households' names, addresses, phones): for users
    who may export, and logged."""
    user = request.user
    paths = scope_paths(user, EXPORT)
    if not paths:
        raise Http404
    form = RequestFilterForm(request.GET, user=user)
    qs = filter_requests(svc.visible_requests(user, EXPORT), form).order_by("-priority", "due_at")
    now = timezone.now()
    title = _("居民诉求")
    response, count = xlsx_response(
        f"{title}.xlsx",
        columns=export_columns(),
        rows=(export_row(r, now) for r in qs.iterator(chunk_size=500)),
        title=title,
        sheet_name=title,
    )
    record_access(
        user, "export", title, fields="name,address,phone", rows=count, scope_path=paths[0]
    )
    return response


# --- filing -----------------------------------------------------------------------------------


def _pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "") or request.POST.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _households(user, text: str) -> list[Household]:
    text = clean_text(text)
    if not text:
        return []
    match = Q(room=text) | Q(householder_name__contains=text)
    if text.isascii() and text.isdigit() and len(text) >= 4:
        match |= Q(phone__endswith=text)
    found = Household.objects.for_user(user, RECORD).filter(match, vacant=False)
    return list(
        found.select_related("building__estate", "unit").order_by("scope_path", "room")[
            :HOUSEHOLD_SEARCH_LIMIT
        ]
    )


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    """File a request for a household (?household=pk); without one, find the household."""
    user = request.user
    if not scope_paths(user, RECORD):
        raise PermissionDenied(_("您没有代居民提交诉求的权限"))
    household_pk = _pk(request, "household")
    if household_pk is None:
        q = request.GET.get("q", "")
        found = [
            (h, mask_name(h.householder_name), mask_phone(h.phone)) for h in _households(user, q)
        ]
        return render(request, "support/requests/request_pick.html", {"q": q, "found": found})
    household = get_object_or_404(
        Household.objects.for_user(user, RECORD).select_related("building__estate", "unit"),
        pk=household_pk,
    )
    people = svc.living_members(household).order_by("pk")
    form = RequestForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req, created = svc.file_request(
                household,
                kind=data["kind"],
                actor=user,
                source=SupportRequest.Source.WORKER,
                text=data["text"],
                urgency=data["urgency"],
                medicine_name=data["medicine_name"],
                prescription_needed=data["prescription_needed"],
                person=data.get("person"),
                contact_phone=data["contact_phone"],
                client_uuid=data["client_uuid"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("诉求已提交"))
            return redirect("support:request_detail", pk=req.pk)
    return render(
        request,
        "support/requests/request_form.html",
        {
            "form": form,
            "household": household,
            "masked_name": mask_name(household.householder_name),
            "reasons": svc.reason_labels(svc.priority_reasons(household)),
        },
    )


# --- one request ------------------------------------------------------------------------------


def _request(request: HttpRequest, pk: int) -> SupportRequest:
    return get_object_or_404(
        svc.visible_requests(request.user).select_related("person", "created_by"), pk=pk
    )


def timeline(req: SupportRequest) -> list[tuple[str, object, str]]:
    """(step, time, who) for each step taken, who from the audit trail."""
    who: dict[str, str] = {}
    logs = ChangeLog.objects.filter(
        model=req._meta.label_lower, object_id=str(req.pk)
    ).select_related("actor")
    for log in logs.order_by("at", "pk"):
        status = (log.after or {}).get("status")
        if status:
            who[status] = str(log.actor) if log.actor_id else _("居民")
    steps = [
        (Status.NEW, req.created_at, who.get(Status.NEW, "")),
        (Status.ASSIGNED, req.assigned_at, who.get(Status.ASSIGNED, "")),
        (Status.ACCEPTED, req.accepted_at, who.get(Status.ACCEPTED, "")),
        (Status.ON_WAY, req.on_way_at, who.get(Status.ON_WAY, "")),
        (Status.DELIVERED, req.delivered_at, req.delivered_by or who.get(Status.DELIVERED, "")),
        (Status.CONFIRMED, req.confirmed_at, who.get(Status.CONFIRMED, "")),
    ]
    out = [(Status(s).label, at, by) for s, at, by in steps if at is not None]
    if req.status in (Status.CLOSED, Status.CANCELLED):
        out.append((Status(req.status).label, req.closed_at, who.get(req.status, "")))
    return out


def _detail(request: HttpRequest, req: SupportRequest, form: StepForm | None = None, status=200):
    user = request.user
    record_access(user, "view", req, fields="householder_name,contact_phone,address")
    return render(
        request,
        "support/requests/request_detail.html",
        {
            "r": req,
            "overdue": svc.is_overdue(req),
            "reasons": svc.reason_labels(req.priority_reasons),
            "steps": svc.next_steps(req, user),
            "timeline": timeline(req),
            "form": form or StepForm(initial={"delivered_by": user.display_name or str(user)}),
        },
        status=status,
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _request(request, pk))


@login_required
@require_POST
def request_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    req = _request(request, pk)
    form = StepForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, req, form, status=422)
    data = form.cleaned_data
    action = data["action"]
    if not covers(user, req.scope_path, svc.STEP_ACTION[action]):
        raise PermissionDenied(_("您不能对该诉求进行此操作"))
    try:
        if action == "accept":
            svc.accept(req, actor=user)
        elif action == "on_way":
            svc.set_on_way(req, actor=user)
        elif action == "deliver":
            svc.deliver(
                req,
                actor=user,
                delivered_by=data["delivered_by"],
                photo=data["photo"],
                note=data["note"],
            )
        elif action == "confirm":
            svc.confirm(req, actor=user)
        elif action == "close":
            svc.close(req, actor=user, reason=data["reason"])
        else:
            svc.cancel(req, actor=user, reason=data["reason"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, _request(request, pk), form, status=422)
    messages.success(request, str(STEP_DONE[action]))
    return redirect("support:request_detail", pk=req.pk)


@login_required
@require_GET
def request_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The delivery photo, streamed after a scope check and logged (never from /media/)."""
    req = get_object_or_404(SupportRequest.objects.for_user(request.user, VIEW), pk=pk)
    return private_file(request.user, req, "delivery_photo")
