"""Control measures (管控): risk designations of estates, buildings and units (封控区/管控区/
防范区, levels configurable), and orders placing a person under a measure (home quarantine, home
health monitoring, central quarantine; types and their durations configurable).

Daily follow-ups and alerts are in models_followups, central quarantine sites in models_sites,
transfers and vehicles in models_transfers.

Scope: a designation lives where its place is (an estate in its community, a building or a
unit in its grid); an order lives with its person, so a grid leader sees the orders of the
people living in their grid.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Building, Estate, Household, Unit


class DesignationLevel(models.Model):
    """A level of risk designation (封控区, 管控区, 防范区…). `seals` levels seal the households
    inside: testing sends them to door-to-door lists, gates refuse them."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("严格程度"), default=1)
    seals = models.BooleanField(_("封控（足不出户）"), default=False)
    colour = models.CharField(_("颜色"), max_length=9, default="#f1aeb5")

    class Meta:
        verbose_name = _("管控等级")
        verbose_name_plural = _("管控等级")
        ordering = ["-rank", "code"]

    def __str__(self) -> str:
        return self.name


class RiskDesignation(ScopedModel):
    """One place under one level from a time until it is lifted; history is kept."""

    level = models.ForeignKey(
        DesignationLevel, verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="designations",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="designations",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单元"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="designations",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    lift_reason = models.CharField(_("解除原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("风险区域划定")
        verbose_name_plural = _("风险区域划定")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(estate__isnull=False, building__isnull=True, unit__isnull=True)
                    | models.Q(estate__isnull=True, building__isnull=False, unit__isnull=True)
                    | models.Q(estate__isnull=True, building__isnull=True, unit__isnull=False)
                ),
                name="designation_one_place",
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.level}"

    @property
    def place(self) -> Estate | Building | Unit:
        return self.unit or self.building or self.estate

    def save(self, *args, **kwargs):
        self.scope_path = self.place.scope_path
        super().save(*args, **kwargs)


class OrderType(models.Model):
    """A kind of measure with its default duration (居家隔离 14 days…)."""

    class Kind(models.TextChoices):
        HOME_QUARANTINE = "home_quarantine", _("居家隔离")
        HOME_MONITORING = "home_monitoring", _("居家健康监测")
        CENTRAL_QUARANTINE = "central_quarantine", _("集中隔离")

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(_("期限（天）"), default=14)

    class Meta:
        verbose_name = _("管控措施类型")
        verbose_name_plural = _("管控措施类型")
        ordering = ["kind", "days", "code"]

    def __str__(self) -> str:
        return self.name


class ControlOrder(ScopedModel):
    """管控措施: one person under one measure from a day to a day (extensions move the end)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("管控中")
        RELEASED = "released", _("已解除")
        CANCELLED = "cancelled", _("已撤销")

    class Source(models.TextChoices):
        POSITIVE_TUBE = "positive_tube", _("核酸阳性")
        CANVASS = "canvass", _("入户排查发现")
        RETURNEE = "returnee", _("返来人员")
        CONTACT_LIST = "contact_list", _("密接名单")
        MANUAL = "manual", _("人工决定")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="control_orders")
    household = models.ForeignKey(
        Household,
        verbose_name=_("管控地址"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order_type = models.ForeignKey(
        OrderType, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="orders"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    extended_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("来源说明"), max_length=200, blank=True)
    flag = models.ForeignKey(
        "canvass.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    reason = models.CharField(_("原因"), max_length=200)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="control_orders",
    )
    worker_name = models.CharField(_("责任人"), max_length=50, blank=True)
    worker_phone = models.CharField(_("责任人电话"), max_length=20, blank=True)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    release_note = models.CharField(_("解除说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["person", "order_type", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="order_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.order_type}"

    scope_from = "person"

    def days_remaining(self, today: dt.date) -> int:
        """Days left counting today (0 once the end date has passed)."""
        return max((self.ends_on - today).days + 1, 0)


class OrderDocument(ScopedModel):
    """The paperwork of one order: the notice (告知书), the commitment form (承诺书), the door
    sign (隔离牌) and the seal (封条). `served_at` is when it was handed over or put up;
    `removed_at` when the door sign or the seal came off (at release)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("告知书")
        COMMITMENT = "commitment", _("承诺书")
        DOOR_SIGN = "door_sign", _("隔离牌")
        SEAL = "seal", _("封条")

    order = models.ForeignKey(ControlOrder, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书"), max_length=12, choices=Kind.choices)
    served_at = models.DateTimeField(_("送达/张贴时间"))
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(_("撤除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_from = "order"

    class Meta:
        verbose_name = _("管控文书")
        verbose_name_plural = _("管控文书")
        ordering = ["order_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="order_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"


from .models_followups import Alert, FollowUp, FollowUpRule  # noqa: E402
from .models_sites import Parcel, Site, SiteReport, SiteRoom, SiteStaff, Stay  # noqa: E402
from .models_transfers import Transfer, Vehicle  # noqa: E402

__all__ = [
    "Alert",
    "ControlOrder",
    "DesignationLevel",
    "FollowUp",
    "FollowUpRule",
    "OrderDocument",
    "OrderType",
    "Parcel",
    "RiskDesignation",
    "Site",
    "SiteReport",
    "SiteRoom",
    "SiteStaff",
    "Stay",
    "Transfer",
    "Vehicle",
]
