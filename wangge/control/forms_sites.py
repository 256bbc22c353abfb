"""Forms of the quarantine site pages. They parse input; the rules (capacity, one open stay,
scope, release before checkout) are the site services' (services_site_access,
services_site_setup, services_stay_checkin, services_stays)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import User
from wangge.core.scope import CHANGE
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from .models_followups import Symptom
from .models_sites import SiteRoom, SiteStaff, Stay

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


def _when(label, *, required=False, help_text=""):
    return forms.DateTimeField(
        label=label,
        widget=DATETIME,
        required=required,
        help_text=help_text,
        error_messages={"required": _("请填写时间"), "invalid": _("时间格式不正确")},
    )


class SiteForm(BootstrapForm):
    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写隔离点名称")}
    )
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("请选择所属区域"),
            "invalid_choice": _("所选区域不存在或不在您的管辖范围内"),
        },
        help_text=_("负责该隔离点的街道、社区或网格"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_user(user, CHANGE).filter(
            level__gte=Area.Level.STREET
        )
        if not editing:
            del self.fields["active"]


class RoomBulkForm(BootstrapForm):
    building = forms.CharField(
        label=_("楼栋"),
        max_length=30,
        error_messages={"required": _("请填写楼栋，如：1号楼")},
        widget=forms.TextInput(attrs={"placeholder": _("如：1号楼")}),
    )
    floor_from = forms.IntegerField(label=_("起始楼层"), min_value=-5, max_value=60, initial=2)
    floor_to = forms.IntegerField(label=_("结束楼层"), min_value=-5, max_value=60, initial=6)
    room_from = forms.IntegerField(label=_("每层起始房号"), min_value=1, max_value=99, initial=1)
    room_to = forms.IntegerField(label=_("每层结束房号"), min_value=1, max_value=99, initial=20)
    capacity = forms.IntegerField(label=_("每间床位"), min_value=1, max_value=20, initial=1)
    room_type = forms.ChoiceField(
        label=_("房型"), choices=SiteRoom.RoomType.choices, initial=SiteRoom.RoomType.SINGLE
    )

    def clean(self):
        cleaned = super().clean()
        f1, f2 = cleaned.get("floor_from"), cleaned.get("floor_to")
        r1, r2 = cleaned.get("room_from"), cleaned.get("room_to")
        if f1 is not None and f2 is not None and f1 > f2:
            self.add_error("floor_to", _("结束楼层不能小于起始楼层"))
        if r1 is not None and r2 is not None and r1 > r2:
            self.add_error("room_to", _("结束房号不能小于起始房号"))
        return cleaned


class RoomForm(BootstrapForm):
    capacity = forms.IntegerField(label=_("床位"), min_value=1, max_value=20)
    room_type = forms.ChoiceField(label=_("房型"), choices=SiteRoom.RoomType.choices)
    out_of_service = forms.BooleanField(label=_("停用（维修、污染待消杀等）"), required=False)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)


class StaffForm(BootstrapForm):
    group = forms.ChoiceField(
        label=_("组别"),
        choices=SiteStaff.Group.choices,
        error_messages={"required": _("请选择组别")},
    )
    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名")}
    )
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    username = forms.CharField(
        label=_("系统账号（用户名）"),
        max_length=150,
        required=False,
        help_text=_("关联账号后，该工作人员可查看本隔离点并录入入住、体温、包裹"),
    )

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有该账号，请核对用户名"))
        return user


class CheckInForm(BootstrapForm):
    room = forms.ModelChoiceField(
        label=_("房间"),
        queryset=SiteRoom.objects.none(),
        error_messages={
            "required": _("请选择房间"),
            "invalid_choice": _("所选房间不存在或已停用，请重新选择"),
        },
    )
    checked_in_at = _when(_("入住时间"), help_text=_("默认当前时间；补录时请改为实际到达时间"))
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    transfer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    arrived_from = forms.CharField(
        label=_("来源"),
        max_length=200,
        required=False,
        help_text=_("如：密接，自某某小区转运；外市来返人员"),
    )
    file_note = forms.CharField(
        label=_("人员档案"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("基础疾病、过敏史、用药、同住人员等"),
    )
    diet = forms.ChoiceField(label=_("特殊饮食"), choices=Stay.Diet.choices, required=False)
    diet_note = forms.CharField(label=_("饮食说明"), max_length=100, required=False)
    medical_needs = forms.CharField(
        label=_("医疗需求"),
        max_length=200,
        required=False,
        help_text=_("如：每日胰岛素、定期透析"),
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rooms, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("checked_in_at", now_minute())
        initial.setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = self.room_label
        self.free_beds: dict[int, int] = {}

    def room_label(self, room):
        free = self.free_beds.get(room.pk)
        if free is None:
            return str(room)
        return _("%(room)s（空 %(free)d 床）") % {"room": room, "free": free}

    def clean(self):
        cleaned = super().clean()
        has_person = cleaned.get("person") is not None
        if not has_person and not (cleaned.get("name") or "").strip():
            self.add_error(
                "name",
                _("请先搜索并选择人员、从转运单选择，或填写外来人员的姓名"),
            )
        return cleaned


class StayForm(BootstrapForm):
    arrived_from = forms.CharField(label=_("来源"), max_length=200, required=False)
    file_note = forms.CharField(
        label=_("人员档案"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    diet = forms.ChoiceField(label=_("特殊饮食"), choices=Stay.Diet.choices, required=False)
    diet_note = forms.CharField(label=_("饮食说明"), max_length=100, required=False)
    medical_needs = forms.CharField(label=_("医疗需求"), max_length=200, required=False)


class CheckOutForm(BootstrapForm):
    checked_out_at = _when(_("离开时间"), help_text=_("默认当前时间"))
    note = forms.CharField(
        label=_("离开说明"),
        max_length=200,
        required=False,
        help_text=_("管控措施未解除时必填，如：转送定点医院"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("checked_out_at", now_minute())
        super().__init__(*args, **kwargs)


class ParcelForm(BootstrapForm):
    description = forms.CharField(
        label=_("物品"), max_length=200, error_messages={"required": _("请填写物品")}
    )
    sender = forms.CharField(label=_("送件人"), max_length=50, required=False)
    sender_phone = forms.CharField(label=_("送件人电话"), max_length=30, required=False)
    disinfected = forms.BooleanField(label=_("已消杀"), required=False)
    received_at = _when(_("接收时间"), help_text=_("默认当前时间"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_at", now_minute())
        super().__init__(*args, **kwargs)


class ReadingForm(forms.Form):
    """One reading posted from the site's readings page."""

    followup = forms.IntegerField(widget=forms.HiddenInput)
    temperature = forms.CharField(max_length=8, required=False)
    symptoms = forms.MultipleChoiceField(choices=Symptom.choices, required=False)
    note = forms.CharField(max_length=200, required=False)
    client_uuid = forms.UUIDField(required=False)


class ReportDayForm(forms.Form):
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def day_or_today(self):
        if self.is_valid() and self.cleaned_data["day"]:
            return self.cleaned_data["day"]
        return timezone.localdate()
