"""Forms of the paperwork pages: recording one document of one order served or taken off, and
recording a document served for a selection of orders; the rows of one order's page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .documents import PRINTABLE
from .models import ControlOrder, OrderDocument

Kind = OrderDocument.Kind
REMOVABLE = (Kind.DOOR_SIGN, Kind.SEAL)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=10)
SERVE_LABELS = {
    Kind.NOTICE: _("登记送达"),
    Kind.COMMITMENT: _("登记已签"),
    Kind.DOOR_SIGN: _("登记张贴"),
    Kind.SEAL: _("登记贴封条"),
}
REMOVE_LABELS = {
    Kind.DOOR_SIGN: _("登记撤牌"),
    Kind.SEAL: _("登记揭封条"),
}


class DocumentActionForm(forms.Form):
    """One document of one order: served (handed over, signed, put up) or taken off."""

    SERVE, REMOVE = "serve", "remove"

    action = forms.ChoiceField(
        label=_("操作"), choices=[(SERVE, _("登记送达/张贴")), (REMOVE, _("登记撤除"))]
    )
    kind = forms.ChoiceField(label=_("文书"), choices=Kind.choices)
    at = forms.DateTimeField(
        label=_("时间"),
        required=False,
        help_text=_("不填为当前时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("时间格式不正确，例如 2022-04-01 09:30")},
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, order, **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at is None:
            return None
        if at > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("时间不能晚于现在"))
        if timezone.localdate(at) < self.order.starts_on:
            raise forms.ValidationError(
                _("时间不能早于措施开始日期 %(day)s") % {"day": self.order.starts_on}
            )
        return at

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REMOVE and data.get("kind") not in (None, *REMOVABLE):
            self.add_error("kind", _("只有隔离牌和封条需要登记撤除"))
        return data


class ServeSelectionForm(forms.Form):
    """A document served for each of a selection of orders (the pending list's checkboxes)."""

    kind = forms.MultipleChoiceField(
        label=_("文书"),
        choices=Kind.choices,
        error_messages={
            "required": _("请选择要登记的文书"),
            "invalid_choice": _("文书类别不正确：%(value)s"),
        },
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


def document_rows(order: ControlOrder, docs: dict[str, OrderDocument], can_record: bool):
    """The rows of one order's page: each kind with its document and what may be done."""
    active = order.status == ControlOrder.Status.ACTIVE
    rows = []
    for kind, label in Kind.choices:
        doc = docs.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "doc": doc,
                "printable": kind in PRINTABLE,
                "serve_label": SERVE_LABELS[kind],
                "can_serve": can_record and active and doc is None,
                "remove_label": REMOVE_LABELS.get(kind, ""),
                "can_remove": can_record
                and kind in REMOVABLE
                and doc is not None
                and doc.removed_at is None,
            }
        )
    return rows
