"""What the sampling table reads: the rounds a worker may register in, and who a scanned code
(a person or household QR code, or an ID number) is — masked, with whether they were already
sampled this round."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wangge.core.mask import mask_id, mask_name
from wangge.core.normalize import NormalizationError, normalize_id_number
from wangge.core.qr import HOUSEHOLD, BadQrCode, parse_token
from wangge.core.scope import VIEW, covers, scope_paths
from wangge.people.models import Person, Residence
from wangge.places.models import Household

from .models import DoorTeam, Round, Sample, SamplingPoint, SamplingTable


def rounds_reachable(user) -> QuerySet[Round]:
    """Rounds the user works in: the round's area is in their scope, or one of its sampling
    points or door-to-door teams is (a grid's workers at a street-wide round)."""
    if not scope_paths(user, VIEW):
        return Round.objects.none()
    return Round.objects.filter(
        Q(pk__in=Round.objects.for_user(user, VIEW).values("pk"))
        | Exists(SamplingPoint.objects.for_user(user, VIEW).filter(round=OuterRef("pk")))
        | Exists(DoorTeam.objects.for_user(user, VIEW).filter(round=OuterRef("pk")))
    )


def reachable_round(user, pk: int) -> Round:
    """The round, or 404 when the user has no part in it."""
    return get_object_or_404(rounds_reachable(user).select_related("area"), pk=pk)


# (round id, table id) -> (loaded at, the table with its point and round). Each worker process
# keeps what a phone posting tube after tube asks again and again; an edit of a round, point or
# table in this process empties it, one in another process is seen after TABLE_CACHE_SECONDS
# (a round closed there may take tubes for that long).
TABLE_CACHE_SECONDS = 5.0
_tables: dict[tuple[int, int], tuple[float, SamplingTable | None]] = {}


def _forget_tables(**_kwargs) -> None:
    _tables.clear()


for _model in (Round, SamplingPoint, SamplingTable):
    post_save.connect(_forget_tables, sender=_model, dispatch_uid=f"tubes_lookup_{_model.__name__}")
    post_delete.connect(
        _forget_tables, sender=_model, dispatch_uid=f"tubes_lookup_del_{_model.__name__}"
    )


def _table_of_round(round_id: int, table_id: int) -> SamplingTable | None:
    now = time.monotonic()
    cached = _tables.get((round_id, table_id))
    if cached is not None and now - cached[0] < TABLE_CACHE_SECONDS:
        return cached[1]
    table = (
        SamplingTable.objects.select_related("point__round")
        .filter(pk=table_id, point__round_id=round_id)
        .first()
    )
    if len(_tables) > 10_000:
        _tables.clear()
    _tables[(round_id, table_id)] = (now, table)
    return table


def visible_table(user, round_id: int, table_id: int) -> SamplingTable | None:
    """The table of the round, with its point and round loaded, when the user sees it (the
    objects are shared within the process for a few seconds: read them, do not change them).
    Its point in the user's scope makes the round reachable too (see rounds_reachable). None
    otherwise: the general checks then answer 404."""
    table = _table_of_round(round_id, table_id)
    if table is None:
        return None
    if not (covers(user, table.scope_path, VIEW) and covers(user, table.point.scope_path, VIEW)):
        return None
    return table


def _living_households(person_ids) -> dict[int, Household]:
    rows = (
        Residence.objects.filter(person_id__in=person_ids, living=True, until__isnull=True)
        .select_related("household__building", "household__unit")
        .order_by("-registered", "id")
    )
    out: dict[int, Household] = {}
    for res in rows:
        out.setdefault(res.person_id, res.household)
    return out


def person_cards(rnd: Round, persons: list[Person], households=None) -> list[dict]:
    """What the table shows for each person: masked name and ID, household, earlier tube."""
    ids = [p.pk for p in persons]
    sampled = dict(
        Sample.objects.filter(round=rnd, person_id__in=ids)
        .order_by("-tube_id")
        .values_list("person_id", "tube__barcode")
    )
    homes = households if households is not None else _living_households(ids)
    return [
        {
            "id": p.pk,
            "name": mask_name(p.name),
            "id_number": mask_id(p.id_number),
            "household": str(homes[p.pk]) if p.pk in homes else "",
            "already_sampled": sampled.get(p.pk),
        }
        for p in persons
    ]


def lookup_code(rnd: Round, code: str, user) -> dict | None:
    """Who a scanned or typed code names, within the user's scope; None when nobody (404).

    {"kind": "person" | "household", "household": label, "people": [cards]}; a household
    code lists the people living there to choose from. ValidationError for an altered code or
    a malformed ID number."""
    text = (code or "").strip()
    if not text:
        return None
    try:
        qr = parse_token(text)
    except BadQrCode:
        raise ValidationError({"code": [_("二维码无效或已被篡改")]}) from None
    persons = Person.objects.for_user(user, VIEW).only("id", "name", "id_number")
    if qr is not None and qr.kind == HOUSEHOLD:
        household = (
            Household.objects.for_user(user, VIEW)
            .select_related("building", "unit")
            .filter(pk=qr.pk)
            .first()
        )
        if household is None:
            return None
        residents = list(
            persons.filter(
                residences__household=household,
                residences__living=True,
                residences__until__isnull=True,
            ).order_by("residences__relation", "id")
        )
        homes = {p.pk: household for p in residents}
        return {
            "kind": "household",
            "household": str(household),
            "people": person_cards(rnd, residents, homes),
        }
    if qr is not None:
        person = persons.filter(pk=qr.pk).first()
    else:
        try:
            number = normalize_id_number(text)
        except NormalizationError as exc:
            raise ValidationError({"code": [str(exc)]}) from None
        person = persons.filter(id_number=number).first() if number else None
    if person is None:
        return None
    cards = person_cards(rnd, [person])
    return {"kind": "person", "household": cards[0]["household"], "people": cards}
