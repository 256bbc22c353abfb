"""Forms of the planning pages. They parse input and limit dropdowns to the user's scope; the
rules (hours, pool size, rates, buildings inside the round's area) live in services_plan, whose
errors are put back on the form."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import CHANGE, ancestor_paths
from wangge.people.models import SpecialGroup
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area, Building, Estate

from .models import DoorTeam, Round, SamplingPoint

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _area_label(area: Area) -> str:
    return f"{area.name}（{area.get_level_display()}）"


class RoundForm(BootstrapForm):
    area = forms.ModelChoiceField(label=_("检测区域"), queryset=Area.objects.none())
    number = forms.IntegerField(
        label=_("轮次"), required=False, help_text=_("留空则自动取该区域的下一轮")
    )
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME)
    end_time = forms.TimeField(label=_("结束时间"), widget=TIME)
    target = forms.ChoiceField(label=_("检测对象"), choices=Round.Target.choices)
    target_buildings = forms.ModelMultipleChoiceField(
        label=_("指定楼栋"),
        queryset=Building.objects.none(),
        required=False,
        help_text=_("检测对象为“指定楼栋”时选择，可多选"),
    )
    target_group = forms.ChoiceField(
        label=_("特殊人群类别"),
        choices=[("", _("（不限）")), *SpecialGroup.Kind.choices],
        required=False,
    )
    pool_size = forms.TypedChoiceField(
        label=_("混采人数"), coerce=int, choices=Round._meta.get_field("pool_size").choices
    )
    slot_minutes = forms.IntegerField(label=_("每批时长（分钟）"), initial=20)

    def __init__(self, *args, user, instance: Round | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.for_user(user, CHANGE).filter(level__gte=Area.Level.STREET)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = _area_label
        buildings = Building.objects.for_user(user, CHANGE).select_related("estate")
        if instance is not None:
            del self.fields["area"]
            buildings = buildings.within(instance.area.path)
        self.fields["target_buildings"].queryset = buildings.order_by(
            "estate__name", "sort_key", "number"
        )
        self.fields["target_buildings"].widget.attrs["size"] = 8


class PointForm(BootstrapForm):
    number = forms.IntegerField(label=_("编号"), required=False, help_text=_("留空则自动编号"))
    name = forms.CharField(
        label=_("名称"), max_length=100, required=False, help_text=_("留空则为“N号采样点”")
    )
    location = forms.CharField(
        label=_("位置"), max_length=200, required=False, help_text=_("例如 阳光小区北门")
    )
    area = forms.ModelChoiceField(label=_("所在区域"), queryset=Area.objects.none())
    estate = forms.ModelChoiceField(
        label=_("所在小区"), queryset=Estate.objects.none(), required=False
    )
    leader_name = forms.CharField(label=_("点长"), max_length=50, required=False)
    leader_phone = forms.CharField(label=_("点长电话"), max_length=20, required=False)
    opens_at = forms.TimeField(
        label=_("开始时间"), required=False, widget=TIME, help_text=_("留空则与本轮相同")
    )
    closes_at = forms.TimeField(label=_("结束时间"), required=False, widget=TIME)

    def __init__(self, *args, rnd: Round, **kwargs):
        super().__init__(*args, **kwargs)
        path = rnd.area.path
        self.fields["area"].queryset = Area.objects.filter(path__startswith=path)
        self.fields["area"].label_from_instance = _area_label
        self.fields["estate"].queryset = Estate.objects.filter(
            Q(scope_path__startswith=path) | Q(scope_path__in=ancestor_paths(path))
        )


class TableForm(BootstrapForm):
    number = forms.IntegerField(label=_("台号"), required=False, help_text=_("留空则自动编号"))
    leader_name = forms.CharField(label=_("台长"), max_length=50, required=False)
    leader_phone = forms.CharField(label=_("台长电话"), max_length=20, required=False)
    rate_per_hour = forms.IntegerField(
        label=_("每小时采样人数"), initial=88, help_text=_("默认每台每小时 88 人")
    )


class TeamForm(BootstrapForm):
    name = forms.CharField(label=_("组名"), max_length=100)
    area = forms.ModelChoiceField(label=_("负责区域"), queryset=Area.objects.none())
    leader_name = forms.CharField(label=_("组长"), max_length=50, required=False)
    leader_phone = forms.CharField(label=_("组长电话"), max_length=20, required=False)
    members = forms.CharField(
        label=_("组员"), max_length=200, required=False, help_text=_("姓名，用逗号分隔")
    )

    def __init__(self, *args, rnd: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(path__startswith=rnd.area.path)
        self.fields["area"].label_from_instance = _area_label


class SlotMoveForm(BootstrapForm):
    point = forms.ModelChoiceField(label=_("采样点"), queryset=SamplingPoint.objects.none())
    start = forms.TimeField(
        label=_("开始时间"),
        widget=TIME,
        help_text=_("调整后该时段标记为人工调整，重新生成排班时保留。"),
    )

    def __init__(self, *args, rnd: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = rnd.points.order_by("number")


class VisitTeamForm(BootstrapForm):
    team = forms.ModelChoiceField(
        label=_("上门采样组"),
        queryset=DoorTeam.objects.none(),
        required=False,
        empty_label=_("（未分配）"),
    )

    def __init__(self, *args, rnd: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = rnd.door_teams.order_by("name")
