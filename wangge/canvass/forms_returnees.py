"""Forms of returnee screening: a risk place and the risk-place sheet, an arrival entered by a
worker (the place chosen grid → building → unit → room, each list limited to the worker's
scope), the public arrival form of a unit, and the filters of the arrival list and report.

The forms parse input; names, ID numbers, phones and dates are checked by services_returnees,
whose errors are put back on the form field they name."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import RECORD, scope_paths, split_path
from wangge.people.views_registry import UploadForm
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area, Building, Household, Unit

from .models import Arrival, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REPORT_MAX_DAYS = 31
NO_LEVEL = "none"
LEVEL_FILTERS = [("", _("全部风险等级")), *RiskLevel.choices, (NO_LEVEL, _("非风险地区"))]
WORKER_SOURCES = [c for c in Arrival.Source.choices if c[0] != Arrival.Source.SELF]


class RiskPlaceForm(BootstrapForm):
    region = forms.CharField(
        label=_("地区"),
        max_length=100,
        help_text=_("按通告填写，如“上海市浦东新区”；来自该地区下级地方的人员同样匹配"),
    )
    level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    starts_on = forms.DateField(label=_("起始日期"), widget=DATE)
    ends_on = forms.DateField(
        label=_("解除日期"), widget=DATE, required=False, help_text=_("尚未解除的留空")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RiskPlaceImportForm(forms.Form):
    file = UploadForm.base_fields["file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("风险地区表")
        self.fields["file"].help_text = _(
            "Excel（.xlsx/.xls）或 CSV 文件，含地区、风险等级、起始日期、解除日期、备注"
        )

    clean_file = UploadForm.clean_file


class PersonFields(forms.Form):
    """What an arrival says about themself (also on the public form)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    origin = forms.CharField(
        label=_("从哪里来"),
        max_length=100,
        help_text=_("写到区县或街道，如“上海市浦东新区张江镇”"),
    )
    arrived_on = forms.DateField(label=_("抵达日期"), widget=DATE)
    transport = forms.ChoiceField(
        label=_("交通方式"),
        choices=[("", _("请选择")), *Arrival.Transport.choices],
        required=False,
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrived_on"].initial = timezone.localdate
        self.fields["client_uuid"].initial = uuid.uuid4
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")

    def person_data(self) -> dict:
        keys = ("name", "id_number", "phone", "origin", "arrived_on", "transport", "note")
        return {k: self.cleaned_data.get(k, "") for k in keys if k in self.fields}


def _id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() else None


def record_grids(user):
    """Grids in which `user` records arrivals: those in their scope, and the grids of the
    buildings or units they are responsible for."""
    paths = scope_paths(user, RECORD)
    inner = [split_path(p)[0] for p in paths if "b" in p]
    scoped = Area.objects.for_user(user, RECORD).filter(level=Area.Level.GRID)
    return (scoped | Area.objects.filter(path__in=inner, level=Area.Level.GRID)).order_by("path")


class ArrivalForm(PersonFields, BootstrapForm):
    """An arrival registered by a worker. The room lists narrow as grid, building and unit are
    chosen (from the submitted data, or from `initial` when the page opens on a household)."""

    source = forms.ChoiceField(label=_("登记方式"), choices=WORKER_SOURCES)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Area.objects.none())
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("单元"), queryset=Unit.objects.none(), required=False)
    household = forms.ModelChoiceField(
        label=_("房间"), queryset=Household.objects.none(), required=False
    )
    address = forms.CharField(
        label=_("居住地址"),
        max_length=200,
        required=False,
        help_text=_("住处不在系统登记的房间时填写，登记到所选网格"),
    )

    field_order = ["source", "name", "id_number", "phone", "origin", "arrived_on", "transport"]

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        source = data if data is not None else self.initial
        grid, building, unit = (_id(source.get(k)) for k in ("grid", "building", "unit"))
        self.fields["grid"].queryset = record_grids(user)
        buildings = Building.objects.for_user(user, RECORD).select_related("estate")
        units = Unit.objects.for_user(user, RECORD)
        households = Household.objects.for_user(user, RECORD).select_related("building__area")
        self.fields["building"].queryset = (
            buildings.filter(area_id=grid) if grid else buildings.none()
        )
        self.fields["unit"].queryset = (
            units.filter(building_id=building, building__area_id=grid) if building else units.none()
        )
        self.fields["household"].queryset = (
            households.filter(unit_id=unit, unit__building_id=building).order_by("floor", "room")
            if unit
            else households.none()
        )
        self.fields["household"].label_from_instance = lambda h: h.room
        self.fields["unit"].label_from_instance = lambda u: (
            gettext("%(number)s单元") % {"number": u.number}
        )
        self.fields["building"].empty_label = _("（不在楼栋内）")
        self.fields["unit"].empty_label = _("请选择单元")
        self.fields["household"].empty_label = _("请选择房间")
        self.fields["source"].initial = Arrival.Source.WORKER
        for name in ("grid", "building", "unit"):
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} wg-place-select".strip()

    def person_fields(self) -> list[forms.BoundField]:
        names = ("name", "id_number", "phone", "origin", "arrived_on", "transport", "note")
        return [self[n] for n in names]

    def place_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("grid", "building", "unit", "household")]

    def clean(self):
        data = super().clean()
        if not data.get("household") and not (data.get("address") or "").strip():
            self.add_error("household", _("请选择房间，或填写居住地址"))
        return data


