"""The dashboard of an area or building: counts per child as a table and as ECharts options."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.people.models import LeaderAssignment, SpecialGroup

from .models import Area, Building, Unit
from .queries import Breakdown, NodeCounts, breakdown, child_nodes, unit_nodes


@dataclass
class ChildRow:
    label: str
    url: str
    kind: str
    counts: NodeCounts


def _label(node) -> str:
    if isinstance(node, Building):
        return str(node)  # with the estate's name: a grid may span several estates
    if isinstance(node, Unit):
        return _("%(n)s单元") % {"n": node.number}
    return node.name


def _url(node) -> str:
    if isinstance(node, Building):
        return reverse("places:building_detail", args=[node.pk])
    if isinstance(node, Unit):
        return reverse("places:household_list") + f"?unit={node.pk}"
    return reverse("places:area_detail", args=[node.pk])


def _kind(node) -> str:
    if isinstance(node, Building):
        return _("楼栋")
    if isinstance(node, Unit):
        return _("单元")
    return node.get_level_display()


def node_dashboard(user, prefix: str, nodes: list) -> dict:
    """Template context: `total`, `child_rows`, `special_rows`, `leader_rows` and `charts`."""
    bd: Breakdown = breakdown(user, prefix)
    rows = [ChildRow(_label(n), _url(n), str(_kind(n)), bd.get(key)) for key, n in nodes]
    special_rows = [
        (str(label), bd.total.special[kind])
        for kind, label in SpecialGroup.Kind.choices
        if bd.total.special.get(kind)
    ]
    leader_rows = [
        (str(label), bd.total.leaders[role])
        for role, label in LeaderAssignment.Role.choices
        if bd.total.leaders.get(role)
    ]
    return {
        "total": bd.total,
        "child_rows": rows,
        "special_rows": special_rows,
        "leader_rows": leader_rows,
        "charts": charts(rows, special_rows, leader_rows),
    }


def area_dashboard(user, area: Area) -> dict:
    return node_dashboard(user, area.path, child_nodes(user, area))


def building_dashboard(user, building: Building) -> dict:
    return node_dashboard(user, building.scope_path, unit_nodes(user, building))


def charts(rows: list[ChildRow], special_rows, leader_rows) -> dict:
    """ECharts options (plain JSON-able dicts); empty charts are left out."""
    out = {}
    if rows:
        out["people"] = {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 8, "bottom": 8, "top": 32, "containLabel": True},
            "xAxis": {
                "type": "category",
                "data": [r.label for r in rows],
                "axisLabel": {
                    "rotate": 40 if len(rows) > 3 else 0,
                    "interval": 0,
                    "width": 80,
                    "overflow": "truncate",
                },
            },
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": _("人数"), "type": "bar", "data": [r.counts.people for r in rows]},
                {"name": _("户数"), "type": "bar", "data": [r.counts.households for r in rows]},
            ],
        }
    if special_rows:
        out["special"] = {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0, "type": "scroll"},
            "series": [
                {
                    "name": _("特殊人群"),
                    "type": "pie",
                    "radius": ["35%", "62%"],
                    "center": ["50%", "45%"],
                    "label": {"show": False},
                    "data": [{"name": label, "value": n} for label, n in special_rows],
                }
            ],
        }
    if leader_rows:
        out["leaders"] = {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 8, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {
                "type": "category",
                "inverse": True,
                "data": [label for label, _n in leader_rows],
            },
            "series": [
                {"name": _("负责人"), "type": "bar", "data": [n for _label, n in leader_rows]}
            ],
        }
    return out
