"""Forms of the review queue and the merged list: the list's filters, a decision on a pair, the
hand-over to control (the people selected, or none for "all new of the day", and the measure)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.control.models import OrderType
from wangge.core.scope import VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from .models import ListKind

DECISIONS = [
    ("merged", _("同一人")),
    ("distinct", _("不是同一人")),
    ("later", _("稍后再定")),
]
MEASURE_CHOICES = [("", _("全部管控状态")), ("yes", _("已管控")), ("no", _("未管控"))]


class MergedFilterForm(BootstrapForm):
    day = forms.DateField(
        label=_("名单日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式应为 2022-04-01")},
    )
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("名单类型"), choices=[("", _("全部类型")), *ListKind.choices], required=False
    )
    area = forms.ModelChoiceField(
        label=_("区域"), queryset=Area.objects.none(), required=False, empty_label=_("全部区域")
    )
    measure = forms.ChoiceField(label=_("管控"), choices=MEASURE_CHOICES, required=False)
    new = forms.BooleanField(label=_("只看新增"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_user(user, VIEW).filter(
            level__gte=Area.Level.STREET
        )
        self.fields["area"].error_messages["invalid_choice"] = _(
            "所选区域不存在或不在您的管辖范围内"
        )
        self.fields["kind"].error_messages["invalid_choice"] = _("名单类型不正确")
        self.fields["measure"].error_messages["invalid_choice"] = _("管控状态不正确")
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("姓名、身份证或电话后四位"), "type": "search"}
        )

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(n) for n in self.fields if n != "day")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=DECISIONS,
        error_messages={"required": _("请选择核对结果"), "invalid_choice": _("核对结果不正确")},
    )


class HandoverForm(BootstrapForm):
    """`person`: ContactPerson ids (none: every new person of `day` not yet handed over)."""

    day = forms.DateField(
        label=_("名单日期"),
        required=False,
        error_messages={"invalid": _("日期格式应为 2022-04-01")},
    )
    order_type = forms.ModelChoiceField(
        label=_("管控措施"),
        queryset=OrderType.objects.all(),
        required=False,
        empty_label=_("按名单类型（密接集中隔离，次密接居家隔离）"),
        error_messages={"invalid_choice": _("所选管控措施不存在")},
    )
    person = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("所选人员不正确")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the view keeps only those the user may change.
        self.fields["person"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("day") and "day" not in self.errors:
            raise forms.ValidationError(_("请勾选要移交的人员，或选择名单日期移交当日新增人员"))
        return data
