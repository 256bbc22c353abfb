"""Persons, where they live (residences), special groups, and the five leaders (五长)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.places.models import Area, Building, CommandZone, Household, Unit, place_path


class Person(ScopedModel):
    """人员: a natural person. scope_path is the household they live in (else registered in)."""

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")
        UNKNOWN = "", _("未知")

    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, blank=True, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True, unique=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    phone_tail = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    id_tail = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    has_smartphone = models.BooleanField(_("有智能手机"), default=True)
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    # The area the person was entered under when they have no household yet.
    home_area = models.ForeignKey(
        Area,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Sent by a phone or API client so that a retried create returns the first row.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["scope_path", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Search keys and what a valid ID tells (sex, birth date)."""
        from wangge.core.normalize import id_info, name_initials

        self.name_initials = name_initials(self.name)
        self.phone_tail = (self.phone or "")[-4:]
        self.id_tail = (self.id_number or "")[-4:]
        if self.id_number and len(self.id_number) == 18:
            info = id_info(self.id_number)
            if info:
                self.sex, self.birth_date = info


class Residence(ScopedModel):
    """居住关系: a person in a household, as householder, member, tenant or temporary resident."""

    class Relation(models.TextChoices):
        HOUSEHOLDER = "householder", _("户主")
        MEMBER = "member", _("家庭成员")
        TENANT = "tenant", _("租户")
        TEMPORARY = "temporary", _("临时居住")

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="residences"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.CASCADE, related_name="residences"
    )
    relation = models.CharField(
        _("与户主关系"), max_length=16, choices=Relation.choices, default=Relation.MEMBER
    )
    registered = models.BooleanField(_("户籍在此"), default=True)
    living = models.BooleanField(_("实际居住"), default=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("迁出日期"), null=True, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("居住关系")
        verbose_name_plural = _("居住关系")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "household"], name="residence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.household}"

    scope_from = "household"


class SpecialGroup(ScopedModel):
    """特殊人群 membership: one row per person and kind."""

    class Kind(models.TextChoices):
        ELDERLY_ALONE = "elderly_alone", _("独居老人")
        IMMOBILE = "immobile", _("行动不便")
        PREGNANT = "pregnant", _("孕产妇")
        DIALYSIS = "dialysis", _("透析患者")
        CHRONIC = "chronic", _("慢性病患者")
        DISABLED = "disabled", _("残疾人")
        ONLINE_SCHOOL = "online_school", _("网课学生")
        NO_SMARTPHONE = "no_smartphone", _("无智能手机")
        NO_ID = "no_id", _("无身份证")
        INFANT = "infant", _("婴幼儿")

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="special_groups"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, db_index=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("特殊人群")
        verbose_name_plural = _("特殊人群")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="special_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"

    scope_from = "person"


class LeaderAssignment(ScopedModel):
    """五长 and command zone leaders: who is responsible for an area, a building or a unit."""

    class Role(models.TextChoices):
        STREET = "street", _("街长")
        ROAD = "road", _("路(巷)长")
        GRID = "grid", _("网格长")
        BUILDING = "building", _("楼栋长")
        UNIT = "unit", _("单元长")
        COMMANDER = "commander", _("指挥长")
        DEPUTY = "deputy", _("副指挥长")

    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leader_roles",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leaders",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leaders",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单元"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leaders",
    )
    command_zone = models.ForeignKey(
        CommandZone,
        verbose_name=_("指挥区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leaders",
    )
    label = models.CharField(
        _("负责范围"), max_length=100, blank=True, help_text=_("路(巷)长负责的道路名称等")
    )
    organisation = models.CharField(_("派出单位"), max_length=100, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("负责人")
        verbose_name_plural = _("负责人")
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    def save(self, *args, **kwargs):
        self.scope_path = place_path(self)
        super().save(*args, **kwargs)
