"""Forms of the setup pages: a checkpoint (area and estates among those the user may change),
an estate's pass policy, issuing passes for an estate, revoking one. The forms parse input; the
rules (scope, ranges, hours) are the services'."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.places.forms import BootstrapForm
from wangge.places.models import Area, Estate

from .models import Checkpoint
from .services_setup import MAX_HOURS, MAX_PERIOD_DAYS, MAX_PERSONS, checkpoint_areas

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.get_level_display()} {obj.name}"


class CheckpointForm(BootstrapForm):
    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写卡口名称")}
    )
    kind = forms.ChoiceField(label=_("类型"), choices=Checkpoint.Kind.choices)
    area = AreaChoice(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        error_messages={"required": _("请选择所属区域")},
    )
    estates = forms.ModelMultipleChoiceField(
        label=_("服务小区"),
        queryset=Estate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    address = forms.CharField(label=_("位置"), max_length=200, required=False)
    opens_at = forms.TimeField(
        label=_("开放时间"), required=False, widget=TIME, help_text=_("全天开放请留空")
    )
    closes_at = forms.TimeField(label=_("关闭时间"), required=False, widget=TIME)
    residents_only = forms.BooleanField(label=_("仅限本小区居民通行"), required=False)
    records_temperature = forms.BooleanField(label=_("测量体温"), required=False)
    records_health_code = forms.BooleanField(label=_("查验健康码"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, user, estates, instance: Checkpoint | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    f: getattr(instance, f)
                    for f in (
                        "name",
                        "kind",
                        "address",
                        "opens_at",
                        "closes_at",
                        "residents_only",
                        "records_temperature",
                        "records_health_code",
                        "active",
                    )
                },
                "area": instance.area_id,
                "estates": list(instance.estates.values_list("pk", flat=True)),
            }
        elif instance is None:
            kwargs.setdefault(
                "initial",
                {"residents_only": True, "records_temperature": True, "records_health_code": True},
            )
            kwargs["initial"].setdefault("active", True)
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = checkpoint_areas(user)
        self.fields["estates"].queryset = estates
        self.fields["estates"].widget.attrs["class"] = "form-check-input"
        if instance is not None:
            # A checkpoint stays in its area (its passages and shifts live there).
            self.fields["area"].disabled = True
            self.fields["area"].queryset = Area.objects.filter(pk=instance.area_id)


class PolicyForm(BootstrapForm):
    persons = forms.IntegerField(
        label=_("每户人数"),
        help_text=_("每个周期内每户可外出的人次"),
        error_messages={"required": _("请填写每户人数")},
    )
    period_days = forms.IntegerField(
        label=_("周期（天）"),
        help_text=_("1 表示每天，2 表示每两天（最多 %(max)d 天）") % {"max": MAX_PERIOD_DAYS},
        error_messages={"required": _("请填写周期天数")},
    )
    hours_out = forms.IntegerField(
        label=_("限时（小时）"),
        required=False,
        help_text=_("每次外出的时限，不限时请留空（最多 %(max)d 小时）") % {"max": MAX_HOURS},
    )
    starts_on = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=DATE,
        help_text=_("周期从这一天算起；不填则新规则从今天起、原规则不变"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].widget.attrs.update(min=1, max=MAX_PERSONS, inputmode="numeric")
        self.fields["period_days"].widget.attrs.update(
            min=1, max=MAX_PERIOD_DAYS, inputmode="numeric"
        )
        self.fields["hours_out"].widget.attrs.update(min=1, max=MAX_HOURS, inputmode="numeric")


def default_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


class IssueForm(BootstrapForm):
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=DATE)
    valid_until = forms.DateField(
        label=_("有效期至"),
        widget=DATE,
        error_messages={"required": _("请填写有效期至"), "invalid": _("日期格式不正确")},
    )


class RevokeForm(BootstrapForm):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=100,
        error_messages={"required": _("请填写作废原因，如：遗失、住户封控")},
        help_text=_("如：遗失、损坏、住户封控"),
    )
