"""A stay at a central quarantine site (集中隔离点) after check-in: the person's file, special
diet and medical needs, checkout on release, and the parcels families bring.

Rules: checkout needs the stay's order released (or a note saying why not); a parcel is
disinfected before it is delivered. Times typed on a phone may not run ahead of the server's
clock (beyond a little slack).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.normalize import NormalizationError, clean_text, normalize_phone
from wangge.core.scope import RECORD
from wangge.core.services import create_object, update_object

from .models import ControlOrder
from .models_sites import Parcel, Stay
from .services_site_access import require, user_or_none

# A time typed on a phone may run a little ahead of the server's clock.
CLOCK_SLACK = dt.timedelta(minutes=5)


def at_or_now(at: dt.datetime | None, name: str) -> dt.datetime:
    """`at` (now when None), made aware; a ValidationError on `name` if it is in the future."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SLACK:
        raise ValidationError({name: [_("时间不能晚于当前时间")]})
    return at


def local_text(value: dt.datetime) -> str:
    """A time as shown in messages: local, to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def check_out(stay: Stay, *, actor, note: str = "", at: dt.datetime | None = None) -> Stay:
    """The person leaves the site at `at` (now by default). Needs the stay's order released
    (or no longer in force); otherwise a note saying why (sent to hospital, moved to another
    site, released by the command post…). The room is free again."""
    require(actor, stay.site, RECORD)
    if stay.checked_out_at is not None:
        raise ValidationError(_("该人员已于 %(at)s 离开") % {"at": local_text(stay.checked_out_at)})
    at = at_or_now(at, "checked_out_at")
    note = clean_text(note or "")
    errors: dict[str, list[str]] = {}
    if at < stay.checked_in_at:
        errors["checked_out_at"] = [
            _("离开时间不能早于入住时间 %(at)s") % {"at": local_text(stay.checked_in_at)}
        ]
    order = stay.order
    ended = order is not None and order.status != ControlOrder.Status.ACTIVE
    if not ended and not note:
        if order is None:
            errors["note"] = [_("该人员没有关联管控措施，离开须填写说明")]
        else:
            errors["note"] = [
                _("管控措施尚未解除（至 %(end)s），提前离开须填写说明（如：转送医院）")
                % {"end": order.ends_on}
            ]
    if errors:
        raise ValidationError(errors)
    update_object(
        stay,
        {"checked_out_at": at, "checked_out_by": user_or_none(actor), "checkout_note": note[:200]},
        actor=actor,
    )
    return stay


def update_stay(stay: Stay, data: dict, *, actor) -> Stay:
    """Record the person's file, special diet and medical needs (allowed while staying)."""
    require(actor, stay.site, RECORD)
    allowed = {"arrived_from", "file_note", "diet", "diet_note", "medical_needs"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))})
    if "diet" in data and data["diet"] not in Stay.Diet.values:
        raise ValidationError({"diet": [_("特殊饮食选项不正确")]})
    clean = {
        k: (v or "").strip() if k == "file_note" else clean_text(v or "") for k, v in data.items()
    }
    update_object(stay, clean, actor=actor)
    return stay


# --- parcels ----------------------------------------------------------------------------------


def receive_parcel(
    stay: Stay,
    *,
    actor,
    description: str,
    sender: str = "",
    sender_phone: str = "",
    disinfected: bool = False,
    at: dt.datetime | None = None,
) -> Parcel:
    """A parcel from family for someone staying: logged at the gate, disinfected, delivered."""
    require(actor, stay.site, RECORD)
    errors = {}
    if stay.checked_out_at is not None:
        errors["__all__"] = [_("该人员已离开隔离点，不能再登记包裹")]
    description = clean_text(description or "")
    if not description:
        errors["description"] = [_("请填写物品")]
    try:
        phone = normalize_phone(sender_phone or "")
    except NormalizationError as exc:
        errors["sender_phone"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return create_object(
        Parcel(
            stay=stay,
            received_at=at_or_now(at, "received_at"),
            sender=clean_text(sender or "")[:50],
            sender_phone=phone,
            description=description[:200],
            disinfected=disinfected,
            received_by=user_or_none(actor),
        ),
        actor=actor,
    )


def mark_disinfected(parcel: Parcel, *, actor) -> Parcel:
    require(actor, parcel.stay.site, RECORD)
    update_object(parcel, {"disinfected": True}, actor=actor)
    return parcel


def deliver_parcel(parcel: Parcel, *, actor, at: dt.datetime | None = None) -> Parcel:
    """Delivered to the room; a parcel is disinfected first."""
    require(actor, parcel.stay.site, RECORD)
    if parcel.delivered_at is not None:
        raise ValidationError(_("该包裹已于 %(at)s 送达") % {"at": local_text(parcel.delivered_at)})
    if not parcel.disinfected:
        raise ValidationError(_("包裹须先消杀再送达"))
    update_object(parcel, {"delivered_at": at_or_now(at, "delivered_at")}, actor=actor)
    return parcel
