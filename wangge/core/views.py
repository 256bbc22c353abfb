"""The home page (the dashboard of the user's own areas) and the change / access logs."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.places.models import Area, Building
from wangge.places.paging import paginate
from wangge.places.queries import breakdown, scope_roots
from wangge.places.views import area_context

from .mask import mask_id, mask_phone
from .models import AccessLog, ChangeLog
from .scope import MANAGE, scope_paths


@login_required
def home(request):
    """One root: its dashboard (a building leader goes to the building). Several: a card each.
    None: ask the admin for a role."""
    user = request.user
    roots = scope_roots(user)
    roles = list(
        user.role_assignments.filter(active=True).select_related(
            "area", "building__estate", "unit__building__estate"
        )
    )
    if len(roots) == 1:
        root = roots[0]
        if isinstance(root, Building):
            return redirect("places:building_detail", root.pk)
        if not isinstance(root, Area):  # a unit
            return redirect(reverse("places:household_list") + f"?unit={root.pk}")
        ctx = area_context(user, root)
        ctx.update(roles=roles, single=True)
        return render(request, "core/home.html", ctx)
    cards = []
    for root in roots:
        counts = breakdown(user, root.scope_path).total
        if isinstance(root, Area):
            url, kind = reverse("places:area_detail", args=[root.pk]), root.get_level_display()
        elif isinstance(root, Building):
            url, kind = reverse("places:building_detail", args=[root.pk]), _("楼栋")
        else:
            url, kind = reverse("places:household_list") + f"?unit={root.pk}", _("单元")
        cards.append({"label": str(root), "kind": kind, "url": url, "counts": counts})
    return render(request, "core/home.html", {"cards": cards, "roles": roles, "single": False})


# --- logs ------------------------------------------------------------------------------------

SENSITIVE = ("id_number", "phone")


def _require_manager(user) -> None:
    if not scope_paths(user, MANAGE):
        raise PermissionDenied(_("只有管理员可以查看日志"))


def _model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class LogFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actor = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=50)
    model = forms.ChoiceField(label=gettext_lazy("对象类型"), required=False)

    def __init__(self, data, *, models: list[str]):
        super().__init__(data)
        self.fields["model"].choices = [("", _("全部类型"))] + [
            (m, _model_label(m)) for m in models
        ]
        for name, field in self.fields.items():
            css = "form-select" if name == "model" else "form-control"
            css += " form-select-sm" if name == "model" else " form-control-sm"
            field.widget.attrs["class"] = css

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        cd = self.cleaned_data
        if cd["date_from"]:
            qs = qs.filter(at__date__gte=cd["date_from"])
        if cd["date_to"]:
            qs = qs.filter(at__date__lte=cd["date_to"])
        if cd["actor"]:
            qs = qs.filter(
                Q(actor__username__icontains=cd["actor"])
                | Q(actor__display_name__icontains=cd["actor"])
            )
        if cd["model"]:
            qs = qs.filter(model=cd["model"])
        return qs


def _shown(field: str, value) -> str:
    """A logged value for display; ID numbers and phones stay masked in the log list."""
    if value is None or value == "":
        return "—"
    if field == "id_number" or field.endswith("id_number"):
        return mask_id(str(value))
    if field.endswith("phone"):
        return mask_phone(str(value))
    return str(value)


def change_rows(entries) -> list[dict]:
    out = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        fields = list(dict.fromkeys([*before.keys(), *after.keys()]))
        entry.changes = [
            (
                f,
                _shown(f, before.get(f)) if f in before else "",
                _shown(f, after.get(f)) if f in after else "",
            )
            for f in fields
        ]
        entry.model_label = _model_label(entry.model)
        out.append(entry)
    return out


def _log_context(request, model) -> dict:
    _require_manager(request.user)
    scoped = model.objects.for_user(request.user, MANAGE)
    models = sorted(set(scoped.order_by().values_list("model", flat=True).distinct()) - {""})
    form = LogFilterForm(request.GET or None, models=models)
    qs = scoped.select_related("actor")
    if form.is_bound:
        qs = form.filter(qs)
    return {"form": form, "page": paginate(request, qs)}


@login_required
def changelog(request):
    ctx = _log_context(request, ChangeLog)
    ctx["rows"] = change_rows(ctx["page"].object_list)
    return render(request, "core/changelog.html", ctx)


@login_required
def accesslog(request):
    ctx = _log_context(request, AccessLog)
    for row in ctx["page"].object_list:
        row.model_label = _model_label(row.model) if row.model else ""
    return render(request, "core/accesslog.html", ctx)
