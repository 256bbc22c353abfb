"""Disinfection (消杀): the places to disinfect with how often, and the log of each time one was
disinfected (消杀记录). A place is behind schedule when it has fewer disinfections today than
its times a day spread evenly over its working hours would have by now.

Scope: a place lives in its area (the grid of its building, the estate's grid for its gates, the
site's area for a quarantine-site floor); a log entry with its place.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.places.models import Area


class DisinfectionPlace(ScopedModel):
    class Kind(models.TextChoices):
        PUBLIC_AREA = "public_area", _("公共区域")
        UNIT_ENTRANCE = "unit_entrance", _("单元门口")
        LIFT = "lift", _("电梯")
        GATE = "gate", _("小区门岗")
        SITE_FLOOR = "site_floor", _("隔离点楼层")
        GARBAGE = "garbage", _("垃圾收集点")
        OTHER = "other", _("其他")

    name = models.CharField(_("消杀点位"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="disinfection_places",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disinfection_places",
    )
    unit = models.ForeignKey(
        "places.Unit",
        verbose_name=_("单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disinfection_places",
    )
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint",
        verbose_name=_("卡口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disinfection_places",
    )
    site = models.ForeignKey(
        "control.Site",
        verbose_name=_("隔离点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disinfection_places",
    )
    times_per_day = models.PositiveSmallIntegerField(_("每日消杀次数"), default=2)
    day_starts = models.TimeField(_("作业开始"), default=dt.time(8, 0))
    day_ends = models.TimeField(_("作业结束"), default=dt.time(20, 0))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("消杀点位")
        verbose_name_plural = _("消杀点位")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class DisinfectionLog(ScopedModel):
    """One disinfection of one place (消杀记录), logged from a phone."""

    place = models.ForeignKey(
        DisinfectionPlace, verbose_name=_("消杀点位"), on_delete=models.CASCADE, related_name="logs"
    )
    done_at = models.DateTimeField(_("消杀时间"), db_index=True)
    agent = models.CharField(_("消毒剂"), max_length=60)
    concentration = models.CharField(_("浓度"), max_length=30, blank=True)
    worker = models.ForeignKey(
        "workforce.Worker",
        verbose_name=_("消杀人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disinfection_logs",
    )
    done_by = models.CharField(_("消杀人"), max_length=50)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    photo = models.ImageField(_("照片"), upload_to="disinfection/%Y/%m/%d/", blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "place"

    class Meta:
        verbose_name = _("消杀记录")
        verbose_name_plural = _("消杀记录")
        ordering = ["-done_at", "-pk"]
        indexes = [models.Index(fields=["place", "done_at"], name="disinfection_place_at_idx")]

    def __str__(self) -> str:
        return f"{self.place} {self.done_at:%Y-%m-%d %H:%M}"
