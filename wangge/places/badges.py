"""Badges that operations put on places wherever they are listed (a household, unit, building
or estate under a risk designation shows 封控区 in the registry's lists and pages).

A provider is ``fn(places) -> {place: [Badge, …]}`` for a list of estates, buildings, units and
households (mixed), running a bounded number of queries for the whole list. Operations register
theirs in their AppConfig.ready(); `attach(objs)` sets ``obj.place_badges`` on each, for the
template ``places/_badges.html``::

    from wangge.places.badges import register_badges

    @register_badges
    def control_badges(places): ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Badge:
    label: str
    colour: str  # CSS background
    title: str = ""  # longer text (reason, since when)


Provider = Callable[[list[models.Model]], dict[models.Model, list[Badge]]]
_PROVIDERS: list[Provider] = []


def register_badges(fn: Provider) -> Provider:
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def attach(objs: Iterable[models.Model]) -> list[models.Model]:
    """Set ``place_badges`` on each of `objs` (and return them as a list)."""
    objs = list(objs)
    for obj in objs:
        obj.place_badges = []
    if not objs:
        return objs
    for provider in _PROVIDERS:
        for obj, badges in provider(objs).items():
            obj.place_badges.extend(badges)
    return objs