class PublicArrivalForm(PersonFields):
    """The form behind a unit's stairwell code: the room is picked from the unit's room
    numbers, or "not living in this unit" with an address."""

    OTHER = "other"

    room = forms.ChoiceField(label=_("您住的房间"))
    address = forms.CharField(
        label=_("居住地址"),
        max_length=200,
        required=False,
        help_text=_("不住本单元时填写，如“阳光路5号”"),
    )

    field_order = ["room", "address", "name", "id_number", "phone", "origin", "arrived_on"]

    def __init__(self, *args, rooms: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [
            ("", _("请选择")),
            *[(r, r) for r in rooms],
            (self.OTHER, _("不住本单元")),
        ]
        self.fields["phone"].required = True
        self.fields["id_number"].help_text = _("有身份证的请填写，末位X大小写均可")
        for field in self.fields.values():
            w = field.widget
            css = "form-select" if isinstance(w, forms.Select) else "form-control"
            w.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("room") == self.OTHER and not (data.get("address") or "").strip():
            self.add_error("address", _("不住本单元时请填写居住地址"))
        return data

    @property
    def room_value(self) -> str:
        room = self.cleaned_data.get("room", "")
        return "" if room == self.OTHER else room


class ArrivalFilterForm(forms.Form):
    date_from = forms.DateField(label=_("抵达日期从"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("至"), widget=DATE, required=False)
    level = forms.ChoiceField(label=_("来源地风险"), choices=LEVEL_FILTERS, required=False)
    source = forms.ChoiceField(
        label=_("登记来源"),
        choices=[("", _("全部来源")), *Arrival.Source.choices],
        required=False,
    )
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("姓名、电话或身份证后四位、来源地")
        for field in self.fields.values():
            w = field.widget
            css = "form-select" if isinstance(w, forms.Select) else "form-control"
            w.attrs.setdefault("class", f"{css} form-control-sm")


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("结束日期"), widget=DATE, required=False)

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        defaults = {"date_from": today - dt.timedelta(days=6), "date_to": today}
        if data is not None and not (data.get("date_from") or data.get("date_to")):
            data = None  # other filters only: the form shows the default week
        super().__init__(data, initial=defaults, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self):
        """A missing end is today; a missing start is six days before the end."""
        data = super().clean()
        if self.errors:
            return data
        end = data.get("date_to") or timezone.localdate()
        start = data.get("date_from") or end - dt.timedelta(days=6)
        if end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        elif (end - start).days >= REPORT_MAX_DAYS:
            self.add_error("date_to", _("一次最多统计 %(n)d 天") % {"n": REPORT_MAX_DAYS})
        data["date_from"], data["date_to"] = start, end
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen days, or the last seven when the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        return self.initial["date_from"], self.initial["date_to"]
