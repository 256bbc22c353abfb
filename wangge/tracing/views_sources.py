"""The sources of contact lists (市疾控, 公安分局, 某镇, 某隔离点): the list (search, how many
batches, the last day), and one source with its remembered column mapping (editable by those
who may import there) and its recent batches. Out of scope: a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.core.normalize import clean_text
from wangge.core.scope import IMPORT, VIEW, covers
from wangge.places.paging import paginate

from . import services_imports as svc
from .forms_imports import SourceMappingForm
from .imports import FIELD_LABELS
from .models import Source


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    qs = Source.objects.for_user(request.user, VIEW).select_related("area")
    q = clean_text(request.GET.get("q", ""))
    if q:
        qs = qs.filter(name__contains=q)
    qs = qs.annotate(batch_count=Count("batches"), last_day=Max("batches__day")).order_by(
        "name", "pk"
    )
    return render(
        request, "tracing/imports/source_list.html", {"page": paginate(request, qs), "q": q}
    )


@login_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.for_user(request.user, VIEW).select_related("area"), pk=pk
    )
    can_edit = covers(request.user, source.scope_path, IMPORT)
    if request.method == "POST" and not can_edit:
        return HttpResponse(status=403)
    form = SourceMappingForm(request.POST or None, mapping=source.mapping or {})
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_mapping(source, form.mapping(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已保存列对应关系"))
            return redirect("tracing:source_detail", pk=source.pk)
    batches = source.batches.select_related("uploaded_by")[:20]
    mapped = [
        (form[name], FIELD_LABELS.get(source.mapping.get(key, ""), "")) for name, key in form.keys
    ]
    return render(
        request,
        "tracing/imports/source_detail.html",
        {
            "source": source,
            "form": form,
            "mapped": mapped,
            "batches": batches,
            "can_edit": can_edit,
        },
    )
