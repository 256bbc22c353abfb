"""The daily letter to residents (致居民信): the list, drafting one from the area's latest
figures (?area=pk, ?hotline=) and editing it before saving, one letter, editing it, and its
print (HTML with print CSS, or ?format=pdf)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wangge.control.documents import cn_date
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import letters as svc
from .forms_residents import DraftForm, LetterForm
from .services_residents import html_to_pdf, notice_areas


def _area(value: str, user) -> Area:
    if not (value.isascii() and value.isdigit()):
        raise Http404
    area = get_object_or_404(Area, pk=int(value))
    if not covers(user, area.path, CHANGE):
        raise Http404
    return area


@login_required
@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    qs = svc.visible_letters(user)
    q = clean_text(request.GET.get("q", ""))
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(body__contains=q) | Q(area__name__contains=q))
    return render(
        request,
        "command/residents/letter_list.html",
        {"page": paginate(request, qs), "q": q, "can_create": notice_areas(user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    ref = request.POST.get("area", "") if request.method == "POST" else request.GET.get("area")
    if not ref:
        draft_form = DraftForm(user=user)
        return render(request, "command/residents/letter_form.html", {"draft_form": draft_form})
    area = _area(ref, user)
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            try:
                letter = svc.save_letter(
                    area,
                    actor=user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("致居民信已保存"))
                return redirect("command:letter_detail", pk=letter.pk)
        source = ""
    else:
        draft = svc.draft(area, hotline=request.GET.get("hotline", ""))
        form = LetterForm(initial={"title": draft["title"], "body": draft["body"]})
        source = draft["source"]
    return render(
        request,
        "command/residents/letter_form.html",
        {"form": form, "area": area, "source": source},
    )


@login_required
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(svc.visible_letters(request.user), pk=pk)
    return render(
        request,
        "command/residents/letter_detail.html",
        {"letter": letter, "can_edit": covers(request.user, letter.area.path, CHANGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(svc.visible_letters(request.user), pk=pk)
    if not covers(request.user, letter.area.path, CHANGE):
        raise Http404
    form = LetterForm(request.POST or None, initial={"title": letter.title, "body": letter.body})
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_letter(
                letter,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("致居民信已修改"))
            return redirect("command:letter_detail", pk=letter.pk)
    return render(
        request,
        "command/residents/letter_form.html",
        {"form": form, "area": letter.area, "letter": letter},
    )


@login_required
@require_GET
def letter_print(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(svc.visible_letters(request.user), pk=pk)
    pdf = request.GET.get("format") == "pdf"
    html = render_to_string(
        "command/residents/letter_print.html",
        {
            "letter": letter,
            "paragraphs": [p for p in letter.body.splitlines() if p.strip()],
            "date": cn_date(letter.day),
            "pdf": pdf,
        },
    )
    if pdf:
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
        return response
    return HttpResponse(html)
