"""Forms of the board part: a shift with its members, a freight vehicle at entry, its exit."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.places.forms import BootstrapForm

from .models import Checkpoint


class ShiftForm(BootstrapForm):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(
        label=_("结束时间"),
        help_text=_("早于开始时间表示次日结束（夜班）"),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    needed = forms.IntegerField(label=_("需要人数"), min_value=1, max_value=50, initial=2)
    users = forms.ModelMultipleChoiceField(
        label=_("值守人员（系统账号）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    names = forms.CharField(
        label=_("其他值守人员"),
        required=False,
        help_text=_("每行一人：姓名 电话，如“王强 13800001111”"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = users
        self.fields["users"].widget.attrs["class"] = "form-check-input"
        self.fields["users"].label_from_instance = lambda u: u.display_name or u.username

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        start = dt.datetime.combine(day, self.cleaned_data["starts"], tzinfo=tz)
        end = dt.datetime.combine(day, self.cleaned_data["ends"], tzinfo=tz)
        if end <= start:
            end += dt.timedelta(days=1)
        return start, end

    def typed_names(self) -> list[tuple[str, str]]:
        out = []
        for line in (self.cleaned_data.get("names") or "").splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if parts:
                out.append((parts[0], " ".join(parts[1:])))
        return out


class FreightForm(BootstrapForm):
    plate = forms.CharField(label=_("车牌号"), max_length=20)
    driver_name = forms.CharField(label=_("司机"), max_length=50)
    driver_phone = forms.CharField(
        label=_("司机电话"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    cargo = forms.CharField(label=_("货物"), max_length=100)
    origin = forms.CharField(label=_("出发地"), max_length=100)
    destination = forms.CharField(label=_("目的地"), max_length=100)
    escort = forms.CharField(label=_("押运/陪同"), max_length=100, required=False)
    expected_minutes = forms.IntegerField(
        label=_("预计停留（分钟）"), min_value=1, max_value=24 * 60, initial=120
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)


class FreightExitForm(BootstrapForm):
    checkpoint = forms.ModelChoiceField(label=_("出口卡口"), queryset=Checkpoint.objects.none())

    def __init__(self, *args, checkpoints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = checkpoints
