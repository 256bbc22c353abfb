"""What control measures tell a testing round: people living in a sealed household (封控区) and
people under home quarantine on the round's day are sampled at home, not called down. Both are
sources of testing.schedule_door.DOOR_REASON_SOURCES, appended from ControlConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from wangge.testing.models import DoorVisit, Round
from wangge.testing.queries import target_persons
from wangge.testing.schedule_door import DoorEntry, target_residences

from .models import ControlOrder, OrderType
from .services import sealed_households


def _round_start(rnd: Round) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(rnd.date, rnd.start_time))


def sealed_source(rnd: Round) -> Iterable[DoorEntry]:
    """Target persons whose home is sealed when the round starts."""
    sealed = set(
        sealed_households(_round_start(rnd))
        .filter(scope_path__startswith=rnd.area.path)
        .values_list("pk", flat=True)
    )
    if not sealed:
        return
    persons = target_persons(rnd).filter(
        residences__household__in=sealed, residences__living=True, residences__until__isnull=True
    )
    for person_id, household_id, _unit in target_residences(rnd, persons):
        if household_id in sealed:
            yield person_id, household_id, DoorVisit.Reason.SEALED


def quarantine_source(rnd: Round) -> Iterable[DoorEntry]:
    """Target persons under home quarantine on the round's day."""
    quarantined = target_persons(rnd).filter(
        control_orders__status=ControlOrder.Status.ACTIVE,
        control_orders__order_type__kind=OrderType.Kind.HOME_QUARANTINE,
        control_orders__starts_on__lte=rnd.date,
        control_orders__ends_on__gte=rnd.date,
    )
    for person_id, household_id, _unit in target_residences(rnd, quarantined):
        yield person_id, household_id, DoorVisit.Reason.QUARANTINE
