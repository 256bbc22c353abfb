"""The measures' settings that every street shares: the levels of risk designation (name,
strictness, whether they seal, colour), the order types (name, days) and their daily
follow-up rules. Kept by users who may change a district or a city, like the risk places.

A change applies from then on: an order keeps the end date it was given, and follow-ups
already scheduled keep their times; new orders and extensions use the new settings.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from wangge.core.services import create_object, delete_object, update_object
from wangge.places.queries import acts_for_district

from .models import DesignationLevel, OrderType
from .models_followups import FollowUpRule

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_DAYS = 60


def may_configure(user) -> bool:
    return acts_for_district(user)


def _check(actor) -> None:
    if not may_configure(actor):
        raise PermissionDenied


def _save(obj: models.Model, data: dict, *, actor) -> models.Model:
    if obj.pk is None:
        for name, value in data.items():
            setattr(obj, name, value)
        return create_object(obj, actor=actor)
    update_object(obj, data, actor=actor)
    return obj


def save_level(level: DesignationLevel | None, data: dict, *, actor) -> DesignationLevel:
    """Add a level or change one: `data` has name, rank, seals, colour (and code for a new one)."""
    _check(actor)
    if not COLOUR.match(data.get("colour", "")):
        raise ValidationError({"colour": [_("颜色请用 #RRGGBB 格式，如 #f1aeb5")]})
    if level is not None:
        data = {k: v for k, v in data.items() if k != "code"}
    return _save(level or DesignationLevel(), data, actor=actor)


def save_order_type(order_type: OrderType | None, data: dict, *, actor) -> OrderType:
    """Add a measure or change one: name and days (code and kind only for a new one)."""
    _check(actor)
    days = data.get("days") or 0
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [_("期限应为 1～%(max)d 天") % {"max": MAX_DAYS}]})
    if order_type is not None:
        data = {k: v for k, v in data.items() if k not in ("code", "kind")}
    return _save(order_type or OrderType(), data, actor=actor)


def save_rule(rule: FollowUpRule | None, data: dict, *, actor) -> FollowUpRule:
    """Add a daily follow-up to a measure or change one (kind, label, time due)."""
    _check(actor)
    return _save(rule or FollowUpRule(), data, actor=actor)


def delete_rule(rule: FollowUpRule, *, actor) -> None:
    """Stop scheduling this follow-up for new days; those scheduled already stay."""
    _check(actor)
    delete_object(rule, actor=actor)
