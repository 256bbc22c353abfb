"""Who a round is for: the people expected to be sampled."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from wangge.people.models import Person, Residence, SpecialGroup

from .models import Round


def living_here() -> Exists:
    """The person has a current residence they actually live in."""
    return Exists(Residence.objects.filter(person=OuterRef("pk"), living=True, until__isnull=True))


def target_persons(rnd: Round) -> QuerySet[Person]:
    """The people a round expects: residents living in its area (or its buildings), narrowed to
    a special group when the round targets one. Not scoped to a user: callers add for_user."""
    qs = Person.objects.filter(scope_path__startswith=rnd.area.path).filter(living_here())
    if rnd.target == Round.Target.BUILDINGS:
        qs = qs.filter(
            residences__household__building__in=rnd.target_buildings.all(),
            residences__living=True,
            residences__until__isnull=True,
        ).distinct()
    elif rnd.target == Round.Target.SPECIAL_GROUP and rnd.target_group:
        qs = qs.filter(
            Exists(SpecialGroup.objects.filter(person=OuterRef("pk"), kind=rnd.target_group))
        )
    return qs
