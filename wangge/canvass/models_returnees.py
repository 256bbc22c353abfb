"""Returnee screening (返来人员排查): the maintained list of risk places and the arrivals.

Risk places are public notices (a region, a level, from–to dates), seen by every signed-in user
and edited by managers. An arrival lives in the household it names, else in the grid it was
registered in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Area, Household


class RiskLevel(models.TextChoices):
    HIGH = "high", _("高风险")
    MEDIUM = "medium", _("中风险")
    LOW = "low", _("低风险")


class Measure(models.TextChoices):
    """What a flag or an arrival is proposed for, and what the commander decides."""

    NONE = "none", _("无需管控")
    TESTING = "testing", _("核酸检测")
    HOME_MONITORING = "home_monitoring", _("居家健康监测")
    HOME_QUARANTINE = "home_quarantine", _("居家隔离")
    CENTRAL_QUARANTINE = "central_quarantine", _("集中隔离")


class RiskPlace(models.Model):
    """风险地区: a region (province, city, district, street… as written in the notice) at a risk
    level from one date until another (open-ended while `ends_on` is empty)."""

    region = models.CharField(_("地区"), max_length=100)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("解除日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("风险地区")
        verbose_name_plural = _("风险地区")
        ordering = ["-starts_on", "region"]

    def __str__(self) -> str:
        return f"{self.region}（{self.get_level_display()}）"


class Arrival(ScopedModel):
    """返来人员: one person arriving in the area, however it was registered."""

    class Source(models.TextChoices):
        WORKER = "worker", _("工作人员登记")
        GATE = "gate", _("卡口登记")
        CANVASS = "canvass", _("入户排查")
        SELF = "self", _("本人扫码申报")

    class Transport(models.TextChoices):
        CAR = "car", _("自驾")
        TRAIN = "train", _("火车")
        PLANE = "plane", _("飞机")
        BUS = "bus", _("客车")
        OTHER = "other", _("其他")

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="arrivals"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    origin = models.CharField(_("来自"), max_length=100)
    origin_level = models.CharField(
        _("来源地风险"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    risk_place = models.ForeignKey(
        RiskPlace, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arrived_on = models.DateField(_("抵达日期"))
    transport = models.CharField(_("交通方式"), max_length=8, choices=Transport.choices, blank=True)
    proposed = models.CharField(_("建议措施"), max_length=20, choices=Measure.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    source = models.CharField(_("登记来源"), max_length=8, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("返来人员")
        verbose_name_plural = _("返来人员")
        ordering = ["-arrived_on", "-pk"]
        indexes = [models.Index(fields=["arrived_on", "scope_path"])]

    def __str__(self) -> str:
        return f"{self.name} {self.origin}"

    def save(self, *args, **kwargs):
        self.scope_path = self.household.scope_path if self.household_id else self.area.path
        super().save(*args, **kwargs)
