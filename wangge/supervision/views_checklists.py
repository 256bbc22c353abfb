"""督查清单设置: the checklist items of each target type (?target_type), added, edited,
reordered (up / down) and deactivated, for users who inspect or manage somewhere; every other
user gets 404. Each change is written to the change log (services_checklists)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.people.forms import add_service_errors

from . import services_checklists as checklists
from .forms_inspections import ChecklistItemForm
from .models import ChecklistItem, TargetType


def _page(request, target_type: str, bound=None, status=200) -> HttpResponse:
    """The page; `bound` = (pk or None, form) replaces the form that was posted."""

    def pick(pk, make):
        return bound[1] if bound and bound[0] == pk else make()

    items = checklists.items_of(target_type).annotate(n_findings=Count("findings"))
    counts = dict(
        ChecklistItem.objects.filter(active=True)
        .values_list("target_type")
        .annotate(n=Count("pk"))
        .values_list("target_type", "n")
    )
    return render(
        request,
        "supervision/inspections/checklists.html",
        {
            "types": [(value, label, counts.get(value, 0)) for value, label in TargetType.choices],
            "target_type": target_type,
            "type_label": TargetType(target_type).label,
            "items": [
                (
                    it,
                    pick(
                        it.pk,
                        lambda it=it: ChecklistItemForm(
                            initial={"text": it.text, "active": it.active}, prefix=f"item{it.pk}"
                        ),
                    ),
                )
                for it in items
            ],
            "new_form": pick(None, lambda: ChecklistItemForm(prefix="new")),
        },
        status=status,
    )


@login_required
def checklist_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not checklists.may_configure(user):
        raise Http404
    target_type = request.GET.get("target_type") or TargetType.GRID_POST
    if target_type not in TargetType.values:
        raise Http404
    if request.method != "POST":
        return _page(request, target_type)
    here = reverse("supervision:checklists") + f"?target_type={target_type}"
    action = request.POST.get("action", "")
    pk = request.POST.get("pk", "")
    item = None
    if pk:
        if not pk.isdigit():
            raise Http404
        item = get_object_or_404(ChecklistItem, pk=pk, target_type=target_type)
    if action in ("up", "down") and item is not None:
        checklists.move_item(item, -1 if action == "up" else 1, actor=user)
        return redirect(here)
    if action not in ("add", "save") or (action == "save") != (item is not None):
        raise Http404
    form = ChecklistItemForm(request.POST, prefix=f"item{item.pk}" if item else "new")
    if form.is_valid():
        data = {**form.cleaned_data, "target_type": target_type}
        if item is None:
            data["active"] = True
        try:
            saved = checklists.save_item(item, data, actor=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存检查内容“%(text)s”") % {"text": saved.text})
            return redirect(here)
    return _page(request, target_type, (item.pk if item else None, form), status=400)
