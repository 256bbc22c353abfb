"""Reading the merged contact list (合并名单) and the review queue (待核对).

- `merged_rows(user, day=…, new=…, kind=…, q=…, area=…, measure=…)`: one ContactPerson per
  real person, in the user's scope, annotated with `under_measure` (an active ControlOrder of
  their registry person), `on_day` (named by a batch of that day) and `is_new` (first seen on
  that day: new since yesterday).
- `describe(people)`: what a list or an export shows of each person, read in a bounded number
  of queries for a whole page or chunk: the sources and days that named them, sex and birth
  (rows, else the ID), the notes, the grid, the registry household's grid › building › unit ›
  room.
- `queue(user)`: the review pairs, pending first (highest score first), then those marked
  "later" in the order they were put aside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.models import ControlOrder
from wangge.core.normalize import clean_text, id_info
from wangge.core.scope import VIEW, split_path
from wangge.places.models import Area, Household

from .models import Batch, ContactPerson, ContactRow, MatchPair

Status = MatchPair.Status
OPEN = (Status.PENDING, Status.LATER)


# --- the merged list ---------------------------------------------------------------------------


def active_order_q():
    """An Exists() subquery: the ContactPerson's registry person has an active order."""
    return Exists(
        ControlOrder.objects.filter(
            person_id=OuterRef("person_id"), status=ControlOrder.Status.ACTIVE
        )
    )


def latest_day(user, action: str = VIEW, *, system: bool = False) -> dt.date:
    """The last day a list arrived in the user's scope (today when none has)."""
    batches = Batch.objects.all() if system else Batch.objects.for_user(user, action)
    day = batches.order_by("-day").values_list("day", flat=True).first()
    return day or timezone.localdate()


