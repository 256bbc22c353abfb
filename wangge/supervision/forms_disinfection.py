"""Forms of disinfection: a place (one, or one per unit of a building), the phone form that logs
a disinfection, and the filters of the lists. They parse input; the rules are the services'."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.checkpoints.models import Checkpoint
from wangge.control.models_sites import Site
from wangge.core.scope import CHANGE, RECORD, VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area, Building, Unit

from .models_disinfection import DisinfectionPlace
from .services_disinfection import COMMON_AGENTS

MAX_PHOTO_BYTES = 10 * 1024 * 1024
Kind = DisinfectionPlace.Kind


def _areas(user, action):
    return Area.objects.for_user(user, action).filter(
        level__in=(Area.Level.STREET, Area.Level.COMMUNITY, Area.Level.GRID)
    )


class PlaceForm(BootstrapForm):
    name = forms.CharField(
        label=_("点位名称"),
        max_length=100,
        required=False,
        help_text=_("如：3号楼1单元门口、小区东门、1号电梯；按单元批量新建时可不填"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices, initial=Kind.PUBLIC_AREA)
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("（按楼栋、卡口或隔离点自动确定）"),
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False, empty_label=_("（无）")
    )
    unit = forms.ModelChoiceField(
        label=_("单元"), queryset=Unit.objects.none(), required=False, empty_label=_("（无）")
    )
    checkpoint = forms.ModelChoiceField(
        label=_("卡口"), queryset=Checkpoint.objects.none(), required=False, empty_label=_("（无）")
    )
    site = forms.ModelChoiceField(
        label=_("隔离点"), queryset=Site.objects.none(), required=False, empty_label=_("（无）")
    )
    times_per_day = forms.IntegerField(
        label=_("每日消杀次数"),
        min_value=1,
        max_value=24,
        initial=2,
        error_messages={
            "required": _("请填写每日消杀次数"),
            "min_value": _("每日消杀次数应为 1 到 24 次"),
            "max_value": _("每日消杀次数应为 1 到 24 次"),
        },
    )
    day_starts = forms.TimeField(
        label=_("作业开始"),
        initial=dt.time(8),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("请填写作业开始时间"), "invalid": _("时间格式不正确")},
    )
    day_ends = forms.TimeField(
        label=_("作业结束"),
        initial=dt.time(20),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("请填写作业结束时间"), "invalid": _("时间格式不正确")},
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    per_unit = forms.BooleanField(
        label=_("为该楼栋每个单元各建一个点位"),
        required=False,
        help_text=_("选择楼栋后勾选，按单元批量新建（已有同类点位的单元跳过）"),
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["area"].queryset = _areas(user, CHANGE)
        f["building"].queryset = Building.objects.for_user(user, CHANGE).select_related("estate")
        f["unit"].queryset = Unit.objects.for_user(user, CHANGE).select_related("building__estate")
        f["checkpoint"].queryset = Checkpoint.objects.for_user(user, CHANGE)
        f["site"].queryset = Site.objects.for_user(user, CHANGE)
        for name, msg in (
            ("area", _("所选区域不存在或不在您的管辖范围内")),
            ("building", _("所选楼栋不存在或不在您的管辖范围内")),
            ("unit", _("所选单元不存在或不在您的管辖范围内")),
            ("checkpoint", _("所选卡口不存在或不在您的管辖范围内")),
            ("site", _("所选隔离点不存在或不在您的管辖范围内")),
        ):
            f[name].error_messages["invalid_choice"] = msg
        if editing:
            del f["per_unit"]
        else:
            del f["active"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        link = (
            data.get("unit") or data.get("building") or data.get("checkpoint") or data.get("site")
        )
        if data.get("area") is None:
            if data.get("unit") is not None or data.get("building") is not None:
                building = data.get("building") or data["unit"].building
                data["area"] = building.area
            elif link is not None:
                data["area"] = link.area
            else:
                self.add_error("area", _("请选择所属区域，或选择楼栋、卡口、隔离点"))
        if data.get("per_unit"):
            if data.get("building") is None:
                self.add_error("building", _("按单元批量新建请先选择楼栋"))
        elif not (data.get("name") or "").strip():
            self.add_error("name", _("请填写点位名称"))
        return data


class LogForm(BootstrapForm):
    """The phone form: few fields, everything defaulted."""

    place = forms.ModelChoiceField(
        label=_("消杀点位"),
        queryset=DisinfectionPlace.objects.none(),
        error_messages={
            "required": _("请选择消杀点位"),
            "invalid_choice": _("所选点位不存在、已停用或不在您的管辖范围内"),
        },
    )
    done_at = forms.DateTimeField(
        label=_("消杀时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"required": _("请填写消杀时间"), "invalid": _("时间格式不正确")},
    )
    agent = forms.CharField(
        label=_("消毒剂"),
        max_length=60,
        error_messages={"required": _("请填写消毒剂")},
        widget=forms.TextInput(attrs={"list": "agent-options", "autocomplete": "off"}),
    )
    concentration = forms.CharField(label=_("浓度"), max_length=30, required=False)
    done_by = forms.CharField(
        label=_("消杀人"), max_length=50, error_messages={"required": _("请填写消杀人")}
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    photo = forms.ImageField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"invalid_image": _("请上传图片文件")},
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    agents = COMMON_AGENTS

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["client_uuid"].initial = uuid.uuid4
        self.fields["done_at"].initial = lambda: timezone.localtime().replace(
            second=0, microsecond=0
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("照片不能超过 10 MB"))
        return photo


class LogFilterForm(BootstrapForm):
    day = forms.DateField(
        label=_("日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式不正确")},
    )
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    area = forms.ModelChoiceField(
        label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("全部区域")
    )
    place = forms.ModelChoiceField(
        label=_("点位"), queryset=DisinfectionPlace.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user, VIEW)
        self.fields["area"].error_messages["invalid_choice"] = _(
            "所选区域不存在或不在您的管辖范围内"
        )
        self.fields["place"].queryset = DisinfectionPlace.objects.for_user(user, VIEW)
        self.fields["place"].widget = forms.HiddenInput()
        self.fields["place"].error_messages["invalid_choice"] = _("所选点位不存在")
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("点位名称或消杀人"), "type": "search"}
        )


class PlaceFilterForm(BootstrapForm):
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *Kind.choices], required=False
    )
    area = forms.ModelChoiceField(
        label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("全部区域")
    )
    state = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("启用中")), ("inactive", _("已停用")), ("all", _("全部"))],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user, VIEW)
        self.fields["area"].error_messages["invalid_choice"] = _(
            "所选区域不存在或不在您的管辖范围内"
        )
        self.fields["q"].widget.attrs.update({"placeholder": _("点位名称"), "type": "search"})


def record_places(user):
    """The places a user may log (RECORD, active)."""
    return DisinfectionPlace.objects.for_user(user, RECORD).filter(active=True)
