"""A form field choosing one place (area, command zone, building or unit) among those in a scope.

Used by the leader forms and the role assignment forms. Values are ``a:<id>``, ``z:<id>``,
``b:<id>`` and ``u:<id>``; choices are grouped by kind. Buildings and units are listed only when
their number is manageable, or below an area the user chose first (`within`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.places.models import Area, Building, CommandZone, Unit

# Above this many buildings in scope, buildings and units are listed only below a chosen area.
MAX_LISTED_BUILDINGS = 300


@dataclass
class Place:
    area: Area | None = None
    building: Building | None = None
    unit: Unit | None = None
    command_zone: CommandZone | None = None

    @property
    def obj(self):
        return self.unit or self.building or self.command_zone or self.area

    @property
    def path(self) -> str:
        obj = self.obj
        return obj.path if isinstance(obj, Area) else obj.scope_path

    def as_kwargs(self) -> dict:
        """Only the set foreign keys, for LeaderAssignment / RoleAssignment constructors."""
        return {
            k: v
            for k, v in (
                ("area", self.area),
                ("building", self.building),
                ("unit", self.unit),
                ("command_zone", self.command_zone),
            )
            if v
        }


def place_value(obj) -> str:
    prefix = {Area: "a", CommandZone: "z", Building: "b", Unit: "u"}[type(obj)]
    return f"{prefix}:{obj.pk}"


class PlaceChoiceField(forms.ChoiceField):
    """Choose a place within `user`'s scope for `action`."""

    def __init__(
        self,
        *,
        user=None,
        action: str = "change",
        within: Area | None = None,
        kinds: str = "azbu",
        **kwargs,
    ):
        kwargs.setdefault("label", _("负责范围"))
        super().__init__(**kwargs)
        self.user, self.action, self.within, self.kinds = user, action, within, kinds
        self.querysets = self._querysets()
        self.choices = [("", "---------"), *self._grouped()]

    def _querysets(self) -> dict:
        qs = {
            "a": Area.objects.for_user(self.user, self.action).order_by("path"),
            "z": CommandZone.objects.for_user(self.user, self.action).order_by("name"),
            "b": Building.objects.for_user(self.user, self.action).select_related("estate", "area"),
            "u": Unit.objects.for_user(self.user, self.action).select_related(
                "building__estate", "building__area"
            ),
        }
        if self.within is not None:
            qs["b"] = qs["b"].within(self.within.path)
            qs["u"] = qs["u"].within(self.within.path)
        return {k: v for k, v in qs.items() if k in self.kinds}

    def lists_buildings(self) -> bool:
        if "b" not in self.querysets:
            return False
        return self.within is not None or self.querysets["b"].count() <= MAX_LISTED_BUILDINGS

    def _grouped(self) -> list:
        groups = []
        labels = {"a": _("区域"), "z": _("指挥区"), "b": _("楼栋"), "u": _("单元")}
        listed = self.lists_buildings()
        for kind, qs in self.querysets.items():
            if kind in "bu" and not listed:
                continue
            options = [(f"{kind}:{obj.pk}", self._label(kind, obj)) for obj in qs]
            if options:
                groups.append((labels[kind], options))
        return groups

    @staticmethod
    def _label(kind: str, obj) -> str:
        if kind == "a":
            return "　" * max(obj.level - 1, 0) + f"{obj.name}（{obj.get_level_display()}）"
        if kind == "b":
            return f"{obj}（{obj.area.name}）"
        if kind == "u":
            return f"{obj}（{obj.building.area.name}）"
        return str(obj)

    def valid_value(self, value) -> bool:
        return self._lookup(value) is not None

    def _lookup(self, value):
        kind, _sep, pk = str(value).partition(":")
        if kind not in self.querysets or not pk.isdigit():
            return None
        return self.querysets[kind].filter(pk=int(pk)).first()

    def clean(self, value) -> Place | None:
        value = super().clean(value)
        if not value:
            return None
        obj = self._lookup(value)
        kind = value.split(":", 1)[0]
        if kind == "a":
            return Place(area=obj)
        if kind == "z":
            return Place(command_zone=obj, area=obj.street)
        if kind == "b":
            return Place(building=obj, area=obj.area)
        return Place(unit=obj, building=obj.building, area=obj.building.area)
