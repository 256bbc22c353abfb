"""The five-level chain: areas (city → grid), command zones, estates, buildings, units,
households."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel, ScopedQuerySet


class AreaQuerySet(ScopedQuerySet):
    scope_field = "path"


class Area(models.Model):
    """One node of the administrative tree. `path` is ``/<root id>/…/<own id>/``."""

    class Level(models.IntegerChoices):
        CITY = 1, _("市")
        DISTRICT = 2, _("区/县")
        STREET = 3, _("街道/乡镇")
        COMMUNITY = 4, _("社区/村")
        GRID = 5, _("网格")

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    wechat_group = models.CharField(_("微信群"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = self.compute_path()
        if path != self.path:
            self.path = path
            Area.objects.filter(pk=self.pk).update(path=path)

    @property
    def scope_path(self) -> str:
        return self.path

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    def ancestors(self) -> list[Area]:
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1] if p]
        found = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    def full_name(self) -> str:
        return "/".join([a.name for a in self.ancestors()] + [self.name])


class CommandZone(ScopedModel):
    """指挥区: a group of grids or estates under one commander, inside a street."""

    name = models.CharField(_("名称"), max_length=100)
    street = models.ForeignKey(
        Area, verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="command_zones"
    )
    grids = models.ManyToManyField(Area, verbose_name=_("网格"), blank=True, related_name="+")
    estates = models.ManyToManyField(
        "Estate", verbose_name=_("小区"), blank=True, related_name="command_zones"
    )

    class Meta:
        verbose_name = _("指挥区")
        verbose_name_plural = _("指挥区")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    scope_from = "street"


class Estate(ScopedModel):
    """小区: a walled compound, the unit of closure and checkpoints; in a community or grid."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("所属社区/网格"), on_delete=models.PROTECT, related_name="estates"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    gates = models.PositiveSmallIntegerField(_("出入口数"), default=1)
    property_company = models.CharField(_("物业公司"), max_length=100, blank=True)
    property_phone = models.CharField(_("物业电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="estate_unique_name_in_area")
        ]

    def __str__(self) -> str:
        return self.name

    scope_from = "area"


class NumberedNode:
    """Buildings and units: sorted by their number, with a path that ends in their own id."""

    def save(self, *args, **kwargs):
        self.sort_key = _number_key(self.number)
        super().save(*args, **kwargs)
        path = self.compute_path()
        if path != self.scope_path:
            self.scope_path = path
            type(self).objects.filter(pk=self.pk).update(scope_path=path)


class Building(NumberedNode, ScopedModel):
    """楼栋: numbered building in an estate, assigned to a grid. scope_path = grid path + b<id>/."""

    estate = models.ForeignKey(
        Estate,
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="buildings"
    )
    number = models.CharField(_("楼号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), default=6)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["area_id", "estate_id", "sort_key", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "estate", "number"], name="building_unique_number"
            ),
            # NULL estates are never equal to each other in a unique index: cover them apart.
            models.UniqueConstraint(
                fields=["area", "number"],
                condition=models.Q(estate=None),
                name="building_unique_number_no_estate",
            ),
        ]

    def __str__(self) -> str:
        estate = self.estate.name if self.estate_id and self.estate else ""
        return self.text_of(self.number, self.name, estate)

    @property
    def label(self) -> str:
        return self.name or gettext("%(number)s号楼") % {"number": self.number}

    @staticmethod
    def text_of(number: str, name: str = "", estate: str | None = "") -> str:
        """A building as str() writes it, from values read without the row ("阳光小区 3号楼")."""
        label = name or gettext("%(number)s号楼") % {"number": number}
        return f"{estate} {label}" if estate else label

    def compute_path(self) -> str:
        return f"{self.area.path}b{self.pk}/"


class Unit(NumberedNode, ScopedModel):
    """单元: a stairwell entrance. scope_path = building path + u<id>/."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="units"
    )
    number = models.CharField(_("单元号"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    rooms_per_floor = models.PositiveSmallIntegerField(_("每层户数"), default=2)
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building_id", "sort_key", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number")
        ]

    def __str__(self) -> str:
        return gettext("%(building)s %(number)s单元") % {
            "building": self.building,
            "number": self.number,
        }

    @property
    def floor_count(self) -> int:
        return self.floors or self.building.floors

    def compute_path(self) -> str:
        return f"{self.building.scope_path}u{self.pk}/"


class Household(ScopedModel):
    """户: a flat (building, unit, floor, room), its householder and the people living there."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="households"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单元"), on_delete=models.PROTECT, related_name="households"
    )
    floor = models.SmallIntegerField(_("楼层"))
    room = models.CharField(_("户号"), max_length=20)
    householder_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    people_count = models.PositiveSmallIntegerField(_("现居人数"), default=0)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    vacant = models.BooleanField(_("空置"), default=False)
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Sent by a phone or API client so that a retried create returns the first row.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["unit_id", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "room"], name="household_unique_room")
        ]

    def __str__(self) -> str:
        return gettext("%(building)s%(unit)s单元%(room)s室") % {
            "building": self.building.label,
            "unit": self.unit.number,
            "room": self.room,
        }

    @property
    def address(self) -> str:
        estate = self.building.estate.name if self.building.estate_id else ""
        return f"{estate} {self}" if estate else str(self)

    scope_from = "unit"


def place_path(obj) -> str:
    """The path of the narrowest place an assignment names: unit, building, command zone, area."""
    if obj.unit_id:
        return obj.unit.scope_path
    if obj.building_id:
        return obj.building.scope_path
    if getattr(obj, "command_zone_id", None):
        return obj.command_zone.scope_path
    return obj.area.path if obj.area_id else ""


def _number_key(number: str) -> int:
    """Sort '2' before '10': the leading digits as an integer, else a large number."""
    digits = ""
    for ch in number:
        if ch.isdigit():
            digits += ch
        else:
            break
    return int(digits) if digits else 999999
