"""Transfers (转运): a person or a household taken from their address to a quarantine site or
a hospital by a vehicle on call, from the request to the hand-over confirmed by the receiving
site, and the roster of vehicles with their drivers.

Scope: a transfer lives where its household (or person) lives; the receiving site's staff see
the transfers coming to their site. A vehicle lives in the area that dispatches it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Area, Household


class Vehicle(ScopedModel):
    class Kind(models.TextChoices):
        AMBULANCE = "ambulance", _("负压救护车")
        BUS = "bus", _("转运大巴")
        CAR = "car", _("转运专车")

    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="vehicles"
    )
    plate = models.CharField(_("车牌号"), max_length=12, unique=True)
    kind = models.CharField(_("车型"), max_length=10, choices=Kind.choices, default=Kind.CAR)
    seats = models.PositiveSmallIntegerField(_("座位"), default=4)
    driver_name = models.CharField(_("司机"), max_length=50)
    driver_phone = models.CharField(_("司机电话"), max_length=20)
    on_call = models.BooleanField(_("待命"), default=True)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("转运车辆")
        verbose_name_plural = _("转运车辆")
        ordering = ["plate"]

    def __str__(self) -> str:
        return self.plate


class Transfer(ScopedModel):
    class Destination(models.TextChoices):
        SITE = "site", _("集中隔离点")
        HOSPITAL = "hospital", _("医院")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("普通")
        URGENT = "urgent", _("紧急")
        CRITICAL = "critical", _("危急")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待派车")
        ASSIGNED = "assigned", _("已派车")
        PICKED_UP = "picked_up", _("转运途中")
        HANDED_OVER = "handed_over", _("已交接")
        CLOSED = "closed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    person = models.ForeignKey(
        Person,
        verbose_name=_("转运人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    persons = models.ManyToManyField(Person, verbose_name=_("同行人员"), related_name="+")
    from_address = models.CharField(_("出发地址"), max_length=200)
    destination = models.CharField(_("去向"), max_length=10, choices=Destination.choices)
    site = models.ForeignKey(
        "control.Site",
        verbose_name=_("隔离点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    hospital = models.CharField(_("医院"), max_length=100, blank=True)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    reason = models.CharField(_("转运原因"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    vehicle = models.ForeignKey(
        Vehicle,
        verbose_name=_("车辆"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    driver_name = models.CharField(_("司机"), max_length=50, blank=True)
    driver_phone = models.CharField(_("司机电话"), max_length=20, blank=True)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("派车时间"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("接到时间"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("交接时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_by_name = models.CharField(_("接收人"), max_length=50, blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("转运")
        verbose_name_plural = _("转运")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(household__isnull=False),
                name="transfer_has_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person or self.household} → {self.site or self.hospital}"

    def save(self, *args, **kwargs):
        self.scope_path = (self.household or self.person).scope_path
        super().save(*args, **kwargs)
