"""The support settings every street shares: the kinds of request with their response deadline
and flags (medicine, routable, active). Kept by users who may change a district or a city, like
the control measures' settings. A change applies to requests filed from then on: a request
keeps the deadline it was given."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from wangge.core.services import create_object, update_object
from wangge.places.queries import acts_for_district

from .models import SupportKind

MIN_MINUTES = 10
MAX_MINUTES = 7 * 24 * 60


def may_configure(user) -> bool:
    return acts_for_district(user)


def save_kind(kind: SupportKind | None, data: dict, *, actor) -> SupportKind:
    """Add a kind or change one: name, deadline (minutes), medicine, routable, order, active
    (the code only for a new one)."""
    if not may_configure(actor):
        raise PermissionDenied
    minutes = data.get("deadline_minutes") or 0
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {
                "deadline_minutes": [
                    _("响应时限应为 %(min)d～%(max)d 分钟（最长 7 天）")
                    % {"min": MIN_MINUTES, "max": MAX_MINUTES}
                ]
            }
        )
    if kind is None:
        obj = SupportKind(**data)
        return create_object(obj, actor=actor)
    update_object(kind, {k: v for k, v in data.items() if k != "code"}, actor=actor)
    return kind
