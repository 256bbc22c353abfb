"""Household passes (出入证): issuing them in bulk for an estate, their signed codes, revoking
one (lost, household sealed), and the revocation list a gate page pulls."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, covers
from wangge.core.services import update_object
from wangge.places.models import Estate, Household

from . import signing
from .models import Pass


def token(card: Pass) -> str:
    """The signed code printed on the pass."""
    return signing.sign(card.pk, card.household_id, card.valid_until)


def issue(
    households, *, actor, valid_until: dt.date, valid_from: dt.date | None = None
) -> tuple[list[Pass], list[tuple[Household, str]]]:
    """A pass for each of `households` that has none valid now (vacant flats get none; an
    expired pass is retired and replaced). Returns (issued, skipped with the reason)."""
    valid_from = valid_from or timezone.localdate()
    if valid_until < valid_from:
        raise ValidationError({"valid_until": [_("有效期至不能早于有效期起")]})
    issued, skipped = [], []
    today = timezone.localdate()
    unrevoked = Pass.objects.filter(revoked_at__isnull=True, household__in=households)
    current = set(unrevoked.filter(valid_until__gte=today).values_list("household_id", flat=True))
    # An expired pass not yet revoked holds the household's one place: it is retired (revoked
    # as expired) when its replacement is issued.
    expired = set(unrevoked.filter(valid_until__lt=today).values_list("household_id", flat=True))
    for hh in households:
        if not covers(actor, hh.scope_path, CHANGE):
            raise PermissionDenied
        if hh.vacant:
            skipped.append((hh, _("空置")))
        elif hh.pk in current:
            skipped.append((hh, _("已有有效出入证")))
        else:
            with transaction.atomic():
                if hh.pk in expired:
                    Pass.objects.filter(household=hh, revoked_at__isnull=True).update(
                        revoked_at=timezone.now(), revoke_reason=_("已过期，换发新证")
                    )
                card = Pass.objects.create(
                    household=hh,
                    number=f"T{hh.pk}-{timezone.now():%y%m%d%H%M%S%f}",
                    valid_from=valid_from,
                    valid_until=valid_until,
                    issued_by=actor if getattr(actor, "pk", None) else None,
                )
                card.number = f"{hh.building.estate_id or 0:03d}-{card.pk:06d}"
                card.save(update_fields=["number"])
            issued.append(card)
    return issued, skipped


def estate_households(estate: Estate) -> QuerySet[Household]:
    return (
        Household.objects.filter(building__estate=estate)
        .select_related("building__estate", "unit")
        .order_by("building__sort_key", "unit__sort_key", "floor", "room", "pk")
    )


def revoke(card: Pass, *, actor, reason: str) -> Pass:
    if not covers(actor, card.scope_path, CHANGE):
        raise PermissionDenied
    if card.revoked_at is not None:
        raise ValidationError(_("该出入证已作废"))
    if not reason.strip():
        raise ValidationError({"revoke_reason": [_("请填写作废原因，如：遗失、住户封控")]})
    update_object(
        card, {"revoked_at": timezone.now(), "revoke_reason": reason.strip()[:100]}, actor=actor
    )
    return card


def revoked_since(estate_ids, since: dt.datetime | None = None) -> QuerySet[Pass]:
    """Passes of these estates revoked after `since` (all revoked ones still within their
    validity when `since` is None): what a gate page pulls when it comes online."""
    qs = Pass.objects.filter(
        household__building__estate_id__in=estate_ids,
        revoked_at__isnull=False,
        valid_until__gte=timezone.localdate() - dt.timedelta(days=1),
    )
    if since is not None:
        qs = qs.filter(revoked_at__gt=since)
    return qs.order_by("revoked_at", "pk")
