"""Supervision (督查): inspection checklists per kind of target, inspections recorded on a phone,
and the findings (问题) they raise, each with an owner and a deadline, tracked to rectification
(整改) and verified on re-inspection (复查).

Disinfection places and their log live in `models_disinfection`, venues (supermarkets and
gathering venues) with their states in `models_venues`; a sweep (巡查) of a venue is an
inspection of target type supermarket or venue.

Scope: an inspection lives in the area of what it inspected (a grid, a community, the street);
a finding with its inspection.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.places.models import Area


class TargetType(models.TextChoices):
    GRID_POST = "grid_post", _("网格值守点")
    CHECKPOINT = "checkpoint", _("卡口")
    SAMPLING_POINT = "sampling_point", _("核酸采样点")
    QUARANTINE_SITE = "quarantine_site", _("集中隔离点")
    SUPERMARKET = "supermarket", _("商超")
    VENUE = "venue", _("聚集性场所")
    OTHER = "other", _("其他")


class ChecklistItem(models.Model):
    """One item of the checklist of a target type (人员在岗, 扫码测温, 台账齐全…), kept on the
    checklist settings page; defaults are seeded by a migration."""

    target_type = models.CharField(_("督查对象类型"), max_length=16, choices=TargetType.choices)
    text = models.CharField(_("检查内容"), max_length=200)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("督查清单项")
        verbose_name_plural = _("督查清单项")
        ordering = ["target_type", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Inspection(ScopedModel):
    """One supervision visit to one target (督查/巡查), with the checklist's answers."""

    class Shift(models.TextChoices):
        DAY = "day", _("日间")
        NIGHT = "night", _("夜间")

    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="inspections"
    )
    target_type = models.CharField(_("督查对象类型"), max_length=16, choices=TargetType.choices)
    # The operation's own record when there is one; target_name always says what it was.
    post = models.ForeignKey(
        "workforce.Post",
        verbose_name=_("岗位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint",
        verbose_name=_("卡口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    sampling_point = models.ForeignKey(
        "testing.SamplingPoint",
        verbose_name=_("采样点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    site = models.ForeignKey(
        "control.Site",
        verbose_name=_("隔离点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    venue = models.ForeignKey(
        "supervision.Venue",
        verbose_name=_("场所"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    target_name = models.CharField(_("督查对象"), max_length=200)
    inspected_at = models.DateTimeField(_("督查时间"), db_index=True)
    shift = models.CharField(_("时段"), max_length=6, choices=Shift.choices, default=Shift.DAY)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspector_name = models.CharField(_("督查人员"), max_length=100, blank=True)
    # {checklist item id (str): "ok" | "problem" | "na"}
    checks = models.JSONField(_("检查结果"), default=dict, blank=True)
    note = models.TextField(_("督查说明"), blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")
        ordering = ["-inspected_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target_name} {self.inspected_at:%Y-%m-%d %H:%M}"


class Finding(ScopedModel):
    """A problem found by an inspection (问题), with its owner and deadline, tracked from open
    to rectified (with evidence) to verified on re-inspection. A finding past its deadline and
    not yet rectified is overdue (a state of the list, not stored)."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("一般")
        MAJOR = "major", _("较重")
        SEVERE = "severe", _("严重")

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFIED = "rectified", _("已整改待复查")
        VERIFIED = "verified", _("复查通过")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督查记录"), on_delete=models.CASCADE, related_name="findings"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("检查内容"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MINOR
    )
    photo = models.ImageField(_("现场照片"), upload_to="supervision/%Y/%m/%d/", blank=True)
    owner_worker = models.ForeignKey(
        "workforce.Worker",
        verbose_name=_("整改责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    owner_name = models.CharField(_("责任人"), max_length=100)
    owner_phone = models.CharField(_("责任人电话"), max_length=20, blank=True)
    deadline = models.DateTimeField(_("整改时限"), db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rectification_note = models.TextField(_("整改情况"), blank=True)
    rectification_photo = models.ImageField(
        _("整改照片"), upload_to="supervision/%Y/%m/%d/", blank=True
    )
    verified_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_note = models.CharField(_("复查意见"), max_length=200, blank=True)
    # How many times a re-inspection sent the finding back to be rectified again.
    reopened = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    scope_from = "inspection"

    class Meta:
        verbose_name = _("督查问题")
        verbose_name_plural = _("督查问题")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="finding_status_deadline_idx")]

    def __str__(self) -> str:
        return self.description[:50]


from .models_disinfection import DisinfectionLog, DisinfectionPlace  # noqa: E402,F401
from .models_venues import Venue, VenueState  # noqa: E402,F401
