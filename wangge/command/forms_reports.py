"""Forms of the reports part: a grid leader's daily report, the cut-off setting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.people.forms import style_fields
from wangge.places.models import Area


class GridReportForm(forms.Form):
    grid = forms.ModelChoiceField(
        label=_("网格"),
        queryset=Area.objects.none(),
        error_messages={
            "required": _("请选择要报送的网格"),
            "invalid_choice": _("不能为该网格报送"),
        },
    )
    note = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("今日工作情况、需要协调的问题（可不填）")}
        ),
        error_messages={"max_length": _("情况说明最多 1000 字")},
    )

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids if grids is not None else Area.objects.none()
        style_fields(self)


class SettingsForm(forms.Form):
    cut_off = forms.TimeField(
        label=_("日报截止时间"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("每天到此时刻自动生成各级每日报告，此后报送的数据计入次日。"),
        error_messages={"required": _("请填写截止时间"), "invalid": _("时间格式应为 16:00")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
