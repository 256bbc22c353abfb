"""The building map's "testing" status (楼栋图 ?status=testing): each household coloured by the
latest round over the building — everyone living there sampled, some, none, someone positive
(a single-tube positive), a retest pending (in a positive pool, no single tube since), or
vacant. Three queries for the whole building. Registered from TestingConfig.ready()."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BooleanField, Q, Value
from django.utils.translation import gettext_lazy as _

from wangge.people.models import Residence
from wangge.places.mapstatus import StatusMap, register_status
from wangge.places.models import Building, Household

from .models import Round
from .whoisleft import status_exprs

LEGEND = {
    "positive": (_("有阳性"), "#f1aeb5"),
    "retest": (_("待单管复核"), "#ffc078"),
    "none": (_("均未检"), "#fff3cd"),
    "some": (_("部分已检"), "#cfe2ff"),
    "all": (_("全部已检"), "#d1e7dd"),
    "vacant": (_("空置/无人居住"), "#dee2e6"),
}


def latest_round(building: Building) -> Round | None:
    """The latest round (by date, then number) whose area holds the building."""
    area_ids = [int(p) for p in building.scope_path.strip("/").split("/") if p.isdigit()]
    rounds = Round.objects.filter(area_id__in=area_ids).exclude(
        Q(target=Round.Target.BUILDINGS) & ~Q(target_buildings=building)
    )
    return rounds.order_by("-date", "-number", "-pk").first()


def household_states(rnd: Round | None, building: Building) -> StatusMap:
    households = Household.objects.filter(building=building).values_list("pk", "vacant")
    if rnd is not None:
        flags = status_exprs(rnd, ref="person_id")
    else:
        flags = defaultdict(lambda: Value(False, output_field=BooleanField()))
    rows = (
        Residence.objects.filter(household__building=building, living=True, until__isnull=True)
        .annotate(
            sampled=flags["sampled"],
            single_positive=flags["single_positive"],
            retest=flags["retest"],
        )
        .values("household_id", "sampled", "single_positive", "retest")
    )
    people: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        people[row["household_id"]].append(row)
    out: StatusMap = {}
    for hh_id, vacant in households:
        residents = people.get(hh_id, [])
        sampled = sum(1 for r in residents if r["sampled"])
        if any(r["single_positive"] for r in residents):
            key = "positive"
        elif any(r["retest"] for r in residents):
            key = "retest"
        elif vacant or not residents:
            key = "vacant"
        elif sampled == len(residents):
            key = "all"
        else:
            key = "some" if sampled else "none"
        out[hh_id] = (key, str(LEGEND[key][0]))
    return out


@register_status("testing", _("核酸检测"), legend=LEGEND, default_key="vacant")
def testing_status(building: Building) -> StatusMap:
    return household_states(latest_round(building), building)
