"""Notice pages (通告): the list (search, paged), writing one, one notice, and its print — one
A4 page per building of its area (?building=pk for one), as HTML with print CSS or as a PDF
(?format=pdf). Notices are read with `touching` (a street's notice is printed by a grid leader
for his buildings); printing is logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wangge.core.audit import record_access
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import services_residents as svc
from .forms_residents import NoticeForm


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    qs = svc.visible_notices(user)
    q = clean_text(request.GET.get("q", ""))
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(body__contains=q) | Q(area__name__contains=q))
    page = paginate(request, qs)
    return render(
        request,
        "command/residents/notice_list.html",
        {"page": page, "q": q, "can_create": svc.notice_areas(user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    form = NoticeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = svc.create_notice(
                data["area"],
                actor=user,
                title=data["title"],
                body=data["body"],
                signed=data["signed"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("通告已发布"))
            return redirect("command:notice_detail", pk=notice.pk)
    return render(request, "command/residents/notice_form.html", {"form": form})


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(svc.visible_notices(request.user), pk=pk)
    buildings = svc.print_buildings(notice, request.user)
    return render(
        request,
        "command/residents/notice_detail.html",
        {
            "notice": notice,
            "buildings": buildings,
            "can_print_all": bool(buildings),
            "mine": covers(request.user, notice.area.path, CHANGE),
        },
    )


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    notice = get_object_or_404(svc.visible_notices(user), pk=pk)
    buildings = svc.print_buildings(notice, user, _int(request, "building"))
    if not buildings:
        raise Http404
    pages = svc.notice_pages(buildings, request.build_absolute_uri)
    record_access(
        user,
        "print",
        notice,
        fields="grid_leader_phone,building_leader_phone",
        rows=len(pages),
        scope_path=buildings[0].scope_path if len(buildings) == 1 else notice.scope_path,
    )
    if request.GET.get("format") == "pdf":
        pdf = svc.html_to_pdf(svc.render_html(notice, pages, pdf=True))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"notice-{notice.pk}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    return HttpResponse(svc.render_html(notice, pages))
