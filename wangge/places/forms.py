"""Forms for creating and editing places. They only validate input; views call places.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.normalize import (
    NormalizationError,
    normalize_name,
    normalize_number_label,
    normalize_phone,
    normalize_room,
    parse_floor,
)
from wangge.core.scope import CHANGE

from .models import Area, Building, Estate, Unit


class BootstrapForm(forms.Form):
    """Adds Bootstrap classes to the widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors raised by a service (ValidationError.message_dict) onto the form's fields."""
        for name, messages in errors.items():
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except NormalizationError as exc:
        raise forms.ValidationError(str(exc)) from exc


class AreaForm(BootstrapForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("编码"), max_length=32, required=False, help_text=_("留空则自动生成")
    )
    wechat_group = forms.CharField(label=_("微信群"), max_length=100, required=False)

    def clean_name(self):
        name = normalize_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("名称不能为空"))
        return name


class EstateForm(BootstrapForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    gates = forms.IntegerField(label=_("出入口数"), min_value=0, max_value=99, initial=1)
    property_company = forms.CharField(label=_("物业公司"), max_length=100, required=False)
    property_phone = forms.CharField(label=_("物业电话"), max_length=20, required=False)

    def clean_property_phone(self):
        return _phone(self.cleaned_data["property_phone"])


class BuildingForm(BootstrapForm):
    area = forms.ModelChoiceField(label=_("所属网格"), queryset=Area.objects.none())
    estate = forms.ModelChoiceField(
        label=_("小区"), queryset=Estate.objects.none(), required=False, empty_label=_("（无小区）")
    )
    number = forms.CharField(label=_("楼号"), max_length=20, help_text=_("例如 3 或 3号楼"))
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    floors = forms.IntegerField(label=_("层数"), min_value=1, max_value=120, initial=6)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, user, instance: Building | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["area"].queryset = Area.objects.for_user(user, CHANGE).filter(
            level=Area.Level.GRID
        )
        self.fields["estate"].queryset = Estate.objects.for_user(user, CHANGE)

    def clean_number(self):
        number = normalize_number_label(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(_("请填写楼号"))
        return number

    def clean(self):
        cd = super().clean()
        if cd.get("area") and cd.get("number"):
            # The database constraint does not catch duplicates without an estate (NULL).
            same = Building.objects.filter(
                area=cd["area"], estate=cd.get("estate"), number=cd["number"]
            )
            if self.instance is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("number", _("该网格（小区）已有这个楼号"))
        return cd


class UnitForm(BootstrapForm):
    number = forms.CharField(label=_("单元号"), max_length=20)
    floors = forms.IntegerField(
        label=_("层数"), min_value=1, max_value=120, required=False, help_text=_("留空则与楼栋相同")
    )
    rooms_per_floor = forms.IntegerField(label=_("每层户数"), min_value=1, max_value=50, initial=2)

    def clean_number(self):
        number = normalize_number_label(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(_("请填写单元号"))
        return number


class HouseholdForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("单元"), queryset=Unit.objects.none())
    room = forms.CharField(label=_("户号"), max_length=20, help_text=_("例如 501"))
    floor = forms.IntegerField(
        label=_("楼层"),
        min_value=-9,
        max_value=120,
        required=False,
        help_text=_("留空则按户号推算"),
    )
    householder_name = forms.CharField(label=_("户主姓名"), max_length=50, required=False)
    people_count = forms.IntegerField(label=_("现居人数"), min_value=0, max_value=99, initial=0)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    vacant = forms.BooleanField(label=_("空置"), required=False)
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, building: Building, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.for_user(user, CHANGE).filter(building=building)
        self.fields["unit"].label_from_instance = lambda u: _("%(n)s单元") % {"n": u.number}

    def clean_room(self):
        room = normalize_room(self.cleaned_data["room"])
        if not room:
            raise forms.ValidationError(_("请填写户号"))
        return room

    def clean_householder_name(self):
        return normalize_name(self.cleaned_data["householder_name"])

    def clean_phone(self):
        return _phone(self.cleaned_data["phone"])

    def clean(self):
        cd = super().clean()
        if cd.get("room") and cd.get("floor") is None:
            floor = parse_floor(None, cd["room"])
            if floor is None:
                self.add_error("floor", _("无法从户号推算楼层，请填写楼层"))
            else:
                cd["floor"] = floor
        return cd
