"""Forms of support requests: the list's filters, filing a request (a worker for a household,
or the household from its public page), and the steps of the loop (delivered with who, a note
and a photo; closed or cancelled with a reason). The forms parse input; the rules (a medicine
name for medicine, which step when) are the services'."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from .models import SupportKind, SupportRequest

MAX_PHOTO_BYTES = 10 * 1024 * 1024

STATUS_CHOICES = [
    ("", _("未办结")),
    ("overdue", _("已超时")),
    ("done", _("已完成")),
    ("all", _("全部状态")),
    *SupportRequest.Status.choices,
]
ACTIONS = ("accept", "on_way", "deliver", "confirm", "close", "cancel")


class RequestFilterForm(BootstrapForm):
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    kind = forms.ModelChoiceField(
        label=_("类型"),
        queryset=SupportKind.objects.all(),
        required=False,
        empty_label=_("全部类型"),
        to_field_name="code",
    )
    grid = forms.ModelChoiceField(
        label=_("网格"), queryset=Area.objects.none(), required=False, empty_label=_("全部网格")
    )
    priority = forms.BooleanField(label=_("只看优先"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Area.objects.for_user(user, VIEW).filter(
            level=Area.Level.GRID
        )
        self.fields["grid"].error_messages["invalid_choice"] = _(
            "所选网格不存在或不在您的管辖范围内"
        )
        self.fields["kind"].error_messages["invalid_choice"] = _("所选诉求类型不存在")
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("户号、户主、电话后四位或诉求内容"), "type": "search"}
        )

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class RequestForm(BootstrapForm):
    """Filing a request. With `people` (a worker's form) the person asking may be chosen."""

    kind = forms.ModelChoiceField(
        label=_("诉求类型"),
        queryset=SupportKind.objects.filter(active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择诉求类型"), "invalid_choice": _("请选择诉求类型")},
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=SupportRequest.Urgency.choices,
        initial=SupportRequest.Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择紧急程度"), "invalid_choice": _("请选择紧急程度")},
    )
    text = forms.CharField(
        label=_("诉求内容"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("需要什么、多少，方便配送的时间等"),
        error_messages={"max_length": _("诉求内容不能超过 500 字")},
    )
    medicine_name = forms.CharField(
        label=_("药品名称"),
        max_length=100,
        required=False,
        help_text=_("药品类诉求必填，可写多种药，用逗号分隔"),
    )
    prescription_needed = forms.BooleanField(label=_("需要处方"), required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        self.fields["urgency"].widget.attrs["class"] = "form-check-input"
        if people is not None:
            self.fields["person"] = forms.ModelChoiceField(
                label=_("求助人"),
                queryset=people,
                required=False,
                empty_label=_("（不指定）"),
                widget=forms.Select(attrs={"class": "form-select"}),
                error_messages={"invalid_choice": _("求助人不是该住户的在住人员")},
            )
        self.fields["client_uuid"].initial = uuid.uuid4

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind is not None and kind.is_medicine and not cleaned.get("medicine_name", "").strip():
            self.add_error("medicine_name", _("药品类诉求请填写药品名称"))
        return cleaned


class StepForm(BootstrapForm):
    """One step of the loop, named by `action`; its other fields are used by the steps that
    need them (deliver: who, note, photo; close/cancel: reason)."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ACTIONS],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("未知操作"), "required": _("未知操作")},
    )
    delivered_by = forms.CharField(label=_("送达人"), max_length=50, required=False)
    note = forms.CharField(label=_("送达说明"), max_length=200, required=False)
    photo = forms.ImageField(
        label=_("送达照片"),
        required=False,
        error_messages={
            "invalid_image": _("请上传 JPG 或 PNG 格式的照片"),
        },
    )
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("照片不能超过 10 MB"))
        return photo

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in ("close", "cancel") and not cleaned.get("reason", "").strip():
            message = _("请填写办结说明") if action == "close" else _("请填写撤销原因")
            self.add_error("reason", message)
        return cleaned
