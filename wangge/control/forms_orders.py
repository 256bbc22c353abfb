"""Forms of orders: the list's filters, placing (one person, a household, a selection, flags or
a testing round's positives), extending, releasing and cancelling. The forms parse input; the
rules (scope, overlap, a note for an early release) are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from .models import ControlOrder, OrderType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_DAYS = 365

STATUS_CHOICES = [
    ("", _("管控中")),
    (ControlOrder.Status.RELEASED, _("已解除")),
    (ControlOrder.Status.CANCELLED, _("已撤销")),
    ("all", _("全部状态")),
]
DUE_CHOICES = [
    ("", _("不限到期")),
    ("today", _("今日及以前到期")),
    ("soon", _("三日内到期")),
    ("overdue", _("已过期未解除")),
]
DOCS_CHOICES = [("", _("不限文书")), ("unserved", _("文书未送达"))]


class OrderFilterForm(BootstrapForm):
    q = forms.CharField(label=_("搜索"), max_length=50, required=False)
    grid = forms.ModelChoiceField(
        label=_("网格"), queryset=Area.objects.none(), required=False, empty_label=_("全部网格")
    )
    type = forms.ModelChoiceField(
        label=_("措施"),
        queryset=OrderType.objects.all(),
        required=False,
        empty_label=_("全部措施"),
        to_field_name="code",
    )
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[("", _("全部来源")), *ControlOrder.Source.choices],
        required=False,
    )
    docs = forms.ChoiceField(label=_("文书"), choices=DOCS_CHOICES, required=False)
    due = forms.ChoiceField(label=_("到期"), choices=DUE_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Area.objects.for_user(user, VIEW).filter(
            level=Area.Level.GRID
        )
        self.fields["grid"].error_messages["invalid_choice"] = _(
            "所选网格不存在或不在您的管辖范围内"
        )
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("姓名、身份证或手机号后四位"), "type": "search"}
        )

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def filters(self) -> dict:
        """Keyword arguments of services_orders.filter_orders."""
        data = self.cleaned_data
        return {
            "q": data["q"],
            "grid": data["grid"],
            "order_type": data["type"],
            "status": data["status"] or ControlOrder.Status.ACTIVE,
            "source": data["source"],
            "unserved": data["docs"] == "unserved",
            "due": data["due"],
        }


class WorkerField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} {obj.phone}".strip()


class PlaceForm(BootstrapForm):
    """Placing one person, a household or many. `fixed_type`: each person's type comes from its
    flag; `fixed_source`: the source comes from the flag or the tube; `own_reason`: each person
    has a reason of their own (a blank reason keeps it)."""

    order_type = forms.ModelChoiceField(
        label=_("管控措施"),
        queryset=OrderType.objects.all(),
        empty_label=None,
        error_messages={"required": _("请选择管控措施")},
    )
    starts_on = forms.DateField(
        label=_("开始日期"),
        widget=DATE,
        error_messages={"required": _("请填写开始日期"), "invalid": _("开始日期格式不正确")},
    )
    days = forms.IntegerField(
        label=_("期限（天）"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        help_text=_("留空按措施的默认期限（如居家隔离 14 天）"),
        error_messages={
            "invalid": _("期限请填写整数天数"),
            "min_value": _("期限至少 1 天"),
            "max_value": _("期限不能超过 365 天"),
        },
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        required=False,
        help_text=_("如：密接、混管阳性、中高风险地区返回"),
    )
    source = forms.ChoiceField(
        label=_("来源"), choices=ControlOrder.Source.choices, initial=ControlOrder.Source.MANUAL
    )
    source_ref = forms.CharField(
        label=_("来源说明"),
        max_length=200,
        required=False,
        help_text=_("如：试管条码、密接名单的名称和日期"),
    )
    worker = WorkerField(
        label=_("责任人（每日随访）"),
        queryset=None,
        required=False,
        empty_label=_("（不选，填写下方姓名电话）"),
    )
    worker_name = forms.CharField(label=_("责任人姓名"), max_length=50, required=False)
    worker_phone = forms.CharField(label=_("责任人电话"), max_length=30, required=False)

    def __init__(
        self,
        *args,
        workers,
        fixed_type: bool = False,
        fixed_source: bool = False,
        own_reason: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fixed_type, self.fixed_source, self.own_reason = fixed_type, fixed_source, own_reason
        self.fields["worker"].queryset = workers
        self.fields["worker"].error_messages["invalid_choice"] = _(
            "所选责任人不负责该区域，请重新选择"
        )
        if fixed_type:
            del self.fields["order_type"]
        if fixed_source:
            del self.fields["source"]
            del self.fields["source_ref"]
        if own_reason:
            self.fields["reason"].help_text = _("留空则使用各人员的发现原因")
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _("请填写原因")

    def clean_worker_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["worker_phone"])
        except NormalizationError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def place_kwargs(self) -> dict:
        """Keyword arguments of services_orders_bulk.place_candidates."""
        data = self.cleaned_data
        return {
            "order_type": data.get("order_type"),
            "source": data.get("source", ""),
            "source_ref": data.get("source_ref", ""),
            "reason": data["reason"],
            "starts_on": data["starts_on"],
            "days": data["days"],
            "worker": data["worker"],
            "worker_name": data["worker_name"].strip(),
            "worker_phone": data["worker_phone"],
        }


class ExtendForm(BootstrapForm):
    days = forms.IntegerField(
        label=_("延长天数"),
        min_value=1,
        max_value=MAX_DAYS,
        error_messages={
            "required": _("请填写延长天数"),
            "invalid": _("延长天数请填写整数"),
            "min_value": _("延长天数至少 1 天"),
            "max_value": _("延长天数不能超过 365 天"),
        },
    )
    reason = forms.CharField(
        label=_("延长原因"),
        max_length=120,
        error_messages={"required": _("请填写延长原因")},
        help_text=_("如：同住人员核酸阳性，重新计算隔离期"),
    )


class ReleaseForm(BootstrapForm):
    note = forms.CharField(
        label=_("解除说明"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, early: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if early:
            self.fields["note"].required = True
            self.fields["note"].label = _("提前解除依据")
            self.fields["note"].error_messages["required"] = _(
                "提前解除须注明依据（如指挥部决定、复核结果）"
            )


class CancelForm(BootstrapForm):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=200,
        error_messages={"required": _("请填写撤销原因")},
        help_text=_("如：误录、人员身份核实有误、上级通知撤销"),
    )
