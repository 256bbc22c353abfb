"""Status providers for the building map (楼栋图): what colour each household cell gets.

A provider has a name (the map's ``?status=<name>``), a label, a legend of status keys
(label and CSS colour) and a function ``fn(building) -> {household_id: (status_key, label)}``.
The registry itself provides "registry" (vacant / nobody recorded / occupied / special group);
operations register their own, e.g. a testing round's sampled / not yet, a canvass's visited,
a control order's sealed::

    from wangge.places.mapstatus import register_status

    @register_status("canvass", _("排查"), legend={"done": (_("已排查"), "#9be7a1"), ...})
    def canvass_status(building):
        return {hh_id: ("done", _("已排查")) for hh_id in ...}

A provider runs a bounded number of queries for the whole building, never one per household.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Building, Household

StatusMap = dict[int, tuple[str, str]]


@dataclass(frozen=True)
class StatusProvider:
    name: str
    label: str
    legend: dict[str, tuple[str, str]]  # status key -> (label, CSS colour)
    fn: Callable[[Building], StatusMap]
    default_key: str = ""

    def statuses(self, building: Building) -> StatusMap:
        return self.fn(building)

    def colour(self, key: str) -> str:
        return self.legend.get(key, ("", "#ffffff"))[1]

    def legend_items(self) -> list[tuple[str, str, str]]:
        return [(key, str(label), colour) for key, (label, colour) in self.legend.items()]


_PROVIDERS: dict[str, StatusProvider] = {}
DEFAULT_PROVIDER = "registry"


def register_status(name: str, label, *, legend: dict[str, tuple], default_key: str = ""):
    """Decorator registering `fn(building)` as the status provider `name`."""

    def wrap(fn: Callable[[Building], StatusMap]) -> Callable[[Building], StatusMap]:
        _PROVIDERS[name] = StatusProvider(
            name=name, label=label, legend=legend, fn=fn, default_key=default_key
        )
        return fn

    return wrap


def unregister_status(name: str) -> None:
    if name != DEFAULT_PROVIDER:
        _PROVIDERS.pop(name, None)


def get_provider(name: str | None) -> StatusProvider:
    """The provider called `name`, else the default one."""
    return _PROVIDERS.get(name or "", _PROVIDERS[DEFAULT_PROVIDER])


def providers() -> list[StatusProvider]:
    return list(_PROVIDERS.values())


REGISTRY_LEGEND = {
    "vacant": (_("空置"), "#dee2e6"),
    "empty": (_("未登记人员"), "#fff3cd"),
    "occupied": (_("有人居住"), "#d1e7dd"),
    "special": (_("有特殊人群"), "#f8c291"),
}


@register_status(DEFAULT_PROVIDER, _("登记情况"), legend=REGISTRY_LEGEND, default_key="empty")
def registry_status(building: Building) -> StatusMap:
    """Vacant, nobody recorded, occupied, or someone in a special group lives there."""
    live = Q(residences__living=True, residences__until__isnull=True)
    rows = (
        Household.objects.filter(building=building)
        .annotate(
            n_special=Count("residences__person__special_groups", filter=live, distinct=True),
            n_living=Count("residences", filter=live, distinct=True),
        )
        .values_list("id", "vacant", "people_count", "n_special", "n_living")
    )
    out: StatusMap = {}
    for hh_id, vacant, people_count, n_special, n_living in rows:
        if vacant:
            key = "vacant"
        elif n_special:
            key = "special"
        elif people_count or n_living:
            key = "occupied"
        else:
            key = "empty"
        out[hh_id] = (key, str(REGISTRY_LEGEND[key][0]))
    return out
