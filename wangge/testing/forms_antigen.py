"""Forms for antigen kits and self-test results. Every choice is limited to the user's scope."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import VIEW
from wangge.people.forms import style_fields
from wangge.places.filters import HouseholdFilterForm
from wangge.places.models import Area, Household

from .models import AntigenResult, Round
from .services_antigen import MAX_KITS
from .services_plan import visible_rounds

DATE_WIDGET = {"type": "date"}


def rounds_over(user, household: Household):
    """The rounds (in the user's scope) whose area contains the household."""
    area_ids = [int(p) for p in household.scope_path.strip("/").split("/") if p.isdigit()]
    return visible_rounds(user).filter(area_id__in=area_ids)


class DeliveryForm(forms.Form):
    count = forms.IntegerField(label=_("数量（盒/份）"), min_value=1, max_value=MAX_KITS)
    date = forms.DateField(label=_("发放日期"), widget=forms.DateInput(attrs=DATE_WIDGET))
    delivered_by = forms.CharField(label=_("发放人"), max_length=50, required=False)
    round = forms.ModelChoiceField(
        label=_("轮次"), queryset=Round.objects.none(), required=False, empty_label=_("不关联轮次")
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user, household: Household, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["round"].queryset = rounds_over(user, household)
        self.fields["date"].initial = timezone.localdate
        self.fields["client_uuid"].initial = uuid.uuid4
        self.fields["delivered_by"].initial = getattr(user, "display_name", "") or str(user)
        style_fields(self)


RESULT_CHOICES = [("", _("未填"))] + list(AntigenResult.Result.choices)


class ResultsForm(forms.Form):
    """One result per living resident (field ``p<person id>``); a worker also picks the date."""

    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, people, label=str, with_date: bool = True, **kwargs):
        super().__init__(data, **kwargs)
        self.people = people
        if with_date:
            self.fields["date"] = forms.DateField(
                label=_("检测日期"),
                initial=timezone.localdate,
                widget=forms.DateInput(attrs={**DATE_WIDGET, "class": "form-control"}),
            )
        for person in people:
            self.fields[f"p{person.pk}"] = forms.ChoiceField(
                label=label(person.name),
                choices=RESULT_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["client_uuid"].initial = uuid.uuid4

    def person_fields(self):
        return [(person, self[f"p{person.pk}"]) for person in self.people]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"p{p.pk}") for p in self.people):
            raise forms.ValidationError(_("请至少为一人选择检测结果。"))
        return cleaned

    def results(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.people}


class KitsFilterForm(HouseholdFilterForm):
    """The kits page of a round: households by grid/building/unit, search, and kit status."""

    STATUS_CHOICES = [("", _("全部住户")), ("none", _("未发放")), ("given", _("已发放"))]
    status = forms.ChoiceField(label=_("发放情况"), choices=STATUS_CHOICES, required=False)

    def __init__(self, data, *, user, rnd: Round, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["grid"].queryset = self.fields["grid"].queryset.filter(
            path__startswith=rnd.area.path
        )
        self.fields["building"].queryset = self.fields["building"].queryset.filter(
            scope_path__startswith=rnd.area.path
        )


class MissingForm(forms.Form):
    """Which antigen list, for which round or dates, in which grid."""

    KIND_CHOICES = [
        ("households", _("未发放试剂的住户")),
        ("persons", _("未报结果的人员")),
        ("positives", _("抗原阳性人员")),
    ]
    kind = forms.ChoiceField(label=_("名单"), choices=KIND_CHOICES, required=False)
    round = forms.ModelChoiceField(
        label=_("轮次"), queryset=Round.objects.none(), required=False, empty_label=_("不限轮次")
    )
    grid = forms.ModelChoiceField(
        label=_("网格"), queryset=Area.objects.none(), required=False, empty_label=_("全部网格")
    )
    date = forms.DateField(
        label=_("检测日期"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["round"].queryset = visible_rounds(user).select_related("area")
        self.fields["grid"].queryset = Area.objects.for_user(user, VIEW).filter(
            level=Area.Level.GRID
        )
        style_fields(self)
        for field in self.fields.values():
            css = field.widget.attrs["class"]
            small = " form-select-sm" if "form-select" in css else " form-control-sm"
            field.widget.attrs["class"] = css + small

    def clean(self):
        cleaned = super().clean()
        cleaned["kind"] = cleaned.get("kind") or "households"
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        rnd, grid = cleaned.get("round"), cleaned.get("grid")
        if rnd and grid and not grid.path.startswith(rnd.area.path):
            self.add_error("grid", _("该网格不在本轮检测区域内。"))
        return cleaned