def merged_rows(
    user,
    *,
    day: dt.date | None = None,
    new: bool = False,
    kind: str = "",
    q: str = "",
    area: str = "",
    measure: str = "",
    action: str = VIEW,
    system: bool = False,
):
    """The merged people the user may see (`action`), with `under_measure` and `is_new`.

    day: only people named by a list of that day (None: every day); new: only those first seen
    that day (or, without a day, first seen on the latest day); kind: the strongest list kind;
    q: name, a registry match's initials, or the last 4+ digits of the ID or phone; area: a
    path prefix; measure: "yes" / "no"; system: every person, for the command line (no user)."""
    base = ContactPerson.objects.all() if system else ContactPerson.objects.for_user(user, action)
    qs = base.annotate(under_measure=active_order_q())
    if day is not None:
        qs = qs.filter(
            Exists(ContactRow.objects.filter(entity_id=OuterRef("pk"), batch__day=day))
        ).annotate(
            is_new=Case(
                When(first_day=day, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        if new:
            qs = qs.filter(first_day=day)
    else:
        if new:
            qs = qs.filter(first_day=latest_day(user, action, system=system))
        qs = qs.annotate(is_new=Value(0, output_field=IntegerField()))
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.within(area)
    if measure == "yes":
        qs = qs.filter(under_measure=True)
    elif measure == "no":
        qs = qs.filter(under_measure=False)
    text = clean_text(q)
    if text:
        match = Q(name__contains=text)
        if text.isascii() and text.isalpha():
            # Registry-matched people can be found by their name's initials (zw → 张伟).
            match |= Q(person__name_initials__iexact=text)
        if text.isascii() and text.isalnum() and len(text) >= 4:
            match |= Q(phone__endswith=text) | Q(id_number__iendswith=text)
        qs = qs.filter(match)
    return qs.select_related(
        "household__building__area", "household__building__estate", "household__unit"
    ).order_by("-first_day", "name", "pk")


def counts(user, day: dt.date) -> dict[str, int]:
    """今日名单 N 人，新增 N 人，已管控 N 人，待核对 N 对."""
    today = merged_rows(user, day=day)
    return {
        "total": today.count(),
        "new": today.filter(first_day=day).count(),
        "under_measure": today.filter(under_measure=True).count(),
        "pending": MatchPair.objects.for_user(user, VIEW).filter(status__in=OPEN).count(),
    }


# --- what a row shows --------------------------------------------------------------------------


@dataclass
class Named:
    """One source naming a person: the source's name and the days of its lists."""

    source: str
    days: list[dt.date] = field(default_factory=list)

    def __str__(self) -> str:
        days = "、".join(d.strftime("%m-%d") for d in self.days)
        return f"{self.source}（{days}）" if days else self.source


def household_label(hh: Household | None) -> str:
    """Grid › building › unit › room of a registry household, else 未匹配到登记住户."""
    if hh is None:
        return _("未匹配到登记住户")
    parts = [
        hh.building.area.name,
        str(hh.building),
        _("%(n)s单元") % {"n": hh.unit.number},
        _("%(n)s室") % {"n": hh.room},
    ]
    return " › ".join(parts)


def _areas(paths: set[str]) -> dict[str, str]:
    return dict(Area.objects.filter(path__in=paths).values_list("path", "name"))


def describe(people) -> list[ContactPerson]:
    """Attach `named` (list[Named]), `sources_text`, `sex`, `birth`, `notes`, `grid_name` and
    `household_text` to each person (one query for the rows, one for the areas)."""
    people = list(people)
    by_pk = {p.pk: p for p in people}
    for p in people:
        p.named, p.sex, p.birth, p.notes = [], "", None, []
    rows = (
        ContactRow.objects.filter(entity_id__in=list(by_pk))
        .order_by("batch__source__name", "batch__day", "row_number")
        .values_list("entity_id", "batch__source__name", "batch__day", "sex", "birth_date", "note")
    )
    for pk, source, day, sex, birth, note in rows:
        p = by_pk[pk]
        if not p.named or p.named[-1].source != source:
            p.named.append(Named(source))
        if day not in p.named[-1].days:
            p.named[-1].days.append(day)
        p.sex = p.sex or sex
        p.birth = p.birth or birth
        if note and note not in p.notes:
            p.notes.append(note)
    grids = _areas({split_path(p.scope_path)[0] for p in people})
    for p in people:
        info = id_info(p.id_number) if len(p.id_number) == 18 else None
        if info:
            p.sex, p.birth = p.sex or info[0], p.birth or info[1]
        p.sex_label = {"M": _("男"), "F": _("女")}.get(p.sex, "")
        p.sources_text = "、".join(str(n) for n in p.named)
        p.notes_text = "；".join(p.notes)
        if p.household_id:
            p.grid_name = p.household.building.area.name
        else:
            p.grid_name = grids.get(split_path(p.scope_path)[0], "")
        p.household_text = household_label(p.household if p.household_id else None)
    return people


def provenance(person: ContactPerson):
    """Every row naming the person, with its batch and source (for the detail page)."""
    return (
        ContactRow.objects.filter(entity=person)
        .select_related("batch__source")
        .order_by("batch__day", "batch__source__name", "batch_id", "row_number")
    )


# --- the review queue --------------------------------------------------------------------------


def queue(user, action: str = VIEW):
    """Open pairs: pending ones by score (highest first), then those put aside ("later") in
    the order they were put aside."""
    return (
        MatchPair.objects.for_user(user, action)
        .filter(status__in=OPEN)
        .annotate(
            later=Case(
                When(status=Status.LATER, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            # pending pairs by score; those put aside by when they were put aside
            rank=Case(
                When(status=Status.PENDING, then=F("score")),
                default=Value(0.0),
                output_field=FloatField(),
            ),
        )
        .select_related("left", "right", "right_person")
        .order_by("later", "-rank", "decided_at", "pk")
    )


def queue_counts(user) -> dict[str, int]:
    qs = MatchPair.objects.for_user(user, VIEW).filter(status__in=OPEN)
    later = qs.filter(status=Status.LATER).count()
    total = qs.count()
    return {"pending": total - later, "later": later, "total": total}
