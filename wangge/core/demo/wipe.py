"""Emptying the registry before `wangge demo --force` rebuilds the demo street."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from wangge.accounts.models import RoleAssignment, User
from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup
from wangge.places.models import Area, Building, CommandZone, Estate, Household, Unit

from .plan import DemoError
from .users import DEMO_USERNAMES


@transaction.atomic
def wipe_registry() -> int:
    """Delete every area, place, person and leader, every role assignment, and the demo users.

    Other accounts stay (they lose their role assignments with the areas); the change log and
    the access log stay. Returns how many rows were deleted. Raises DemoError when other data
    (e.g. operations recorded against these places) still refers to them.
    """
    deleted = 0
    steps = [
        SpecialGroup,
        Residence,
        LeaderAssignment,
        Person,
        Household,
        Unit,
        Building,
        CommandZone,
        Estate,
        RoleAssignment,
    ]
    try:
        for model in steps:
            deleted += model.objects.all().delete()[0]
        for level in sorted(Area.Level.values, reverse=True):
            deleted += Area.objects.filter(level=level).delete()[0]
        deleted += User.objects.filter(username__in=DEMO_USERNAMES).delete()[0]
    except (ProtectedError, RestrictedError) as exc:
        labels = sorted(
            {o._meta.verbose_name for o in exc.protected_objects}
            if isinstance(exc, ProtectedError)
            else {o._meta.verbose_name for o in exc.restricted_objects}
        )
        raise DemoError(
            _(
                "无法清空：其他业务数据仍引用登记数据（%(what)s）。"
                "请改用 wangge flush 清空整个数据库。"
            )
            % {"what": "、".join(str(x) for x in labels)}
        ) from exc
    return deleted
