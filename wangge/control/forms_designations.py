"""Forms of risk designations: designating a place (one estate, building or unit the user may
change, chosen on the search page before the form and carried in hidden fields, checked against
the user's scope) and lifting a designation. The forms parse
input; the rules (scope, a reason, one current designation per place) are services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import CHANGE
from wangge.places.forms import BootstrapForm
from wangge.places.models import Building, Estate, Unit

from .models import DesignationLevel

PLACE_FIELDS = ("estate", "building", "unit")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class DesignationForm(BootstrapForm):
    estate = forms.ModelChoiceField(
        widget=forms.HiddenInput,
        label=_("小区"),
        queryset=Estate.objects.none(),
        required=False,
        empty_label=_("（不选）"),
    )
    building = forms.ModelChoiceField(
        widget=forms.HiddenInput,
        label=_("楼栋"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("（不选）"),
    )
    unit = forms.ModelChoiceField(
        widget=forms.HiddenInput,
        label=_("单元"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（不选）"),
    )
    level = forms.ModelChoiceField(
        label=_("管控等级"),
        queryset=DesignationLevel.objects.all(),
        empty_label=None,
        error_messages={"required": _("请选择管控等级")},
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=DATETIME,
        error_messages={"required": _("请填写开始时间"), "invalid": _("开始时间格式不正确")},
    )
    reason = forms.CharField(
        label=_("划定原因"),
        max_length=200,
        error_messages={"required": _("请填写划定原因")},
        help_text=_("如：出现阳性病例、密接人员居住"),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("starts_at", now_minute())
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = Estate.objects.for_user(user, CHANGE)
        self.fields["building"].queryset = Building.objects.for_user(user, CHANGE).select_related(
            "estate"
        )
        self.fields["unit"].queryset = Unit.objects.for_user(user, CHANGE).select_related(
            "building__estate"
        )
        for name in PLACE_FIELDS:
            self.fields[name].error_messages["invalid_choice"] = _(
                "所选区域不存在或不在您的管辖范围内"
            )

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in PLACE_FIELDS):
            return cleaned
        chosen = [cleaned[name] for name in PLACE_FIELDS if cleaned.get(name)]
        if not chosen:
            raise forms.ValidationError(_("请选择要划定的区域：小区、楼栋或单元中选一项"))
        if len(chosen) > 1:
            raise forms.ValidationError(
                _("一次只能划定一个区域：小区、楼栋、单元只能选一项，其余请留空")
            )
        cleaned["place"] = chosen[0]
        return cleaned


class LiftForm(BootstrapForm):
    reason = forms.CharField(
        label=_("解除原因"),
        max_length=200,
        error_messages={"required": _("请填写解除原因")},
        help_text=_("如：连续14天无新增阳性"),
    )
    at = forms.DateTimeField(
        label=_("解除时间"),
        widget=DATETIME,
        required=False,
        help_text=_("留空为当前时间"),
        error_messages={"invalid": _("解除时间格式不正确")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("at", now_minute())
        super().__init__(*args, **kwargs)
