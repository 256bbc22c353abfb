"""Forms of the flagged-people pages: the list's filters (choices limited to the user's scope)
and the commander's decision. The rule that a measure differing from the proposal needs a
reason lives in services.decide_flag, whose errors are put back on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area

from .models import Campaign, Flag, Measure
from .rules import REASONS

DECIDED = (("", _("决定：全部")), ("no", _("待决定")), ("yes", _("已决定")))


def code_label(code: str) -> str:
    return str(REASONS.get(code, code))


class FlagFilterForm(BootstrapForm):
    """?q= name, ?campaign=, ?area= (a grid), ?code=, ?decided=yes|no."""

    q = forms.CharField(label=_("姓名"), max_length=50, required=False)
    campaign = forms.ModelChoiceField(
        label=_("排查任务"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("全部排查任务"),
    )
    area = forms.ModelChoiceField(
        label=_("网格"), queryset=Area.objects.none(), required=False, empty_label=_("全部网格")
    )
    code = forms.ChoiceField(label=_("原因"), required=False)
    decided = forms.ChoiceField(label=_("决定"), choices=DECIDED, required=False)

    def __init__(self, *args, user, campaigns, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["area"].queryset = Area.objects.for_user(user, VIEW).filter(
            level=Area.Level.GRID
        )
        known = {code: code_label(code) for code in REASONS}
        for code in codes:
            known.setdefault(code, code_label(code))
        self.fields["code"].choices = [("", _("全部原因")), *known.items()]

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class DecideForm(BootstrapForm):
    measure = forms.ChoiceField(label=_("决定措施"), choices=Measure.choices)
    decision_note = forms.CharField(
        label=_("决定理由"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("与建议措施不同时必须填写理由"),
    )

    def __init__(self, *args, flag: Flag, **kwargs):
        kwargs.setdefault(
            "initial",
            {"measure": flag.measure or flag.proposed, "decision_note": flag.decision_note},
        )
        super().__init__(*args, **kwargs)
