"""Forms of the roster part: a post, a run of shifts, the day's roster filter."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.checkpoints.models import Checkpoint
from wangge.control.models_sites import Site
from wangge.core.scope import CHANGE
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area
from wangge.testing.models import SamplingPoint

from .models import Post, Worker

SLOT_CHOICES = [
    (0, _("整段为一个班次")),
    (4, _("每 4 小时一班")),
    (6, _("每 6 小时一班（24小时换岗不脱岗）")),
    (8, _("每 8 小时一班")),
    (12, _("每 12 小时一班")),
]


def area_label(area: Area) -> str:
    """An area indented by its level in a dropdown ordered by path."""
    return "\u3000" * max(area.level - 3, 0) + area.name


def checkpoint_initial(checkpoint: Checkpoint) -> dict:
    """A new post staffing a checkpoint: kind checkpoint, the gate, its area, "<卡口名>值守"."""
    return {
        "kind": Post.Kind.CHECKPOINT,
        "checkpoint": checkpoint.pk,
        "area": checkpoint.area_id,
        "name": _("%(name)s值守") % {"name": checkpoint.name},
        "place": checkpoint.address,
        "skills": [Worker.Skill.CHECKPOINT],
    }


class PostForm(BootstrapForm):
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Post.Kind.choices)
    area = forms.ModelChoiceField(label=_("所属区域"), queryset=Area.objects.none())
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    headcount = forms.IntegerField(label=_("每班人数"), min_value=1, max_value=200, initial=2)
    skills = forms.MultipleChoiceField(
        label=_("需要技能"),
        choices=Worker.Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    checkpoint = forms.ModelChoiceField(
        label=_("关联卡口"), queryset=Checkpoint.objects.none(), required=False
    )
    sampling_point = forms.ModelChoiceField(
        label=_("关联采样点"), queryset=SamplingPoint.objects.none(), required=False
    )
    site = forms.ModelChoiceField(
        label=_("关联隔离点"), queryset=Site.objects.none(), required=False
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    FIELDS = (
        "name",
        "kind",
        "area",
        "place",
        "headcount",
        "skills",
        "checkpoint",
        "sampling_point",
        "site",
        "active",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_user(user, CHANGE).order_by("path")
        self.fields["area"].label_from_instance = area_label
        self.fields["checkpoint"].queryset = Checkpoint.objects.for_user(user, CHANGE).order_by(
            "name"
        )
        self.fields["sampling_point"].queryset = (
            SamplingPoint.objects.for_user(user, CHANGE)
            .select_related("round")
            .order_by("-round_id", "name")
        )
        self.fields["sampling_point"].label_from_instance = lambda p: f"{p.round} · {p.name}"
        self.fields["site"].queryset = Site.objects.for_user(user, CHANGE).order_by("name")
        self.fields["skills"].widget.attrs["class"] = "form-check-input"

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ShiftsForm(BootstrapForm):
    day = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}), initial=dt.time(8)
    )
    ends = forms.TimeField(
        label=_("结束时间"),
        help_text=_("早于或等于开始时间表示次日结束；00:00 至 00:00 为全天 24 小时"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        initial=dt.time(14),
    )
    slot_hours = forms.TypedChoiceField(
        label=_("分班"), choices=SLOT_CHOICES, coerce=int, initial=0
    )
    needed = forms.IntegerField(label=_("每班需要人数"), min_value=1, max_value=200)
