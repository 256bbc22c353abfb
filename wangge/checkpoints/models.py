"""Checkpoints and passes (卡口、出入证): the gates with their hours and rules, the
household passes with their quota policy, every passage in or out (allowed, refused, turned
back, or through the green channel), and closed-loop freight vehicles.

Scope: a checkpoint lives in its area (an estate gate in the estate's community or grid, a road
post in its street); its passages and freight live with it. A pass lives with its household;
a pass policy with its estate. Who stands at a gate is the workforce roster's: posts of kind
checkpoint linked to it, their shifts and assignments (wangge.workforce).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Area, Estate, Household


class Checkpoint(ScopedModel):
    class Kind(models.TextChoices):
        ESTATE_GATE = "estate_gate", _("小区门岗")
        VILLAGE = "village", _("村口卡点")
        ROAD = "road", _("道路卡口")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    estates = models.ManyToManyField(
        Estate, verbose_name=_("服务小区"), blank=True, related_name="checkpoints"
    )
    address = models.CharField(_("位置"), max_length=200, blank=True)
    opens_at = models.TimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.TimeField(_("关闭时间"), null=True, blank=True)
    # Who may pass: residents of the estates served go out under their household's quota;
    # outsiders are turned back unless let through (green channel, freight).
    residents_only = models.BooleanField(_("仅限本小区居民通行"), default=True)
    records_temperature = models.BooleanField(_("测量体温"), default=True)
    records_health_code = models.BooleanField(_("查验健康码"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("卡口")
        verbose_name_plural = _("卡口")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class PassPolicy(ScopedModel):
    """每户每天一人: how many people of a household may go out per period (days), and for how
    long (hours; empty: no limit). One policy per estate."""

    estate = models.OneToOneField(
        Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="pass_policy"
    )
    persons = models.PositiveSmallIntegerField(_("每户人数"), default=1)
    period_days = models.PositiveSmallIntegerField(_("周期（天）"), default=1)
    hours_out = models.PositiveSmallIntegerField(_("限时（小时）"), null=True, blank=True)
    starts_on = models.DateField(_("起始日期"))

    scope_from = "estate"

    class Meta:
        verbose_name = _("出入规则")
        verbose_name_plural = _("出入规则")

    def __str__(self) -> str:
        return f"{self.estate} {self.persons}/{self.period_days}"


class Pass(ScopedModel):
    """出入证: a household's pass, printed with a QR code carrying a signed token that a gate
    phone verifies offline. Revoked when lost or when the household is sealed."""

    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.CASCADE, related_name="passes"
    )
    number = models.CharField(_("编号"), max_length=30, unique=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True, db_index=True)
    revoke_reason = models.CharField(_("作废原因"), max_length=100, blank=True)

    scope_from = "household"

    class Meta:
        verbose_name = _("出入证")
        verbose_name_plural = _("出入证")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(revoked_at__isnull=True),
                name="pass_one_valid_per_household",
            )
        ]

    def __str__(self) -> str:
        return self.number


class Passage(ScopedModel):
    """One person or vehicle at a gate, in or out, and what the gate decided."""

    class Direction(models.TextChoices):
        OUT = "out", _("出")
        IN = "in", _("进")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("放行")
        REFUSED = "refused", _("拒绝")
        TURNED_BACK = "turned_back", _("劝返")
        GREEN = "green", _("绿色通道")

    class HealthCode(models.TextChoices):
        NONE = "", _("未查验")
        GREEN = "green", _("绿码")
        YELLOW = "yellow", _("黄码")
        RED = "red", _("红码")

    class Green(models.TextChoices):
        DIALYSIS = "dialysis", _("血液透析")
        LABOUR = "labour", _("临产")
        NEWBORN = "newborn", _("新生儿就医")
        EMERGENCY = "emergency", _("急症就医")
        OTHER = "other", _("其他紧急情况")

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="passages", db_index=False
    )
    at = models.DateTimeField(_("时间"))
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    code = models.CharField(_("原因代码"), max_length=20, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    # The hottest insert of a gate: no index a gate's own queries do not use (a household's
    # exits are found by the quota index below; the rest by checkpoint and time).
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passages",
        db_index=False,
    )
    pass_card = models.ForeignKey(
        Pass,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passages",
        db_index=False,
    )
    plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    temperature = models.DecimalField(
        _("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    health_code = models.CharField(
        _("健康码"), max_length=6, choices=HealthCode.choices, blank=True, default=""
    )
    green = models.CharField(_("绿色通道事由"), max_length=10, choices=Green.choices, blank=True)
    escort = models.CharField(_("陪同人员"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)
    offline = models.BooleanField(_("离线记录"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    received_at = models.DateTimeField(auto_now_add=True)

    scope_from = "checkpoint"

    class Meta:
        verbose_name = _("通行记录")
        verbose_name_plural = _("通行记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["checkpoint", "at"]),
            # The quota: a household's allowed exits in the current period.
            models.Index(
                fields=["household", "at"],
                condition=models.Q(direction="out", outcome="allowed"),
                name="passage_quota_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.at:%m-%d %H:%M} {self.get_outcome_display()}"


class FreightVehicle(ScopedModel):
    """闭环货运: a vehicle registered for one point-to-point delivery, checked in at entry and
    out at exit; it is overdue once inside longer than expected."""

    checkpoint_in = models.ForeignKey(
        Checkpoint, verbose_name=_("入口卡口"), on_delete=models.PROTECT, related_name="freight_in"
    )
    checkpoint_out = models.ForeignKey(
        Checkpoint,
        verbose_name=_("出口卡口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="freight_out",
    )
    plate = models.CharField(_("车牌号"), max_length=12)
    driver_name = models.CharField(_("司机"), max_length=50)
    driver_phone = models.CharField(_("司机电话"), max_length=20)
    cargo = models.CharField(_("货物"), max_length=100)
    origin = models.CharField(_("出发地"), max_length=100)
    destination = models.CharField(_("目的地"), max_length=100)
    escort = models.CharField(_("押运/陪同"), max_length=100, blank=True)
    expected_minutes = models.PositiveSmallIntegerField(_("预计停留（分钟）"), default=120)
    entered_at = models.DateTimeField(_("进入时间"))
    exited_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    scope_from = "checkpoint_in"

    class Meta:
        verbose_name = _("闭环货运车辆")
        verbose_name_plural = _("闭环货运车辆")
        ordering = ["-entered_at", "-pk"]

    def __str__(self) -> str:
        return self.plate
