"""The workforce (工作力量): organisations that send people (派出单位, 包保单位), the workers
themselves (community staff, grid workers, cadres sent down, volunteers, reserves), recruitment
posts with the public volunteer sign-ups they collect, and the roster: posts that need people,
their shifts, who is on each shift and when they checked in and out.

Scope: an organisation, a worker, a recruitment post and a post live in the area that keeps
them (a street registers its cadres, a community its volunteers); a sign-up lives with its
recruitment post, a shift with its post, an assignment with its shift.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.places.models import Area, Estate


class Organization(ScopedModel):
    """A unit that sends workers (派出单位) and may be assigned an estate (包保单位)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("机关单位")
        INSTITUTION = "institution", _("事业单位")
        ENTERPRISE = "enterprise", _("企业")
        COMMUNITY = "community", _("社区")
        VOLUNTEER_TEAM = "volunteers", _("志愿者队伍")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.GOVERNMENT)
    area = models.ForeignKey(
        Area, verbose_name=_("登记区域"), on_delete=models.PROTECT, related_name="organizations"
    )
    estates = models.ManyToManyField(
        Estate, verbose_name=_("包保小区"), blank=True, related_name="assigned_organizations"
    )
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("派出单位")
        verbose_name_plural = _("派出单位")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="organization_name_per_area")
        ]

    def __str__(self) -> str:
        return self.name


class Worker(ScopedModel):
    """Anyone doing the work: 工作人员, 网格员, 下沉干部, 志愿者, 机动人员."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("社区工作者")
        GRID = "grid", _("网格员")
        CADRE = "cadre", _("下沉干部")
        VOLUNTEER = "volunteer", _("志愿者")
        MEDICAL = "medical", _("医务人员")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACTIVE = "active", _("在册")
        INACTIVE = "inactive", _("已退出")

    class Health(models.TextChoices):
        GREEN = "green", _("健康（绿码）")
        YELLOW = "yellow", _("黄码")
        RED = "red", _("红码")
        ISOLATED = "isolated", _("隔离中")

    # Skills a post may ask for (posts and sign-ups use the same codes).
    class Skill(models.TextChoices):
        SAMPLING = "sampling", _("核酸采样")
        REGISTRAR = "registrar", _("登记扫码")
        CALLER = "caller", _("喊楼引导")
        ORDER = "order", _("秩序维护")
        CHECKPOINT = "checkpoint", _("卡口值守")
        DELIVERY = "delivery", _("物资配送")
        DISINFECTION = "disinfection", _("消杀")
        DATA = "data", _("数据录入")
        DRIVER = "driver", _("驾驶")
        COUNSELLING = "counselling", _("心理疏导")
        MEDICAL = "medical", _("医护")

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="workers"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("派出单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("包保小区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    reserve = models.BooleanField(_("机动人员"), default=False)
    skills = models.JSONField(_("技能"), default=list, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=200, blank=True)
    health = models.CharField(
        _("健康状况"), max_length=10, choices=Health.choices, default=Health.GREEN
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["area", "status"], name="worker_area_status_idx")]

    def __str__(self) -> str:
        return self.name


class Recruitment(ScopedModel):
    """A recruitment post (招募): "今天核酸采样严重缺人", with the posts, times and number needed.
    Its public page takes volunteer sign-ups through a signed code."""

    title = models.CharField(_("标题"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("招募区域"), on_delete=models.PROTECT, related_name="recruitments"
    )
    description = models.TextField(_("说明"), blank=True)
    posts = models.ManyToManyField(
        "workforce.Post", verbose_name=_("招募岗位"), blank=True, related_name="recruitments"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    needed = models.PositiveIntegerField(_("需要人数"), default=1)
    skills = models.JSONField(_("需要技能"), default=list, blank=True)
    open = models.BooleanField(_("正在招募"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("志愿者招募")
        verbose_name_plural = _("志愿者招募")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="recruitment_ends_after",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SignUp(ScopedModel):
    """A volunteer's sign-up from a recruitment post's public page, until the community
    approves it (a Worker is then created or linked) or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        DECLINED = "declined", _("未通过")

    recruitment = models.ForeignKey(
        Recruitment, verbose_name=_("招募"), on_delete=models.CASCADE, related_name="signups"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    skills = models.JSONField(_("技能"), default=list, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=200, blank=True)
    healthy = models.BooleanField(_("本人健康、未处于隔离期"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="signups"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "recruitment"

    class Meta:
        verbose_name = _("志愿者报名")
        verbose_name_plural = _("志愿者报名")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recruitment", "phone"], name="signup_once_per_recruitment"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Post(ScopedModel):
    """A post that needs people (岗位): a sampling table, a checkpoint, a door-to-door team, a
    delivery route, a quarantine-site group, a follow-up round."""

    class Kind(models.TextChoices):
        SAMPLING = "sampling", _("核酸采样点")
        CHECKPOINT = "checkpoint", _("卡口值守")
        DOOR = "door", _("入户小组")
        DELIVERY = "delivery", _("配送路线")
        SITE = "site", _("隔离点专班")
        FOLLOW_UP = "follow_up", _("随访")
        OTHER = "other", _("其他")

    name = models.CharField(_("岗位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="posts"
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    headcount = models.PositiveSmallIntegerField(_("每班人数"), default=2)
    skills = models.JSONField(_("需要技能"), default=list, blank=True)
    # The operation's own record the post staffs, when there is one.
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint",
        verbose_name=_("卡口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    sampling_point = models.ForeignKey(
        "testing.SamplingPoint",
        verbose_name=_("采样点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    site = models.ForeignKey(
        "control.Site",
        verbose_name=_("隔离点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Shift(ScopedModel):
    """One time slot of a post with the number of people it needs (排班). Drafts are seen by
    the roster's makers only; published shifts appear in the workers' "my shifts"."""

    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    needed = models.PositiveSmallIntegerField(_("需要人数"), default=2)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "post"

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["starts_at", "post_id", "pk"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="shift_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="workforce_shift_ends_after",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.starts_at:%m-%d %H:%M}"


class Assignment(ScopedModel):
    """A worker on a shift, and their check-in and check-out at the post (到岗、离岗).
    A worker is never on two shifts that overlap (services_roster checks it under a lock on
    the worker)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工排班")
        PROPOSAL = "proposal", _("自动建议")

    shift = models.ForeignKey(
        Shift, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="assignments"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="assignments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    checked_in_at = models.DateTimeField(_("到岗时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("离岗时间"), null=True, blank=True)
    # The phone's UUIDs of its check-in and check-out (a retry records nothing twice).
    check_in_uuid = models.UUIDField(null=True, blank=True, unique=True)
    check_out_uuid = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "shift"

    class Meta:
        verbose_name = _("排班人员")
        verbose_name_plural = _("排班人员")
        ordering = ["shift_id", "worker_id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "worker"], name="assignment_once_per_shift"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_in_at__isnull=False),
                name="assignment_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.shift}"

    @property
    def hours(self) -> float:
        """Hours served: from check-in to check-out (0 until both are recorded)."""
        if self.checked_in_at is None or self.checked_out_at is None:
            return 0.0
        return max((self.checked_out_at - self.checked_in_at).total_seconds(), 0) / 3600
