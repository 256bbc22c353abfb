"""Forms of the measures' settings page: one form per level, measure and follow-up rule (and
one to add each). The rules (who may, a colour, 1–60 days) are services_settings'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DesignationLevel, OrderType
from .models_followups import FollowUpRule


class _Bootstrap:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select form-select-sm")
            else:
                w.attrs.setdefault("class", "form-control form-control-sm")


class LevelForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = DesignationLevel
        fields = ["code", "name", "rank", "seals", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True


class OrderTypeForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = OrderType
        fields = ["code", "name", "kind", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["kind"].disabled = True


class RuleForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = FollowUpRule
        fields = ["order_type", "kind", "label", "due_time"]
        widgets = {"due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        error_messages = {"due_time": {"invalid": _("时间格式不正确，如 10:00")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_type"].empty_label = None
