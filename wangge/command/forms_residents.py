"""Forms of the residents' pages: a notice, the letter's draft (area, hotline) and the letter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services_residents import notice_areas


def _area_field(user) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=_("区域"),
        queryset=notice_areas(user),
        empty_label=_("请选择区域"),
        error_messages={
            "required": _("请选择区域"),
            "invalid_choice": _("请选择您负责范围内的区域"),
        },
    )
    field.label_from_instance = lambda a: f"{a.get_level_display()} {a.name}"
    field.widget.attrs["class"] = "form-select"
    return field


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}), max_length=5000
    )
    signed = forms.CharField(
        label=_("落款"), max_length=100, required=False, help_text=_("如：××社区疫情防控指挥部")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"area": _area_field(user), **self.fields}
        self.fields["area"].label = _("发布区域")
        for name in ("title", "body", "signed"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["title"].error_messages["required"] = _("请填写标题")
        self.fields["body"].error_messages["required"] = _("请填写正文")


class DraftForm(forms.Form):
    """The letter's draft: for which area, with which hotline (default: the grid leader)."""

    hotline = forms.CharField(
        label=_("保障热线"),
        max_length=40,
        required=False,
        help_text=_("留空时使用网格长电话（网格的信）"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"area": _area_field(user), **self.fields}
        self.fields["hotline"].widget.attrs["class"] = "form-control"


class LetterForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs={"rows": 16}), max_length=10000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "body"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["title"].error_messages["required"] = _("请填写标题")
        self.fields["body"].error_messages["required"] = _("请填写正文")
