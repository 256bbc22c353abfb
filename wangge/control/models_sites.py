"""Central quarantine sites (集中隔离点): rooms in buildings and floors, staff in the five
groups, stays (check-in to a room with the person's file, special diet and medical needs,
checkout on release), parcels from family, and the frozen 6 a.m. report.

Scope: everything at a site lives where the site's area is (the street or community that runs
it); the people's own orders stay in their grids.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Area


class Site(ScopedModel):
    """集中隔离点 (a hotel, a training centre, a cabin hospital's wing)."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="quarantine_sites"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("集中隔离点")
        verbose_name_plural = _("集中隔离点")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SiteRoom(ScopedModel):
    class RoomType(models.TextChoices):
        SINGLE = "single", _("单人间")
        DOUBLE = "double", _("双人间")
        FAMILY = "family", _("家庭房")
        ACCESSIBLE = "accessible", _("无障碍房")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    building = models.CharField(_("楼栋"), max_length=30)
    floor = models.SmallIntegerField(_("楼层"))
    number = models.CharField(_("房号"), max_length=20)
    capacity = models.PositiveSmallIntegerField(_("床位"), default=1)
    room_type = models.CharField(
        _("房型"), max_length=12, choices=RoomType.choices, default=RoomType.SINGLE
    )
    out_of_service = models.BooleanField(_("停用"), default=False)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    scope_from = "site"

    class Meta:
        verbose_name = _("隔离房间")
        verbose_name_plural = _("隔离房间")
        ordering = ["site_id", "building", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "building", "number"], name="site_room_unique")
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.number}"


class SiteStaff(ScopedModel):
    """A member of the site's staff in one of the five groups (专班五组)."""

    class Group(models.TextChoices):
        INFORMATION = "information", _("信息组")
        HEALTH = "health", _("医学观察组")
        DISINFECTION = "disinfection", _("消杀组")
        LOGISTICS = "logistics", _("后勤保障组")
        SECURITY = "security", _("安保组")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="staff")
    group = models.CharField(_("组别"), max_length=12, choices=Group.choices)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="site_posts",
    )
    active = models.BooleanField(_("在岗"), default=True)

    scope_from = "site"

    class Meta:
        verbose_name = _("隔离点工作人员")
        verbose_name_plural = _("隔离点工作人员")
        ordering = ["site_id", "group", "name"]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.name}"


class Stay(ScopedModel):
    """One person's stay at a site: checked in to a room (often at night), checked out on
    release. A person has at most one open stay."""

    class Diet(models.TextChoices):
        NORMAL = "", _("普通")
        HALAL = "halal", _("清真")
        VEGETARIAN = "vegetarian", _("素食")
        DIABETIC = "diabetic", _("糖尿病餐")
        SOFT = "soft", _("软食/流食")
        INFANT = "infant", _("婴幼儿")
        OTHER = "other", _("其他")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stays")
    room = models.ForeignKey(SiteRoom, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="site_stays")
    order = models.ForeignKey(
        "control.ControlOrder",
        verbose_name=_("管控措施"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stays",
    )
    transfer = models.ForeignKey(
        "control.Transfer", null=True, blank=True, on_delete=models.SET_NULL, related_name="stays"
    )
    arrived_from = models.CharField(_("来源"), max_length=200, blank=True)
    file_note = models.TextField(_("人员档案"), blank=True)
    diet = models.CharField(
        _("特殊饮食"), max_length=12, choices=Diet.choices, blank=True, default=Diet.NORMAL
    )
    diet_note = models.CharField(_("饮食说明"), max_length=100, blank=True)
    medical_needs = models.CharField(_("医疗需求"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("入住时间"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checkout_note = models.CharField(_("离开说明"), max_length=200, blank=True)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    scope_from = "site"

    class Meta:
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        ordering = ["-checked_in_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(checked_out_at__isnull=True),
                name="stay_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.room}"


class Parcel(ScopedModel):
    """A parcel from family for a person at the site: received, disinfected, delivered."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="parcels")
    received_at = models.DateTimeField(_("接收时间"))
    sender = models.CharField(_("送件人"), max_length=50, blank=True)
    sender_phone = models.CharField(_("送件人电话"), max_length=20, blank=True)
    description = models.CharField(_("物品"), max_length=200)
    disinfected = models.BooleanField(_("已消杀"), default=False)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_from = "stay"

    class Meta:
        verbose_name = _("包裹登记")
        verbose_name_plural = _("包裹登记")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return self.description


class SiteReport(ScopedModel):
    """The site's 6 a.m. report for one day, frozen when made (figures as JSON)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="reports")
    day = models.DateField(_("日期"))
    generated_at = models.DateTimeField(_("生成时间"))
    figures = models.JSONField(_("数据"), default=dict)

    scope_from = "site"

    class Meta:
        verbose_name = _("隔离点晨报")
        verbose_name_plural = _("隔离点晨报")
        ordering = ["-day", "site_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="site_report_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.day}"
