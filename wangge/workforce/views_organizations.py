"""Organisation pages (派出单位/包保单位): the list with each unit's worker count and assigned
estates, one unit with its workers (masked phones) and estates, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.core.mask import mask_phone
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import services
from .forms import OrganizationForm
from .models import Organization, Worker


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    q = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    visible_workers = Worker.objects.for_user(user, VIEW)
    qs = (
        Organization.objects.for_user(user, VIEW)
        .select_related("area")
        .prefetch_related("estates")
        .annotate(
            n_workers=Count(
                "workers",
                filter=Q(workers__in=visible_workers, workers__status=Worker.Status.ACTIVE),
                distinct=True,
            )
        )
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(contact__icontains=q))
    if kind in Organization.Kind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    page = paginate(request, qs.order_by("name", "pk"))
    return render(
        request,
        "workforce/registry/organization_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": Organization.Kind.choices,
            "can_create": bool(scope_paths(user, CHANGE)),
        },
    )


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        Organization.objects.for_user(request.user, VIEW).select_related("area"), pk=pk
    )
    workers = (
        Worker.objects.for_user(request.user, VIEW)
        .filter(organization=org)
        .select_related("area", "estate")
        .order_by("status", "name", "pk")
    )
    page = paginate(request, workers)
    page.object_list = rows = list(page.object_list)
    for w in rows:
        w.phone_masked = mask_phone(w.phone)
    counts = dict(workers.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return render(
        request,
        "workforce/registry/organization_detail.html",
        {
            "org": org,
            "estates": org.estates.for_user(request.user, VIEW).order_by("name"),
            "page": page,
            "active": counts.get(Worker.Status.ACTIVE, 0),
            "reserve": workers.filter(reserve=True, status=Worker.Status.ACTIVE).count(),
            "can_change": covers(request.user, org.scope_path, CHANGE),
        },
    )


def _form_page(request: HttpRequest, org: Organization | None) -> HttpResponse:
    initial = {}
    if org is not None:
        initial = {
            "name": org.name,
            "kind": org.kind,
            "area": org.area_id,
            "estates": list(org.estates.values_list("pk", flat=True)),
            "contact": org.contact,
            "phone": org.phone,
        }
    form = OrganizationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        estates = data.pop("estates")
        try:
            if org is None:
                org = services.create_organization(actor=request.user, estates=estates, **data)
            else:
                services.update_organization(org, data, actor=request.user, estates=estates)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(name)s") % {"name": org.name})
            return redirect("workforce:organization_detail", org.pk)
    return render(request, "workforce/registry/organization_form.html", {"form": form, "org": org})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise Http404
    return _form_page(request, None)


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organization.objects.for_user(request.user, CHANGE), pk=pk)
    return _form_page(request, org)
