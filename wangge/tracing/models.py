"""Contact lists (密接名单): the sheets of close contacts, secondary contacts and quarantine-site
rosters that arrive every day from towns, streets, the CDC, the police and the sites, merged
into one row per real person ("筛重、汇总").

- `Source`: who sends lists (某镇, 市疾控, 公安分局, 某隔离点), with the column mapping learnt from
  its sheets, so that tomorrow's sheet from the same source imports without questions.
- `Batch`: one uploaded sheet (a workbook gives one batch per sheet), with its source, day and
  kind, and the import's report (rows read, imported, rejected with row and reason).
- `ContactRow`: one row as it came (provenance: batch and row number, the raw cells) and its
  normalised fields, linked to the merged person it names.
- `ContactPerson`: one real person, with the best values of the rows that name them, the
  registry person and household they match (if any), and what the lists say of them.
- `MatchPair`: a pair of merged people (or a merged person and a registry person) the linkage
  could not decide, waiting in the review queue; `MatchDecision` remembers each decision by the
  two records' identity keys, so re-importing the same rows does not ask again.

Scope: a source, its batches and their rows live in the area that receives them (a street or a
district's data team); a merged person lives in the household they match, else in the area of
the first batch that named them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import ScopedModel
from wangge.people.models import Person
from wangge.places.models import Area, Household


class ListKind(models.TextChoices):
    CLOSE = "close", _("密接")
    SECONDARY = "secondary", _("次密接")
    SITE_ROSTER = "site_roster", _("隔离点名单")
    OTHER = "other", _("其他")


class Source(ScopedModel):
    """Who sends lists, and how its sheets' columns map to our fields."""

    name = models.CharField(_("来源名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("接收区域"), on_delete=models.PROTECT, related_name="contact_sources"
    )
    default_kind = models.CharField(
        _("默认名单类型"), max_length=12, choices=ListKind.choices, default=ListKind.CLOSE
    )
    # {header as written in the sheet (header_key form): field name}, learnt on each import.
    mapping = models.JSONField(_("列对应关系"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("名单来源")
        verbose_name_plural = _("名单来源")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="contact_source_once_per_area")
        ]

    def __str__(self) -> str:
        return self.name


class Batch(ScopedModel):
    """One imported sheet: its source, day, kind and the import's report."""

    class Status(models.TextChoices):
        IMPORTED = "imported", _("已导入待比对")
        LINKED = "linked", _("已比对")
        FAILED = "failed", _("导入失败")

    source = models.ForeignKey(
        Source, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="batches"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("接收区域"), on_delete=models.PROTECT, related_name="contact_batches"
    )
    day = models.DateField(_("名单日期"), db_index=True)
    kind = models.CharField(_("名单类型"), max_length=12, choices=ListKind.choices)
    file_name = models.CharField(_("文件名"), max_length=200)
    sheet_name = models.CharField(_("工作表"), max_length=100, blank=True)
    # sha256 of the file and the sheet: the same sheet imported again updates, never duplicates.
    digest = models.CharField(max_length=64, db_index=True)
    mapping = models.JSONField(_("列对应关系"), default=dict, blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_imported = models.PositiveIntegerField(_("导入行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("拒绝行数"), default=0)
    # [{"row": n, "column": "...", "reason": "..."}]
    rejects = models.JSONField(_("拒绝明细"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.IMPORTED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    scope_from = "area"

    class Meta:
        verbose_name = _("名单批次")
        verbose_name_plural = _("名单批次")
        ordering = ["-day", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.day} {self.sheet_name or self.file_name}"


class ContactPerson(ScopedModel):
    """One real person named by one or more rows (合并后的一人)."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    # The strongest kind any list gave them (close before secondary…), and the first day seen.
    kind = models.CharField(_("名单类型"), max_length=12, choices=ListKind.choices)
    first_day = models.DateField(_("首次出现日期"), db_index=True)
    last_day = models.DateField(_("最近出现日期"))
    rows_count = models.PositiveIntegerField(_("出现次数"), default=1)
    person = models.ForeignKey(
        Person,
        verbose_name=_("登记人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_entries",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("所在住户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_entries",
    )
    # How the registry match was made: "id", "phone_name", "probabilistic", "review" or "".
    person_match = models.CharField(_("匹配方式"), max_length=16, blank=True)
    handed_over_at = models.DateTimeField(_("移交管控时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("合并名单人员")
        verbose_name_plural = _("合并名单人员")
        ordering = ["-first_day", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ContactRow(ScopedModel):
    """One row of a batch, as it came and normalised."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("行号"))
    raw = models.JSONField(_("原始内容"), default=dict)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    id_valid = models.BooleanField(_("身份证号有效"), default=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    contact_date = models.DateField(_("接触日期"), null=True, blank=True)
    exposure = models.CharField(_("接触情况"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    entity = models.ForeignKey(
        ContactPerson,
        verbose_name=_("合并后人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rows",
    )
    # How the row joined its person: "id", "phone_name", "probabilistic", "review", "new".
    link = models.CharField(_("合并方式"), max_length=16, blank=True)
    score = models.FloatField(_("匹配概率"), null=True, blank=True)

    scope_from = "batch"

    class Meta:
        verbose_name = _("名单行")
        verbose_name_plural = _("名单行")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="contact_row_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.row_number} {self.name}"


class MatchPair(ScopedModel):
    """A pair the linkage could not decide (grey zone), waiting for a worker: two merged
    people, or a merged person and a registry person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核对")
        MERGED = "merged", _("同一人，已合并")
        DISTINCT = "distinct", _("不是同一人")
        LATER = "later", _("稍后再定")

    left = models.ForeignKey(ContactPerson, on_delete=models.CASCADE, related_name="pairs_as_left")
    right = models.ForeignKey(
        ContactPerson,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pairs_as_right",
    )
    right_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("匹配概率"))
    # What agreed and what did not: {"name": "exact", "id_number": "1 digit", …}
    evidence = models.JSONField(_("比对依据"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("核对时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_from = "left"

    class Meta:
        verbose_name = _("待核对配对")
        verbose_name_plural = _("待核对配对")
        ordering = ["-score", "pk"]

    def __str__(self) -> str:
        return f"{self.left} ~ {self.right or self.right_person}"


class MatchDecision(models.Model):
    """A worker's decision on a pair, by the two records' identity keys (sorted), so that the
    same two records met again are decided the same way without asking."""

    key_a = models.CharField(max_length=120)
    key_b = models.CharField(max_length=120)
    same = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核对决定")
        verbose_name_plural = _("核对决定")
        constraints = [
            models.UniqueConstraint(fields=["key_a", "key_b"], name="match_decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.key_a} {'=' if self.same else '≠'} {self.key_b}"
