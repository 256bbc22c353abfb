"""Venues (场所): supermarkets kept open under rules and gathering venues closed, with the
history of their states (限流开放, 关停, 恢复营业) and dates. Sweeps (巡查) of them are
inspections of target type supermarket or venue, with their findings.

Scope: a venue lives in its area; its states with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.places.models import Area


class Venue(ScopedModel):
    class Kind(models.TextChoices):
        SUPERMARKET = "supermarket", _("超市")
        MARKET = "market", _("农贸市场")
        PHARMACY = "pharmacy", _("药店")
        RESTAURANT = "restaurant", _("餐饮")
        ENTERTAINMENT = "entertainment", _("娱乐场所")
        FITNESS = "fitness", _("健身场馆")
        WORSHIP = "worship", _("宗教场所")
        OTHER = "other", _("其他场所")

    class State(models.TextChoices):
        OPEN_UNDER_RULES = "open_rules", _("限流开放")
        CLOSED = "closed", _("关停")
        REOPENED = "reopened", _("恢复营业")

    # Kinds kept open under rules (商超); the others are gathering venues (聚集性场所).
    SUPPLY_KINDS = (Kind.SUPERMARKET, Kind.MARKET, Kind.PHARMACY)

    name = models.CharField(_("场所名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="venues"
    )
    address = models.CharField(_("地址"), max_length=200)
    owner_name = models.CharField(_("负责人"), max_length=50)
    owner_phone = models.CharField(_("负责人电话"), max_length=20, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    state_since = models.DateField(_("状态起始日期"))
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_supply(self) -> bool:
        return self.kind in self.SUPPLY_KINDS


class VenueState(ScopedModel):
    """One change of a venue's state, with its date (the venue keeps the latest)."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("场所"), on_delete=models.CASCADE, related_name="states"
    )
    state = models.CharField(_("状态"), max_length=10, choices=Venue.State.choices)
    since = models.DateField(_("起始日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "venue"

    class Meta:
        verbose_name = _("场所状态变更")
        verbose_name_plural = _("场所状态变更")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return f"{self.venue} {self.since}"
