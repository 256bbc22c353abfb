"""Mass testing rounds (全员核酸检测): rounds, sampling points and tables, door-to-door teams,
the call-down schedule, tubes and samples, results, antigen kits.

Scope: a round lives in the area it was planned for; points and teams in the round's area;
schedule slots, door-to-door entries and samples in the unit / household / person they name,
so a grid leader sees their own grid's part of a street-wide round.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person, SpecialGroup
from wangge.places.models import Area, Building, Estate, Household, Unit


class Round(ScopedModel):
    """第N轮: one round of mass testing over an area (all residents or a targeted group)."""

    class Target(models.TextChoices):
        ALL = "all", _("全员")
        BUILDINGS = "buildings", _("指定楼栋")
        SPECIAL_GROUP = "special_group", _("特殊人群")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结束")

    number = models.PositiveIntegerField(_("轮次"))
    name = models.CharField(_("名称"), max_length=100, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("检测区域"), on_delete=models.PROTECT, related_name="testing_rounds"
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), default=dt.time(7, 0))
    end_time = models.TimeField(_("结束时间"), default=dt.time(18, 0))
    target = models.CharField(
        _("检测对象"), max_length=16, choices=Target.choices, default=Target.ALL
    )
    target_buildings = models.ManyToManyField(
        Building, verbose_name=_("指定楼栋"), blank=True, related_name="+"
    )
    target_group = models.CharField(
        _("特殊人群类别"), max_length=16, choices=SpecialGroup.Kind.choices, blank=True
    )
    pool_size = models.PositiveSmallIntegerField(
        _("混采人数"), default=10, choices=[(1, _("单采")), (10, _("10混1")), (20, _("20混1"))]
    )
    slot_minutes = models.PositiveSmallIntegerField(_("每批时长（分钟）"), default=20)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一轮"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检测轮次")
        verbose_name_plural = _("检测轮次")
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="round_unique_number")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.area.name} 第{self.number}轮"

    scope_from = "area"


class SamplingPoint(ScopedModel):
    """采样点: where a round's samples are taken; one plan per point (一点一方案)."""

    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="points"
    )
    number = models.PositiveSmallIntegerField(_("编号"))
    name = models.CharField(_("名称"), max_length=100)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("所在小区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_name = models.CharField(_("点长"), max_length=50, blank=True)
    leader_phone = models.CharField(_("点长电话"), max_length=20, blank=True)
    # Opening hours default to the round's.
    opens_at = models.TimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.TimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("采样点")
        verbose_name_plural = _("采样点")
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="point_unique_number")
        ]

    def __str__(self) -> str:
        return self.name

    scope_from = "area"


class SamplingTable(ScopedModel):
    """采样台: one table of a point, with its leader and hourly rate."""

    point = models.ForeignKey(
        SamplingPoint, verbose_name=_("采样点"), on_delete=models.CASCADE, related_name="tables"
    )
    number = models.PositiveSmallIntegerField(_("台号"))
    leader_name = models.CharField(_("台长"), max_length=50, blank=True)
    leader_phone = models.CharField(_("台长电话"), max_length=20, blank=True)
    rate_per_hour = models.PositiveSmallIntegerField(_("每小时采样人数"), default=88)

    class Meta:
        verbose_name = _("采样台")
        verbose_name_plural = _("采样台")
        ordering = ["point_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["point", "number"], name="table_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.number}号台"

    scope_from = "point"


