"""Worker pages (人员): the list in the user's scope (filters, search, masked phones and ID
numbers), one worker (unmasked, logged), create and edit, the .xlsx export (logged), and
linking a worker to a user account with a role in the worker's area."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.accounts.services import visible_users
from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.mask import mask_id, mask_phone
from wangge.core.normalize import to_halfwidth
from wangge.core.scope import CHANGE, EXPORT, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import services
from .forms import LinkForm, WorkerForm, default_role
from .models import Organization, Worker

RELATED = ("area", "organization", "estate", "user")
SKILL_LABELS = dict(Worker.Skill.choices)


def skill_labels(codes) -> list[str]:
    return [str(SKILL_LABELS.get(c, c)) for c in codes or []]


def filtered_workers(request: HttpRequest, action: str = VIEW):
    """The workers the user may see (or export), narrowed by the list's filters; and the
    filters as given."""
    qs = Worker.objects.for_user(request.user, action).select_related(*RELATED)
    f = {k: request.GET.get(k, "").strip() for k in ("kind", "status", "organization", "reserve")}
    q = request.GET.get("q", "").strip()[:50]
    if f["kind"] in Worker.Kind.values:
        qs = qs.filter(kind=f["kind"])
    else:
        f["kind"] = ""
    if f["status"] in Worker.Status.values:
        qs = qs.filter(status=f["status"])
    else:
        f["status"] = ""
    if f["organization"].isdigit():
        qs = qs.filter(organization_id=int(f["organization"]))
    else:
        f["organization"] = ""
    if f["reserve"] in ("1", "0"):
        qs = qs.filter(reserve=f["reserve"] == "1")
    else:
        f["reserve"] = ""
    if q:
        digits = to_halfwidth(q).replace(" ", "")
        match = Q(name__icontains=q)
        if digits.isdigit() and len(digits) >= 4:
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    f["q"] = q
    return qs.order_by("name", "pk"), f


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    qs, f = filtered_workers(request)
    page = paginate(request, qs)
    page.object_list = rows = list(page.object_list)
    for w in rows:
        w.phone_masked = mask_phone(w.phone)
        w.id_masked = mask_id(w.id_number)
        w.skill_labels = skill_labels(w.skills)
    return render(
        request,
        "workforce/registry/worker_list.html",
        {
            "page": page,
            "f": f,
            "kinds": Worker.Kind.choices,
            "statuses": Worker.Status.choices,
            "organizations": Organization.objects.touching(request.user, VIEW),
            "can_create": bool(scope_paths(request.user, CHANGE)),
            "can_export": bool(scope_paths(request.user, EXPORT)),
            "query": request.GET.urlencode(),
        },
    )


def _worker(request: HttpRequest, pk: int, action: str = VIEW) -> Worker:
    worker = get_object_or_404(
        Worker.objects.for_user(request.user, VIEW).select_related(*RELATED), pk=pk
    )
    if action != VIEW and not covers(request.user, worker.scope_path, action):
        raise PermissionDenied
    return worker


@login_required
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker(request, pk)
    record_access(request.user, "view", worker, fields="phone,id_number,health")
    signups = worker.signups.select_related("recruitment").order_by("-created_at")[:20]
    return render(
        request,
        "workforce/registry/worker_detail.html",
        {
            "worker": worker,
            "skills": skill_labels(worker.skills),
            "signups": signups,
            "can_change": covers(request.user, worker.scope_path, CHANGE),
            "can_link": services.may_link(request.user, worker),
            "roles": (
                worker.user.role_assignments.select_related("area") if worker.user_id else []
            ),
        },
    )


def _save(request: HttpRequest, form: WorkerForm, worker: Worker | None):
    data = dict(form.cleaned_data)
    try:
        if worker is None:
            area = data.pop("area")
            worker = services.create_worker(actor=request.user, area=area, **data)
        else:
            services.update_worker(worker, data, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return worker


@login_required
def worker_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise Http404
    initial = {"kind": request.GET.get("kind") or Worker.Kind.VOLUNTEER}
    if request.GET.get("organization", "").isdigit():
        initial["organization"] = int(request.GET["organization"])
    form = WorkerForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        worker = _save(request, form, None)
        if worker is not None:
            messages.success(request, _("已登记 %(name)s") % {"name": worker.name})
            return redirect("workforce:worker_detail", worker.pk)
    return render(request, "workforce/registry/worker_form.html", {"form": form, "worker": None})


@login_required
def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(
        Worker.objects.for_user(request.user, CHANGE).select_related(*RELATED), pk=pk
    )
    initial = {
        "name": worker.name,
        "phone": worker.phone,
        "id_number": worker.id_number,
        "kind": worker.kind,
        "area": worker.area_id,
        "organization": worker.organization_id,
        "estate": worker.estate_id,
        "reserve": worker.reserve,
        "skills": worker.skills,
        "availability": worker.availability,
        "health": worker.health,
        "status": worker.status,
        "note": worker.note,
    }
    form = WorkerForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, worker) is not None:
            messages.success(request, _("已保存 %(name)s") % {"name": worker.name})
            return redirect("workforce:worker_detail", worker.pk)
    else:
        record_access(request.user, "view", worker, fields="phone,id_number,health")
    return render(request, "workforce/registry/worker_form.html", {"form": form, "worker": worker})


@login_required
def worker_link(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker(request, pk)
    if not services.may_link(request.user, worker):
        raise PermissionDenied
    users = visible_users(request.user).filter(Q(worker__isnull=True) | Q(pk=worker.user_id or 0))
    form = LinkForm(
        request.POST or None,
        users=users.distinct().order_by("username"),
        initial={"role": default_role(worker), "mode": LinkForm.NEW, "username": worker.phone},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = data["mode"] == LinkForm.EXISTING
        try:
            user, assignment = services.link_account(
                worker,
                actor=request.user,
                role=data["role"],
                user=data["user"] if existing else None,
                username="" if existing else data["username"],
                password="" if existing else data["password1"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if assignment is None:
                messages.info(request, _("已关联账号 %(u)s（该账号已有此角色）") % {"u": user})
            else:
                messages.success(
                    request,
                    _("已关联账号 %(u)s，并分配角色：%(role)s")
                    % {"u": user, "role": assignment.get_role_display()},
                )
            return redirect("workforce:worker_detail", worker.pk)
    return render(request, "workforce/registry/worker_link.html", {"form": form, "worker": worker})


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("姓名"), 12),
        XlsxColumn(_("电话"), 14, text=True),
        XlsxColumn(_("身份证号"), 20, text=True),
        XlsxColumn(_("类别"), 10),
        XlsxColumn(_("服务区域"), 14),
        XlsxColumn(_("派出单位"), 18),
        XlsxColumn(_("包保小区"), 14),
        XlsxColumn(_("机动人员"), 8),
        XlsxColumn(_("技能"), 24),
        XlsxColumn(_("可服务时间"), 18),
        XlsxColumn(_("健康状况"), 10),
        XlsxColumn(_("状态"), 8),
        XlsxColumn(_("账号"), 12),
        XlsxColumn(_("备注"), 20),
    ]


def export_row(w: Worker) -> list:
    return [
        w.name,
        w.phone,
        w.id_number,
        str(w.get_kind_display()),
        w.area.name,
        w.organization.name if w.organization else "",
        w.estate.name if w.estate else "",
        _("是") if w.reserve else "",
        "、".join(skill_labels(w.skills)),
        w.availability,
        str(w.get_health_display()),
        str(w.get_status_display()),
        w.user.username if w.user else "",
        w.note,
    ]


@login_required
def worker_export(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, EXPORT):
        raise Http404
    qs, _f = filtered_workers(request, EXPORT)
    title = _("工作人员名册")
    response, count = xlsx_response(
        f"{title}.xlsx",
        columns=export_columns(),
        rows=(export_row(w) for w in qs.iterator(chunk_size=500)),
        title=title,
        sheet_name=_("人员"),
    )
    record_access(
        request.user,
        "export",
        title,
        fields="name,phone,id_number,health",
        rows=count,
        scope_path=scope_paths(request.user, EXPORT)[0],
    )
    return response
