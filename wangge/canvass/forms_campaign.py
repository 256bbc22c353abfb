"""Campaign forms. A new campaign: its area (a street, community or grid the user may change),
what it covers (the whole area, estates, buildings or the households of a special group), its
dates and methods, the daily close and the look-back of travel history, and its questionnaire
(a ready one from the library or one the user can see). Editing changes everything but the
area, the target and the questionnaire. The rules themselves are services.create_campaign's;
its errors go back onto the form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.scope import CHANGE
from wangge.people.forms import style_fields
from wangge.people.models import SpecialGroup
from wangge.places.models import Area, Building, Estate

from .library import LIBRARY
from .models import Campaign, Method, Questionnaire

LEVELS = (Area.Level.STREET, Area.Level.COMMUNITY, Area.Level.GRID)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
EDIT_FIELDS = ("name", "starts_on", "ends_on", "methods", "close_time", "lookback_days")


def campaign_areas(user):
    """Streets, communities and grids where `user` may start a campaign (CHANGE)."""
    return Area.objects.for_user(user, CHANGE).filter(level__in=LEVELS).order_by("path")


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        indent = "\u3000" * max(obj.level - Area.Level.STREET, 0)
        return f"{indent}{obj.name}（{obj.get_level_display()}）"


class EstateChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Estate) -> str:
        return f"{obj.name}（{obj.area.name}）"


class BuildingChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj}（{obj.area.name}）"


class CampaignEditForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("任务名称"),
        max_length=100,
        help_text=gettext_lazy("例如 入延人员排查 3月26日"),
    )
    starts_on = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=DATE)
    methods = forms.MultipleChoiceField(
        label=gettext_lazy("排查方式"),
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("至少选择一种排查方式")},
    )
    close_time = forms.TimeField(
        label=gettext_lazy("日查日清时间"),
        widget=TIME,
        initial=dt.time(20, 0),
        help_text=gettext_lazy("每天到这个时间统计当天未排查到的住户"),
    )
    lookback_days = forms.IntegerField(
        label=gettext_lazy("旅居史追溯天数"),
        min_value=1,
        max_value=60,
        initial=14,
        help_text=gettext_lazy("到过风险地区的时间在走访前这么多天以内的，列入排查发现"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        return {f: getattr(campaign, f) for f in EDIT_FIELDS}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("结束日期不能早于开始日期"))
        return data

    def campaign_values(self) -> dict:
        return {f: self.cleaned_data[f] for f in EDIT_FIELDS}


class CampaignForm(CampaignEditForm):
    area = AreaChoice(label=gettext_lazy("排查区域"), queryset=Area.objects.none())
    target = forms.ChoiceField(
        label=gettext_lazy("排查对象"),
        choices=Campaign.Target.choices,
        initial=Campaign.Target.AREA,
        widget=forms.RadioSelect,
    )
    target_estates = EstateChoice(
        label=gettext_lazy("指定小区"),
        queryset=Estate.objects.none(),
        required=False,
        help_text=gettext_lazy("排查对象为“指定小区”时选择，可多选"),
    )
    target_buildings = BuildingChoice(
        label=gettext_lazy("指定楼栋"),
        queryset=Building.objects.none(),
        required=False,
        help_text=gettext_lazy("排查对象为“指定楼栋”时选择，可多选"),
    )
    target_group = forms.ChoiceField(
        label=gettext_lazy("特殊人群类别"),
        choices=[("", "---------"), *SpecialGroup.Kind.choices],
        required=False,
        help_text=gettext_lazy("排查对象为“有特殊人群的住户”时选择"),
    )
    library = forms.ChoiceField(
        label=gettext_lazy("使用问卷库中的问卷"),
        choices=[(key, ready.name) for key, ready in LIBRARY.items()],
        required=False,
        widget=forms.RadioSelect,
    )
    questionnaire = forms.ModelChoiceField(
        label=gettext_lazy("已有问卷"),
        queryset=Questionnaire.objects.none(),
        required=False,
        help_text=gettext_lazy("本任务使用该问卷的一份副本，之后修改原问卷不影响本任务"),
    )
    field_order = [
        "area",
        "name",
        "target",
        "target_estates",
        "target_buildings",
        "target_group",
        "starts_on",
        "ends_on",
        "methods",
        "close_time",
        "lookback_days",
        "library",
        "questionnaire",
    ]

    def __init__(self, *args, user, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        areas = campaign_areas(user)
        self.fields["area"].queryset = areas
        if areas.count() == 1 and not self.is_bound:
            self.initial.setdefault("area", areas.first())
        buildings = Building.objects.for_user(user, CHANGE)
        self.fields["target_estates"].queryset = (
            Estate.objects.filter(pk__in=buildings.values("estate")).select_related("area")
        ).order_by("name")
        self.fields["target_buildings"].queryset = buildings.select_related(
            "estate", "area"
        ).order_by("area__path", "estate__name", "sort_key", "number")
        self.fields["questionnaire"].queryset = questionnaires.select_related("area")
        for name in ("target_estates", "target_buildings"):
            self.fields[name].widget.attrs["size"] = 6
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("starts_on", today)
            self.initial.setdefault("ends_on", today + dt.timedelta(days=6))
            self.initial.setdefault("methods", list(Method.values))

    def clean(self):
        data = super().clean()
        area = data.get("area")
        target = data.get("target")
        if area is not None:
            outside = [
                e.name for e in data.get("target_estates") or [] if not _has_building(e, area)
            ]
            if outside and target == Campaign.Target.ESTATES:
                self.add_error(
                    "target_estates",
                    _("这些小区不在排查区域内：%(names)s") % {"names": "、".join(outside)},
                )
            outside = [
                str(b)
                for b in data.get("target_buildings") or []
                if not b.scope_path.startswith(area.path)
            ]
            if outside and target == Campaign.Target.BUILDINGS:
                self.add_error(
                    "target_buildings",
                    _("这些楼栋不在排查区域内：%(names)s") % {"names": "、".join(outside)},
                )
        if target == Campaign.Target.ESTATES and not data.get("target_estates"):
            self.add_error("target_estates", _("请选择要排查的小区"))
        if target == Campaign.Target.BUILDINGS and not data.get("target_buildings"):
            self.add_error("target_buildings", _("请选择要排查的楼栋"))
        if target == Campaign.Target.SPECIAL_GROUP and not data.get("target_group"):
            self.add_error("target_group", _("请选择特殊人群类别"))
        chosen = data.get("questionnaire")
        if not data.get("library") and chosen is None and "questionnaire" not in self.errors:
            self.add_error("library", _("请选择问卷库中的问卷，或选择一份已有问卷"))
        elif not data.get("library") and chosen is not None and not chosen.questions.exists():
            self.add_error("questionnaire", _("该问卷还没有题目"))
        return data

    def target_values(self) -> dict:
        """The target's fields for create_campaign (only those of the chosen target)."""
        data = self.cleaned_data
        target = data["target"]
        return {
            "target": target,
            "target_group": data["target_group"] if target == Campaign.Target.SPECIAL_GROUP else "",
            "estates": list(data["target_estates"]) if target == Campaign.Target.ESTATES else [],
            "buildings": (
                list(data["target_buildings"]) if target == Campaign.Target.BUILDINGS else []
            ),
        }


def _has_building(estate: Estate, area: Area) -> bool:
    return Building.objects.filter(estate=estate, scope_path__startswith=area.path).exists()
