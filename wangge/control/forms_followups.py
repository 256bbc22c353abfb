"""Forms of the follow-up pages: recording one follow-up on a phone (temperature on a numeric
keypad, symptoms as checkboxes with "无", needs, note; a hidden client UUID per render so that a
double submit records once), and handling an alert."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models_followups import FollowUp, Symptom
from .services_followups import NO_SYMPTOMS

SYMPTOM_CHOICES = [(NO_SYMPTOMS, _("无")), *Symptom.choices]
NEEDS_SUGGESTIONS = (
    _("无"),
    _("需要买药"),
    _("需要生活物资"),
    _("需要就医"),
    _("需要心理疏导"),
    _("需要上门核酸"),
)
HANDLING_SUGGESTIONS = (
    _("已安排转运至发热门诊"),
    _("已电话询问，继续居家观察"),
    _("已安排上门核酸检测"),
    _("已报告社区卫生服务中心"),
    _("复测体温正常"),
)


class RecordForm(forms.Form):
    """One follow-up's answers. The values are checked by services_followups.record (range,
    number, unknown symptom); the form only asks for an answer on a symptoms round."""

    temperature = forms.CharField(
        label=_("体温（℃）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "placeholder": "36.5",
                "class": "form-control form-control-lg",
            }
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("症状"),
        required=False,
        choices=SYMPTOM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("未知症状：%(value)s")},
    )
    needs = forms.CharField(
        label=_("需求"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "list": "wg-needs"}),
    )
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, followup: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        self.followup = followup
        self.fields["client_uuid"].initial = uuid.uuid4
        if followup.kind == FollowUp.Kind.TEMPERATURE:
            self.fields["temperature"].widget.attrs["required"] = True
            self.fields["temperature"].widget.attrs["autofocus"] = True

    def clean_symptoms(self) -> list[str]:
        codes = self.cleaned_data["symptoms"]
        if NO_SYMPTOMS in codes and len(codes) > 1:
            raise forms.ValidationError(_("已选“无”时不能再选其他症状"))
        if self.followup.kind == FollowUp.Kind.SYMPTOMS and not codes:
            raise forms.ValidationError(_("请勾选症状；没有症状请勾选“无”"))
        return codes

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class HandleForm(forms.Form):
    handling = forms.CharField(
        label=_("处置情况"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "list": "wg-handling"}),
        error_messages={"required": _("请填写处置情况")},
    )

    def clean_handling(self) -> str:
        value = self.cleaned_data["handling"].strip()
        if not value:
            raise forms.ValidationError(_("请填写处置情况"))
        return value
