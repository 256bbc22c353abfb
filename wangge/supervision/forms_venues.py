"""Forms of the venues pages: the register's filters, registering and editing a venue, changing
its state, and the summary's period. They parse input; the rules (dates, which state when,
phones, scope) are services_venues'."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import CHANGE, VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from .models_venues import Venue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
GROUP_CHOICES = [
    ("", _("全部类型")),
    ("supply", _("商超（超市、市场、药店）")),
    ("gathering", _("聚集性场所")),
    *Venue.Kind.choices,
]
STATE_CHOICES = [("", _("全部状态")), *Venue.State.choices, ("inactive", _("已注销"))]


def _areas(user, action: str):
    return Area.objects.for_user(user, action).filter(level__gte=Area.Level.STREET)


def _date(label, *, required=True):
    return forms.DateField(
        label=label,
        widget=DATE,
        required=required,
        error_messages={"required": _("请填写日期"), "invalid": _("日期格式不正确")},
    )


class VenueFilterForm(BootstrapForm):
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=GROUP_CHOICES, required=False)
    state = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False)
    area = forms.ModelChoiceField(
        label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("全部区域")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user, VIEW)
        self.fields["area"].error_messages["invalid_choice"] = _(
            "所选区域不存在或不在您的管辖范围内"
        )
        self.fields["kind"].error_messages["invalid_choice"] = _("所选类型不存在")
        self.fields["state"].error_messages["invalid_choice"] = _("所选状态不存在")
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("名称、地址、负责人或电话后四位"), "type": "search"}
        )
        for name in ("kind", "state", "area"):
            self.fields[name].widget.attrs["class"] += " form-select-sm"
        self.fields["q"].widget.attrs["class"] += " form-control-sm"

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class VenueForm(BootstrapForm):
    name = forms.CharField(
        label=_("场所名称"), max_length=100, error_messages={"required": _("请填写场所名称")}
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("请选择")), *Venue.Kind.choices],
        error_messages={"required": _("请选择场所类型"), "invalid_choice": _("请选择场所类型")},
    )
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        error_messages={
            "required": _("请选择所属区域"),
            "invalid_choice": _("所选区域不存在或不在您的管辖范围内"),
        },
    )
    address = forms.CharField(
        label=_("地址"), max_length=200, error_messages={"required": _("请填写地址")}
    )
    owner_name = forms.CharField(
        label=_("负责人"), max_length=50, error_messages={"required": _("请填写负责人")}
    )
    owner_phone = forms.CharField(label=_("负责人电话"), max_length=40, required=False)
    state = forms.ChoiceField(
        label=_("当前状态"),
        choices=[("", _("按类型默认（商超限流开放，其他关停）")), *Venue.State.choices[:2]],
        required=False,
    )
    since = _date(_("状态起始日期"), required=False)
    active = forms.BooleanField(label=_("在册（取消勾选即注销）"), required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user, CHANGE)
        self.fields["owner_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["since"].help_text = _("留空为今天")
        if editing:
            del self.fields["state"], self.fields["since"]
        else:
            del self.fields["active"]

    def clean_owner_phone(self):
        try:
            return normalize_phone(self.cleaned_data["owner_phone"])
        except NormalizationError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_since(self):
        since = self.cleaned_data.get("since")
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("状态起始日期不能晚于今天"))
        return since


class StateForm(BootstrapForm):
    state = forms.ChoiceField(
        label=_("新状态"),
        choices=Venue.State.choices,
        error_messages={"required": _("请选择新状态"), "invalid_choice": _("请选择新状态")},
    )
    since = _date(_("起始日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"since": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs["placeholder"] = _("如：按指挥部通知关停")


class SummaryForm(BootstrapForm):
    since = _date(_("起始日期"), required=False)
    until = _date(_("截止日期"), required=False)
    area = forms.ModelChoiceField(
        label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("全部区域")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user, VIEW)
        self.fields["area"].error_messages["invalid_choice"] = _(
            "所选区域不存在或不在您的管辖范围内"
        )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        until = data.get("until") or today
        since = data.get("since") or until
        if since > until:
            self.add_error("since", _("起始日期不能晚于截止日期"))
        elif until - since > dt.timedelta(days=366):
            self.add_error("since", _("统计时段不能超过一年"))
        data["since"], data["until"] = since, until
        return data
