"""Search and filter forms for building and household lists; every dropdown is scoped."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.core.normalize import to_halfwidth
from wangge.core.scope import VIEW
from wangge.people.filters import search_households

from .models import Area, Building, Estate, Unit


class _ScopedFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        for f in self.fields.values():
            widget = f.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


def _grid_qs(user) -> QuerySet:
    return Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID)


class BuildingFilterForm(_ScopedFilterForm):
    grid = forms.ModelChoiceField(
        label=_("网格"), queryset=Area.objects.none(), required=False, empty_label=_("全部网格")
    )
    estate = forms.ModelChoiceField(
        label=_("小区"), queryset=Estate.objects.none(), required=False, empty_label=_("全部小区")
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("楼号或小区名")
        self.fields["grid"].queryset = _grid_qs(user)
        self.fields["estate"].queryset = Estate.objects.for_user(user, VIEW)

    def filter(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs.none()
        q = to_halfwidth(self.cleaned_data.get("q") or "").strip()
        if q:
            number = q.removesuffix("号楼").removesuffix("号").removesuffix("栋")
            qs = qs.filter(Q(number=number) | Q(name__contains=q) | Q(estate__name__contains=q))
        if self.cleaned_data.get("grid"):
            qs = qs.filter(area=self.cleaned_data["grid"])
        if self.cleaned_data.get("estate"):
            qs = qs.filter(estate=self.cleaned_data["estate"])
        return qs


class HouseholdFilterForm(_ScopedFilterForm):
    grid = forms.ModelChoiceField(
        label=_("网格"), queryset=Area.objects.none(), required=False, empty_label=_("全部网格")
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False, empty_label=_("全部楼栋")
    )
    unit = forms.ModelChoiceField(
        label=_("单元"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单元")
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _(
            "户主、拼音首字母、手机尾号、身份证尾号、户号"
        )
        self.fields["grid"].queryset = _grid_qs(user)
        self.fields["building"].queryset = Building.objects.for_user(user, VIEW).select_related(
            "estate"
        )
        units = Unit.objects.for_user(user, VIEW).select_related("building__estate")
        building_id = (data or {}).get("building")
        unit_id = (data or {}).get("unit")
        # A street has thousands of units: offer only the chosen building's (or the chosen unit).
        if building_id and str(building_id).isdigit():
            units = units.filter(building_id=int(building_id))
            self.fields["unit"].label_from_instance = lambda u: _("%(n)s单元") % {"n": u.number}
        elif unit_id and str(unit_id).isdigit():
            units = units.filter(pk=int(unit_id))
        else:
            units = units.none()
        self.fields["unit"].queryset = units

    def filter(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs.none()
        cd = self.cleaned_data
        if cd.get("grid"):
            qs = qs.within(cd["grid"].path)
        if cd.get("building"):
            qs = qs.filter(building=cd["building"])
        if cd.get("unit"):
            qs = qs.filter(unit=cd["unit"])
        return search_households(qs, cd.get("q") or "")