class DoorTeam(ScopedModel):
    """上门采样组: samples people who cannot come down, door to door."""

    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="door_teams"
    )
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("负责区域"), on_delete=models.PROTECT, related_name="+"
    )
    leader_name = models.CharField(_("组长"), max_length=50, blank=True)
    leader_phone = models.CharField(_("组长电话"), max_length=20, blank=True)
    members = models.CharField(_("组员"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("上门采样组")
        verbose_name_plural = _("上门采样组")
        ordering = ["round_id", "name"]

    def __str__(self) -> str:
        return self.name

    scope_from = "area"


class ScheduleSlot(ScopedModel):
    """One unit called down to one point in one time slot (按楼号通知下楼)."""

    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="slots"
    )
    point = models.ForeignKey(
        SamplingPoint, verbose_name=_("采样点"), on_delete=models.CASCADE, related_name="slots"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单元"), on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    expected = models.PositiveIntegerField(_("预计人数"), default=0)
    adjusted = models.BooleanField(_("人工调整"), default=False)
    notified_at = models.DateTimeField(_("已通知"), null=True, blank=True)

    class Meta:
        verbose_name = _("下楼时段")
        verbose_name_plural = _("下楼时段")
        ordering = ["round_id", "point_id", "starts_at", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="slot_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%H:%M}"

    scope_from = "unit"


class DoorVisit(ScopedModel):
    """A person on a round's door-to-door list (上门采样), with why and which team."""

    class Reason(models.TextChoices):
        IMMOBILE = "immobile", _("行动不便")
        SEALED = "sealed", _("封控单元")
        QUARANTINE = "quarantine", _("居家隔离")
        OTHER = "other", _("其他")

    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="door_visits"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    team = models.ForeignKey(
        DoorTeam,
        verbose_name=_("上门采样组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )

    class Meta:
        verbose_name = _("上门采样")
        verbose_name_plural = _("上门采样")
        ordering = ["round_id", "scope_path", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="door_visit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_reason_display()}"

    scope_from = "household"


class Tube(ScopedModel):
    """试管: a barcode holding 1, 10 or 20 people's swabs; sent closed, once (client UUID)."""

    class Result(models.TextChoices):
        PENDING = "", _("待出结果")
        NEGATIVE = "negative", _("阴性")
        POSITIVE = "positive", _("阳性")
        INVALID = "invalid", _("无效")

    # Indexed by the (round, barcode) constraint.
    round = models.ForeignKey(
        Round,
        verbose_name=_("轮次"),
        on_delete=models.CASCADE,
        related_name="tubes",
        db_index=False,
    )
    barcode = models.CharField(_("试管条码"), max_length=40)
    capacity = models.PositiveSmallIntegerField(_("容量"), default=10)
    point = models.ForeignKey(
        SamplingPoint,
        verbose_name=_("采样点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tubes",
    )
    table = models.ForeignKey(
        SamplingTable,
        verbose_name=_("采样台"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tubes",
    )
    team = models.ForeignKey(
        DoorTeam,
        verbose_name=_("上门采样组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tubes",
    )
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)
    closed_at = models.DateTimeField(_("封管时间"))
    received_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(
        _("结果"),
        max_length=8,
        choices=Result.choices,
        blank=True,
        default=Result.PENDING,
        db_index=True,
    )
    result_at = models.DateTimeField(_("出结果时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("试管")
        verbose_name_plural = _("试管")
        ordering = ["-closed_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "barcode"], name="tube_unique_barcode")
        ]

    def __str__(self) -> str:
        return self.barcode


class Sample(ScopedModel):
    """采样记录: one person in one tube. scope_path is the person's, for who-is-left per grid."""

    # Both indexed by the composite index and constraint below (one index less to write per
    # sample, and no plan that reads a whole round's samples by round alone).
    tube = models.ForeignKey(
        Tube,
        verbose_name=_("试管"),
        on_delete=models.CASCADE,
        related_name="samples",
        db_index=False,
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("轮次"),
        on_delete=models.CASCADE,
        related_name="samples",
        db_index=False,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="samples"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    scanned_at = models.DateTimeField(_("扫码时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("采样记录")
        verbose_name_plural = _("采样记录")
        ordering = ["tube_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tube", "person"], name="sample_unique_person")
        ]
        indexes = [models.Index(fields=["round", "person"])]

    def __str__(self) -> str:
        return f"{self.tube} #{self.position}"


class AntigenDelivery(ScopedModel):
    """抗原试剂: kits handed to a household."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        on_delete=models.CASCADE,
        related_name="antigen_deliveries",
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("轮次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(_("数量"))
    date = models.DateField(_("发放日期"))
    delivered_by = models.CharField(_("发放人"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("抗原发放")
        verbose_name_plural = _("抗原发放")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.household} ×{self.count}"

    scope_from = "household"


class AntigenResult(ScopedModel):
    """A person's antigen self-test, entered by a worker or reported from the household QR page."""

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("阴性")
        POSITIVE = "positive", _("阳性")
        INVALID = "invalid", _("无效")

    class Source(models.TextChoices):
        WORKER = "worker", _("工作人员录入")
        SELF = "self", _("居民自报")

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="antigen_results"
    )
    date = models.DateField(_("检测日期"))
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices)
    source = models.CharField(
        _("来源"), max_length=8, choices=Source.choices, default=Source.WORKER
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抗原结果")
        verbose_name_plural = _("抗原结果")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="antigen_result_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.get_result_display()}"

    scope_from = "person"


class Notice(ScopedModel):
    """A message to a grid's leader about a positive tube: who, where, what to do.
    scope_path is the grid's path, so everyone responsible for the grid sees it."""

    area = models.ForeignKey(
        Area, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="testing_notices"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="notices"
    )
    tube = models.ForeignKey(
        Tube, verbose_name=_("试管"), on_delete=models.CASCADE, related_name="notices"
    )
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("阳性通知")
        verbose_name_plural = _("阳性通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tube", "area"], name="notice_unique_tube_grid")
        ]

    def __str__(self) -> str:
        return f"{self.area.name} {self.tube.barcode}"

    scope_from = "area"
