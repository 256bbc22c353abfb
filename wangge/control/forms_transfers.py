"""Forms of the transfer pages: the request (person or household, destination, urgency, reason,
from address, a client UUID so that a resent form creates one transfer), the board's filters,
each step (vehicle, pick-up time, hand-over, cancel reason) and the vehicle roster. The forms
parse input; the rules (status flow, free vehicle, seats, who may) are services_transfers',
services_transfers_access' and services_vehicles'."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import CHANGE, VIEW
from wangge.people.models import Person
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area, Household

from .models_transfers import Transfer, Vehicle

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
HOSPITAL = "hospital"


def _at_field(label):
    return forms.DateTimeField(
        label=label,
        widget=DATETIME,
        required=False,
        help_text=_("留空为当前时间"),
        error_messages={"invalid": _("时间格式不正确")},
    )


class TransferForm(BootstrapForm):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )
    household = forms.ModelChoiceField(
        queryset=Household.objects.none(), required=False, widget=forms.HiddenInput
    )
    whole_household = forms.BooleanField(label=_("全户转运（该住户现住的所有人）"), required=False)
    destination = forms.ChoiceField(
        label=_("去向"),
        choices=Transfer.Destination.choices,
        widget=forms.RadioSelect,
        initial=Transfer.Destination.SITE,
        error_messages={"required": _("请选择去向")},
    )
    site = forms.ModelChoiceField(
        label=_("隔离点"),
        queryset=None,
        required=False,
        empty_label=_("（请选择）"),
        error_messages={"invalid_choice": _("所选隔离点不存在或不在您的管辖范围内")},
    )
    hospital = forms.CharField(label=_("医院"), max_length=100, required=False)
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Transfer.Urgency.choices,
        widget=forms.RadioSelect,
        initial=Transfer.Urgency.ROUTINE,
        error_messages={"required": _("请选择紧急程度")},
    )
    reason = forms.CharField(
        label=_("转运原因"),
        max_length=200,
        error_messages={"required": _("请填写转运原因")},
        help_text=_("如：密接人员转集中隔离；发热转定点医院"),
    )
    from_address = forms.CharField(
        label=_("出发地址"),
        max_length=200,
        required=False,
        help_text=_("留空为住户地址"),
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, sites, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.for_user(user, CHANGE)
        self.fields["household"].queryset = Household.objects.for_user(user, CHANGE)
        self.fields["site"].queryset = sites
        for name in ("destination", "urgency"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for name in ("person", "household"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "所选人员或住户不存在或不在您的管辖范围内"
            )

    def clean(self):
        cleaned = super().clean()
        person, household = cleaned.get("person"), cleaned.get("household")
        if "person" in self.errors or "household" in self.errors:
            return cleaned
        if person is None and household is None:
            raise forms.ValidationError(_("请先选择要转运的人员或住户"))
        if cleaned.get("whole_household"):
            if household is None:
                self.add_error("whole_household", _("该人员没有登记住户，不能全户转运"))
            cleaned["person"] = None
        return cleaned


class BoardFilterForm(BootstrapForm):
    """?day= (the day whose finished transfers are shown), ?dest= (a site or hospitals),
    ?grid= (where the people are taken from)."""

    day = forms.DateField(
        label=_("日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式不正确")},
    )
    dest = forms.ChoiceField(label=_("去向"), required=False)
    grid = forms.ModelChoiceField(
        label=_("网格"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("全部网格"),
        error_messages={"invalid_choice": _("所选网格不存在或不在您的管辖范围内")},
    )

    def __init__(self, *args, user, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Area.objects.for_user(user, VIEW).filter(
            level=Area.Level.GRID
        )
        self.fields["dest"].choices = [
            ("", _("全部去向")),
            (HOSPITAL, _("医院")),
            *((str(s.pk), s.name) for s in sites),
        ]
        self.fields["dest"].error_messages["invalid_choice"] = _("所选去向不存在")

    def the_day(self):
        day = self.cleaned_data.get("day") if self.is_valid() else None
        return day or timezone.localdate()

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def vehicle_label(vehicle: Vehicle, busy: set[int]) -> str:
    state = _("在途") if vehicle.pk in busy else _("空闲")
    return _("%(plate)s %(kind)s %(seats)d座 · %(driver)s · %(state)s") % {
        "plate": vehicle.plate,
        "kind": vehicle.get_kind_display(),
        "seats": vehicle.seats,
        "driver": vehicle.driver_name,
        "state": state,
    }


class AssignForm(BootstrapForm):
    vehicle = forms.ModelChoiceField(
        label=_("车辆"),
        queryset=Vehicle.objects.none(),
        empty_label=_("（请选择待命车辆）"),
        error_messages={
            "required": _("请选择车辆"),
            "invalid_choice": _("所选车辆不存在或不在您的调度范围内"),
        },
    )
    driver_name = forms.CharField(
        label=_("司机"), max_length=50, required=False, help_text=_("留空为车辆登记的司机")
    )
    driver_phone = forms.CharField(
        label=_("司机电话"), max_length=40, required=False, help_text=_("留空为车辆登记的电话")
    )

    def __init__(self, *args, vehicles, busy: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["vehicle"]
        field.queryset = vehicles
        field.label_from_instance = lambda v: vehicle_label(v, busy)


class PickupForm(BootstrapForm):
    at = _at_field(_("接到时间"))


class HandoverForm(BootstrapForm):
    received_by_name = forms.CharField(label=_("接收人"), max_length=50, required=False)
    at = _at_field(_("交接时间"))

    def __init__(self, *args, hospital: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["received_by_name"]
        if hospital:
            field.required = True
            field.error_messages["required"] = _("请填写医院接收人姓名")
            field.help_text = _("医院接收人的姓名")
        else:
            field.help_text = _("留空为您本人")


class CloseForm(BootstrapForm):
    pass


class CancelForm(BootstrapForm):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=150,
        error_messages={"required": _("请填写取消原因")},
        help_text=_("如：已改为居家隔离；人员已由家属送达"),
    )


class VehicleForm(BootstrapForm):
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        empty_label=None,
        help_text=_("负责调度该车辆的街道或社区"),
        error_messages={"invalid_choice": _("所选区域不存在或不在您的管辖范围内")},
    )
    plate = forms.CharField(
        label=_("车牌号"), max_length=12, error_messages={"required": _("请填写车牌号")}
    )
    kind = forms.ChoiceField(label=_("车型"), choices=Vehicle.Kind.choices)
    seats = forms.IntegerField(
        label=_("座位"),
        min_value=1,
        max_value=99,
        initial=4,
        error_messages={
            "required": _("请填写座位数"),
            "min_value": _("座位数至少为 1"),
            "invalid": _("请输入整数"),
        },
    )
    driver_name = forms.CharField(
        label=_("司机"), max_length=50, error_messages={"required": _("请填写司机姓名")}
    )
    driver_phone = forms.CharField(
        label=_("司机电话"), max_length=40, error_messages={"required": _("请填写司机电话")}
    )
    on_call = forms.BooleanField(label=_("待命"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_user(user, CHANGE).order_by("path")
