"""Living support (保供、微心愿): what sealed and quarantined households ask for — groceries,
medicine, a medical visit, garbage removal, psychological help — and the closed loop that
serves each request: triage, assignment (to a grid's workers, a volunteer, a delivery route),
accepted, on the way, delivered, confirmed by the household or closed by the worker.

Request kinds are rows (`SupportKind`) with their response deadline, kept on the support
settings page; a request's deadline is set from its kind when it is filed.

Scope: a request lives with its household; a delivery route in its area.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Area, Household


class SupportKind(models.Model):
    """A kind of request and how fast it must be answered (药品 2 小时, 生活物资 24 小时…)."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    deadline_minutes = models.PositiveIntegerField(_("响应时限（分钟）"))
    # Medicine asks for the medicine's name and whether a prescription is needed.
    is_medicine = models.BooleanField(_("药品类"), default=False)
    # Grocery-like kinds can be grouped into a building's delivery route.
    routable = models.BooleanField(_("可按楼栋批量配送"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类型")
        verbose_name_plural = _("诉求类型")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class DeliveryRoute(ScopedModel):
    """One worker's batch of deliveries for a day (配送路线), usually a building's grocery
    requests: one cadre served 37 quarantined households a day this way."""

    name = models.CharField(_("路线名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="delivery_routes"
    )
    day = models.DateField(_("日期"))
    worker = models.ForeignKey(
        "workforce.Worker",
        verbose_name=_("配送人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delivery_routes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("配送路线")
        verbose_name_plural = _("配送路线")
        ordering = ["-day", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class SupportRequest(ScopedModel):
    class Status(models.TextChoices):
        NEW = "new", _("待分派")
        ASSIGNED = "assigned", _("已分派")
        ACCEPTED = "accepted", _("已接单")
        ON_WAY = "on_way", _("配送中")
        DELIVERED = "delivered", _("已送达")
        CONFIRMED = "confirmed", _("居民已确认")
        CLOSED = "closed", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")
        CRITICAL = "critical", _("危急")

    class Source(models.TextChoices):
        HOUSEHOLD = "household", _("居民扫码")
        WORKER = "worker", _("工作人员代报")
        API = "api", _("接口")

    # Statuses in which the request is still open (the loop is not closed).
    OPEN = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.ON_WAY)
    DONE = (Status.DELIVERED, Status.CONFIRMED, Status.CLOSED)

    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="support_requests"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("求助人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    kind = models.ForeignKey(
        SupportKind, verbose_name=_("诉求类型"), on_delete=models.PROTECT, related_name="requests"
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    text = models.TextField(_("诉求内容"), blank=True)
    medicine_name = models.CharField(_("药品名称"), max_length=100, blank=True)
    prescription_needed = models.BooleanField(_("需要处方"), default=False)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Set when filed from what the registry and the control measures say of the household:
    # sealed, quarantined, dialysis, pregnant, elderly living alone (codes, see services).
    priority = models.BooleanField(_("优先"), default=False)
    priority_reasons = models.JSONField(_("优先原因"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW)
    due_at = models.DateTimeField(_("响应时限"))
    # Assignment: a worker (grid worker, cadre, volunteer) and/or a delivery route.
    worker = models.ForeignKey(
        "workforce.Worker",
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    route = models.ForeignKey(
        DeliveryRoute,
        verbose_name=_("配送路线"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    on_way_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivered_by = models.CharField(_("送达人"), max_length=50, blank=True)
    delivery_photo = models.ImageField(
        _("送达照片"), upload_to="support/%Y/%m/%d/", null=True, blank=True
    )
    delivery_note = models.CharField(_("送达说明"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_reason = models.CharField(_("办结说明"), max_length=200, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    scope_from = "household"

    class Meta:
        verbose_name = _("居民诉求")
        verbose_name_plural = _("居民诉求")
        ordering = ["-priority", "due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="support_status_due_idx"),
            models.Index(fields=["household", "created_at"], name="support_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.household}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
