"""The command post (指挥部): the daily report frozen at the cut-off (default 16:00) for every
area level, the grids' own daily reports (网格日报, who has reported by the cut-off), and what
is told to residents (notices per building, the daily letter).

A frozen report (`DailyReport`) holds one `ReportArea` per area of the chain (street,
community, grid…) with the figures as they stood at the cut-off and the units that had not
reported; later data never changes it.

Scope: a report's area rows live at their area's path, so a grid leader sees the grid's and a
street's commander every row of the street; a grid report with its grid, a notice and a letter
in their area.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.places.models import Area


class ReportSettings(models.Model):
    """The street's report settings; one row (pk 1), made with its defaults when first read."""

    cut_off = models.TimeField(_("日报截止时间"), default=dt.time(16, 0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日报设置")
        verbose_name_plural = _("日报设置")

    def __str__(self) -> str:
        return f"{self.cut_off:%H:%M}"

    @classmethod
    def get(cls) -> ReportSettings:
        return cls.objects.get_or_create(pk=1)[0]


class DailyReport(models.Model):
    """The day's report, frozen once at the cut-off (or by hand later: `as_of` says when)."""

    day = models.DateField(_("日期"), unique=True)
    cut_off_at = models.DateTimeField(_("截止时间"))
    as_of = models.DateTimeField(_("数据时点"))
    frozen_at = models.DateTimeField(_("生成时间"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seconds = models.FloatField(_("生成耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("每日报告")
        verbose_name_plural = _("每日报告")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}"


class ReportArea(ScopedModel):
    """One area's frozen figures in a day's report: {figure key: number}, and the units below
    it that had not reported by the cut-off: [{"kind", "name", "path"}]."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey(
        Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Area.Level.choices)
    figures = models.JSONField(_("数据"), default=dict)
    missing = models.JSONField(_("未报送"), default=list)

    scope_from = "area"

    class Meta:
        verbose_name = _("区域日报")
        verbose_name_plural = _("区域日报")
        ordering = ["report", "scope_path"]
        constraints = [models.UniqueConstraint(fields=["report", "area"], name="report_area_once")]

    def __str__(self) -> str:
        return f"{self.report} {self.area}"


class GridReport(ScopedModel):
    """A grid's daily report (网格日报): the grid leader confirms the day's data is in, with a
    note. Grids without one by the cut-off are listed as not reported."""

    area = models.ForeignKey(
        Area, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="grid_reports"
    )
    day = models.DateField(_("日期"))
    reported_at = models.DateTimeField(_("报送时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("情况说明"), blank=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("网格日报")
        verbose_name_plural = _("网格日报")
        ordering = ["-day", "scope_path"]
        constraints = [
            models.UniqueConstraint(fields=["area", "day"], name="grid_report_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.day}"


class Notice(ScopedModel):
    """A notice to residents (通告/告知书), printed one page per building of its area with the
    QR codes of the public forms."""

    area = models.ForeignKey(
        Area, verbose_name=_("发布区域"), on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    signed = models.CharField(_("落款"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("通告")
        verbose_name_plural = _("通告")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Letter(ScopedModel):
    """The daily letter to residents (致居民的一封信), drafted from the day's figures and edited
    before it is printed or posted to the grids' WeChat groups."""

    area = models.ForeignKey(
        Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="letters"
    )
    day = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("致居民信")
        verbose_name_plural = _("致居民信")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return self.title
