"""Door-knocking campaigns (敲门行动): questionnaires, campaigns over a set of households, visits
(one attempt at one household), each household's current status in a campaign (the coverage
ledger), the daily close (日查日清) and the people flagged by the answers.

Scope: a questionnaire and a campaign live in the area they were made for; visits, statuses and
flags in the household they name, so a grid leader sees their own grid's part of a street-wide
campaign. Returnee screening (risk places, arrivals) is in models_returnees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person, SpecialGroup
from wangge.places.models import Area, Building, Estate, Household

from .models_returnees import Arrival, Measure, RiskLevel, RiskPlace

__all__ = [
    "Arrival",
    "Campaign",
    "DailyClose",
    "Flag",
    "HouseholdStatus",
    "Measure",
    "Method",
    "Outcome",
    "Question",
    "Questionnaire",
    "RiskLevel",
    "RiskPlace",
    "Visit",
]


class Questionnaire(ScopedModel):
    """A list of questions. A campaign gets its own copy, so that editing a questionnaire never
    changes what an earlier campaign asked."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    library_key = models.CharField(_("来自问卷库"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    scope_from = "area"


class Question(models.Model):
    """One question (one row of an XLSForm-like sheet). Questions marked `per_person` form the
    block asked once for each person living in the household."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("是/否")
        INTEGER = "integer", _("数字")
        SELECT_ONE = "select_one", _("单选")
        SELECT_MULTIPLE = "select_multiple", _("多选")
        DATE = "date", _("日期")
        TEXT = "text", _("文字")
        PEOPLE_COUNT = "people_count", _("现居人数")
        TRAVEL = "travel", _("旅居史")
        CONTACT = "contact", _("接触史")
        SYMPTOMS = "symptoms", _("症状")
        ANTIGEN = "antigen", _("抗原结果")
        PCR = "pcr", _("核酸结果")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    key = models.SlugField(_("字段名"), max_length=40)
    kind = models.CharField(_("题型"), max_length=16, choices=Kind.choices)
    label = models.CharField(_("题目"), max_length=200)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=False)
    # "key=value" or "key!=value": asked only when an earlier answer matches.
    condition = models.CharField(_("显示条件"), max_length=100, blank=True)
    per_person = models.BooleanField(_("每人一份"), default=False)
    # An answer equal to flag_value flags the person (or the household) with flag_code.
    flag_value = models.CharField(_("标记答案"), max_length=50, blank=True)
    flag_code = models.CharField(_("标记原因代码"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Method(models.TextChoices):
    VISIT = "visit", _("入户")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")


class Campaign(ScopedModel):
    """排查任务: one questionnaire asked of a set of households between two dates."""

    class Target(models.TextChoices):
        AREA = "area", _("区域内全部住户")
        ESTATES = "estates", _("指定小区")
        BUILDINGS = "buildings", _("指定楼栋")
        SPECIAL_GROUP = "special_group", _("有特殊人群的住户")

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("排查区域"), on_delete=models.PROTECT, related_name="campaigns"
    )
    target = models.CharField(
        _("排查对象"), max_length=16, choices=Target.choices, default=Target.AREA
    )
    target_estates = models.ManyToManyField(
        Estate, verbose_name=_("指定小区"), blank=True, related_name="+"
    )
    target_buildings = models.ManyToManyField(
        Building, verbose_name=_("指定楼栋"), blank=True, related_name="+"
    )
    target_group = models.CharField(
        _("特殊人群类别"), max_length=16, choices=SpecialGroup.Kind.choices, blank=True
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    methods = models.JSONField(_("排查方式"), default=list)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="campaigns"
    )
    close_time = models.TimeField(_("日查日清时间"), default="20:00")
    lookback_days = models.PositiveSmallIntegerField(_("旅居史追溯天数"), default=14)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    scope_from = "area"

    @property
    def is_open(self) -> bool:
        return self.starts_on <= timezone.localdate() <= self.ends_on

    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels[m]) for m in self.methods if m in labels]


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("已排查")
    ABSENT = "absent", _("无人在家（需再访）")
    REFUSED = "refused", _("拒绝配合")
    VACANT = "vacant", _("空置")
    MOVED = "moved", _("已搬离")


class Visit(ScopedModel):
    """走访记录: one attempt at one household, with the answers when there were any. Answers
    are {question key: value, "persons": [{"person": id or null, "name": …, key: value…}]}."""

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        IMPORT = "import", _("表格导入")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    visited_at = models.DateTimeField(_("走访时间"), default=timezone.now)
    answers = models.JSONField(_("答案"), default=dict, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    worker_name = models.CharField(_("排查人"), max_length=50, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "household", "visited_at"])]

    def __str__(self) -> str:
        return f"{self.household} {self.get_outcome_display()}"

    scope_from = "household"


class HouseholdStatus(ScopedModel):
    """A household's current standing in a campaign (the ledger row), kept by record_visit.
    Households never attempted have no row."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="statuses")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="canvass_statuses"
    )
    outcome = models.CharField(_("状态"), max_length=8, choices=Outcome.choices)
    visits = models.PositiveSmallIntegerField(_("走访次数"), default=0)
    last_visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+")
    last_at = models.DateTimeField(_("最近走访"))
    reached_at = models.DateTimeField(_("排查完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("住户排查状态")
        verbose_name_plural = _("住户排查状态")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="canvass_status_unique")
        ]

    scope_from = "household"


class Flag(ScopedModel):
    """排查发现: a person (or a household) flagged by a rule on answers or on an arrival, and the
    commander's decision on it. The measure itself is carried out by the control orders."""

    Measure = Measure

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    arrival = models.ForeignKey(
        Arrival, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="canvass_flags"
    )
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    code = models.CharField(_("原因代码"), max_length=32, db_index=True)
    reason = models.CharField(_("原因"), max_length=300)
    proposed = models.CharField(_("建议措施"), max_length=20, choices=Measure.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    measure = models.CharField(_("决定措施"), max_length=20, choices=Measure.choices, blank=True)
    decision_note = models.CharField(_("决定理由"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("排查发现")
        verbose_name_plural = _("排查发现")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_name} {self.reason}"

    def save(self, *args, **kwargs):
        self.scope_path = (
            self.household.scope_path if self.household_id else self.arrival.scope_path
        )
        super().save(*args, **kwargs)

    @property
    def decided(self) -> bool:
        return bool(self.measure)


class DailyClose(ScopedModel):
    """日查日清: a campaign's figures frozen at the day's close. The households not reached by
    then are the campaign's targets without a reaching visit at or before `as_of`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="closes")
    day = models.DateField(_("日期"))
    as_of = models.DateTimeField(_("截止时间"))
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"total": {counts}, "grids": [{"path", "name", "community", "leader", "phone", counts}]}
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("日查日清")
        verbose_name_plural = _("日查日清")
        ordering = ["campaign", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day"], name="canvass_close_unique")
        ]

    scope_from = "campaign"
