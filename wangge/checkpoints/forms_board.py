"""Forms of the board part: a freight vehicle at entry, its exit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.places.forms import BootstrapForm

from .models import Checkpoint


class FreightForm(BootstrapForm):
    plate = forms.CharField(label=_("车牌号"), max_length=20)
    driver_name = forms.CharField(label=_("司机"), max_length=50)
    driver_phone = forms.CharField(
        label=_("司机电话"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    cargo = forms.CharField(label=_("货物"), max_length=100)
    origin = forms.CharField(label=_("出发地"), max_length=100)
    destination = forms.CharField(label=_("目的地"), max_length=100)
    escort = forms.CharField(label=_("押运/陪同"), max_length=100, required=False)
    expected_minutes = forms.IntegerField(
        label=_("预计停留（分钟）"), min_value=1, max_value=24 * 60, initial=120
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)


class FreightExitForm(BootstrapForm):
    checkpoint = forms.ModelChoiceField(label=_("出口卡口"), queryset=Checkpoint.objects.none())

    def __init__(self, *args, checkpoints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = checkpoints
