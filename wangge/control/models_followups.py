"""Daily follow-ups of people under a measure (每日随访/健康监测) and the alerts they raise.

Each order type has rules (e.g. temperature by 10:00 and by 17:00, symptoms by 17:00); placing an
order schedules one follow-up per rule per day of the order, assigned to the order's worker. A
follow-up is overdue once its due time has passed unrecorded. A fever or a symptom raises an
Alert on the commander's list at once. Central quarantine readings (three a day) are follow-ups
of the central order, recorded by the site's health observation group.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person


class Kind(models.TextChoices):
    TEMPERATURE = "temperature", _("体温")
    SYMPTOMS = "symptoms", _("症状")


class Symptom(models.TextChoices):
    FEVER = "fever", _("发热")
    COUGH = "cough", _("咳嗽")
    SORE_THROAT = "sore_throat", _("咽痛")
    FATIGUE = "fatigue", _("乏力")
    TASTE = "taste", _("嗅（味）觉减退")
    DIARRHOEA = "diarrhoea", _("腹泻")
    BREATH = "breath", _("呼吸困难")
    OTHER = "other", _("其他不适")


class FollowUpRule(models.Model):
    """One daily follow-up of an order type: what is asked and by what time of day."""

    order_type = models.ForeignKey(
        "control.OrderType",
        verbose_name=_("措施"),
        on_delete=models.CASCADE,
        related_name="followup_rules",
    )
    kind = models.CharField(_("内容"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("名称"), max_length=30)
    due_time = models.TimeField(_("截止时间"))

    class Meta:
        verbose_name = _("随访规则")
        verbose_name_plural = _("随访规则")
        ordering = ["order_type_id", "due_time", "kind"]

    def __str__(self) -> str:
        return f"{self.order_type} {self.label}"


class FollowUp(ScopedModel):
    """One scheduled follow-up of one order on one day, and what was recorded."""

    Kind = Kind

    order = models.ForeignKey(
        "control.ControlOrder", on_delete=models.CASCADE, related_name="followups"
    )
    rule = models.ForeignKey(
        FollowUpRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("内容"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("名称"), max_length=30)
    day = models.DateField(_("日期"))
    due_at = models.DateTimeField(_("截止时间"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("随访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="control_followups",
    )
    assignee_name = models.CharField(_("随访人"), max_length=50, blank=True)
    done_at = models.DateTimeField(_("随访时间"), null=True, blank=True)
    temperature = models.DecimalField(
        _("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    needs = models.CharField(_("需求"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    scope_from = "order"

    class Meta:
        verbose_name = _("随访")
        verbose_name_plural = _("随访")
        ordering = ["due_at", "order_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "rule", "day"], name="followup_once_a_day")
        ]
        indexes = [models.Index(fields=["assignee", "day"])]

    def __str__(self) -> str:
        return f"{self.order.person} {self.day} {self.label}"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class Alert(ScopedModel):
    """预警: a fever or a symptom found at a follow-up, on the commander's list until handled."""

    class Kind(models.TextChoices):
        FEVER = "fever", _("发热")
        SYMPTOMS = "symptoms", _("出现症状")

    order = models.ForeignKey(
        "control.ControlOrder", on_delete=models.CASCADE, related_name="alerts"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="control_alerts")
    followup = models.OneToOneField(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="alert"
    )
    kind = models.CharField(_("预警"), max_length=10, choices=Kind.choices)
    temperature = models.DecimalField(
        _("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    detail = models.CharField(_("情况"), max_length=300)
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handling = models.CharField(_("处置情况"), max_length=200, blank=True)

    scope_from = "order"

    class Meta:
        verbose_name = _("健康预警")
        verbose_name_plural = _("健康预警")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"
