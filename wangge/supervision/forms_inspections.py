"""Forms of the inspections part: the lists' filters, recording an inspection on a phone (the
target, the checklist answered item by item, an optional first finding), adding a finding,
rectifying and verifying one, and the checklist settings. The forms parse input; the rules
are the services'."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import INSPECT, VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from . import services_inspections as svc
from .models import ChecklistItem, Finding, Inspection, TargetType
from .services_findings import default_deadline, owner_workers

MAX_PHOTO_BYTES = 10 * 1024 * 1024
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

FINDING_STATUS_CHOICES = [
    ("", _("全部状态")),
    ("open", _("待整改（含超期）")),
    ("overdue", _("已超期")),
    ("rectified", _("已整改待复查")),
    ("verified", _("复查通过")),
]


def _photo_field(label):
    return forms.ImageField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"invalid_image": _("请上传有效的图片文件")},
    )


def _check_photo(photo):
    if photo and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 10 MB"))
    return photo


def _deadline_field(required=False):
    return forms.DateTimeField(
        label=_("整改时限"),
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"invalid": _("请填写正确的时间"), "required": _("请填写整改时限")},
    )


class _Filter(BootstrapForm):
    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError(_("开始日期不能晚于结束日期"))
        return data


def _area_field(user, action=VIEW):
    field = forms.ModelChoiceField(
        label=_("区域"),
        queryset=Area.objects.for_user(user, action),
        required=False,
        empty_label=_("全部区域"),
    )
    field.error_messages["invalid_choice"] = _("所选区域不存在或不在您的管辖范围内")
    return field


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请填写正确的日期")},
    )


class InspectionFilterForm(_Filter):
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    target_type = forms.ChoiceField(
        label=_("对象类型"), choices=[("", _("全部类型")), *TargetType.choices], required=False
    )
    since = _date(_("开始日期"))
    until = _date(_("结束日期"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = _area_field(user)
        self.fields["area"].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("督查对象或督查人"), "type": "search"}
        )


class FindingFilterForm(_Filter):
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=FINDING_STATUS_CHOICES, required=False)
    owner = forms.CharField(label=_("责任人"), max_length=100, required=False)
    since = _date(_("开始日期"))
    until = _date(_("结束日期"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = _area_field(user)
        self.fields["area"].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("问题、督查对象或责任人"), "type": "search"}
        )
        self.fields["owner"].widget.attrs["placeholder"] = _("责任人姓名")


class FindingForm(BootstrapForm):
    """One finding. `optional`: the first finding on the inspection form, recorded only when a
    description is given."""

    item = forms.ModelChoiceField(
        label=_("检查内容"), queryset=ChecklistItem.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    severity = forms.ChoiceField(
        label=_("严重程度"),
        choices=Finding.Severity.choices,
        initial=Finding.Severity.MINOR,
        widget=forms.RadioSelect,
    )
    photo = _photo_field(_("现场照片"))
    owner_worker = forms.ModelChoiceField(
        label=_("整改责任人"), queryset=Finding.objects.none(), required=False
    )
    owner_name = forms.CharField(label=_("或填写责任人姓名"), max_length=100, required=False)
    owner_phone = forms.CharField(label=_("责任人电话"), max_length=20, required=False)
    deadline = _deadline_field()

    def __init__(self, *args, user, target_type, area, optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = svc.checklist(target_type)
        self.fields["item"].empty_label = _("（不对应清单项）")
        self.fields["item"].error_messages["invalid_choice"] = _("检查内容不存在")
        if area is not None:
            self.fields["owner_worker"].queryset = (
                owner_workers(area).for_user(user, VIEW).order_by("name")
            )
        self.fields["owner_worker"].empty_label = _("（选择工作人员）")
        self.fields["owner_worker"].error_messages["invalid_choice"] = _(
            "整改责任人不是该区域的在册工作人员"
        )
        self.fields["severity"].widget.attrs["class"] = "form-check-input"
        self.fields["description"].error_messages["required"] = _("请填写问题描述")
        self.fields["deadline"].initial = timezone.localtime(default_deadline()).strftime(
            DATETIME_LOCAL
        )
        if optional:
            for field in self.fields.values():
                field.required = False

    def clean_photo(self):
        return _check_photo(self.cleaned_data.get("photo"))

    def finding_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "item",
                "description",
                "severity",
                "owner_worker",
                "owner_name",
                "owner_phone",
                "deadline",
                "photo",
            )
        }


class InspectionForm(BootstrapForm):
    """Recording an inspection: the area, the target (a record of the type, or a name), day or
    night, the checklist answers (check_<item id>: ok / problem / na) and a note."""

    area = forms.ModelChoiceField(label=_("所属区域"), queryset=Area.objects.none(), required=False)
    target = forms.ModelChoiceField(
        label=_("督查对象"), queryset=Area.objects.none(), required=False
    )
    target_name = forms.CharField(label=_("或填写对象名称"), max_length=200, required=False)
    shift = forms.ChoiceField(
        label=_("时段"),
        choices=Inspection.Shift.choices,
        initial=Inspection.Shift.DAY,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("督查说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, target_type, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["area"].queryset = Area.objects.for_user(user, INSPECT)
        self.fields["area"].empty_label = _("（按督查对象所在区域）")
        self.fields["area"].error_messages["invalid_choice"] = _(
            "所选区域不存在或不在您的督查范围内"
        )
        records = svc.target_records(target_type)
        if records is None:
            del self.fields["target"]
        else:
            self.fields["target"].queryset = records.for_user(user, INSPECT).order_by("name")
            self.fields["target"].empty_label = _("（选择%(type)s）") % {
                "type": TargetType(target_type).label
            }
            self.fields["target"].error_messages["invalid_choice"] = _(
                "督查对象不存在或不在您的督查范围内"
            )
        self.fields["shift"].widget.attrs["class"] = "form-check-input"
        self.fields["client_uuid"].initial = uuid.uuid4()
        for item in self.items:
            self.fields[f"check_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=list(svc.CHECK_VALUES.items()),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )

    def check_fields(self):
        return [(item, self[f"check_{item.pk}"]) for item in self.items]

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target is not None and data.get("area") is None:
            data["area"] = target.area
        if data.get("area") is None and not self.errors.get("area"):
            self.add_error("area", _("请选择督查对象所在的区域"))
        return data

    def answers(self) -> dict:
        return {
            str(item.pk): self.cleaned_data.get(f"check_{item.pk}") or ""
            for item in self.items
            if self.cleaned_data.get(f"check_{item.pk}")
        }


class RectifyForm(BootstrapForm):
    note = forms.CharField(
        label=_("整改情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写整改情况")},
    )
    photo = _photo_field(_("整改照片"))

    def clean_photo(self):
        return _check_photo(self.cleaned_data.get("photo"))


class VerifyForm(BootstrapForm):
    result = forms.ChoiceField(
        label=_("复查结果"),
        choices=[("pass", _("复查通过")), ("return", _("退回重新整改"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复查结果")},
    )
    note = forms.CharField(label=_("复查意见"), max_length=200, required=False)
    deadline = _deadline_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].widget.attrs["class"] = "form-check-input"
        self.fields["deadline"].label = _("新的整改时限（退回时填写）")


class ChecklistItemForm(BootstrapForm):
    text = forms.CharField(
        label=_("检查内容"), max_length=200, error_messages={"required": _("请填写检查内容")}
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
