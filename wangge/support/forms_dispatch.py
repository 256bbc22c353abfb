"""Forms of the dispatch part: assigning a request (a worker and/or a route), making a route
from a building's or a selection's requests, and one form per request kind on the settings
page. The rules (who may, which worker, deadlines) are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SupportKind


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(
        label=_("承办人"), queryset=None, required=False, empty_label=_("（不指定）")
    )
    route = forms.ModelChoiceField(
        label=_("配送路线"), queryset=None, required=False, empty_label=_("（不编入路线）")
    )

    def __init__(self, *args, workers, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["route"].queryset = routes
        self.fields["worker"].error_messages["invalid_choice"] = _(
            "所选人员不存在、未在册或不属于该诉求所在区域"
        )
        self.fields["route"].error_messages["invalid_choice"] = _(
            "所选路线不存在或不属于该诉求所在区域"
        )
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        if not data.get("worker") and not data.get("route"):
            raise forms.ValidationError(_("请选择承办人或配送路线"))
        return data


class RouteForm(forms.Form):
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)
    requests = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(
        label=_("配送日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    worker = forms.ModelChoiceField(
        label=_("配送人员"),
        queryset=None,
        error_messages={
            "required": _("请选择配送人员"),
            "invalid_choice": _("所选人员不存在、未在册或不在您的管辖范围内"),
        },
    )
    name = forms.CharField(label=_("路线名称"), max_length=100, required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["name"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("留空自动命名")}
        )
        self.fields["day"].widget.attrs["class"] = "form-control form-control-sm"

    def clean_requests(self) -> list[int]:
        raw = self.cleaned_data.get("requests") or ""
        ids = [p for p in raw.replace(" ", ",").split(",") if p]
        if not all(p.isdigit() for p in ids):
            raise forms.ValidationError(_("所选诉求编号不正确"))
        return [int(p) for p in ids]

    def clean(self):
        data = super().clean()
        if not data.get("building") and not data.get("requests"):
            raise forms.ValidationError(_("请选择楼栋或至少一条诉求"))
        data["day"] = data.get("day") or timezone.localdate()
        return data


class KindForm(forms.ModelForm):
    class Meta:
        model = SupportKind
        fields = ["code", "name", "deadline_minutes", "is_medicine", "routable", "order", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            else:
                w.attrs.setdefault("class", "form-control form-control-sm")
