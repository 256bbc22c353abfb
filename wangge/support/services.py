"""Requests for living support (保供/微心愿) and their closed loop: filing (by the household from
its QR page, by a worker on its behalf, or through the API), then accepted, on the way,
delivered (who, when, an optional photo and a note), and confirmed by the household or closed by
a worker with a reason; a request still open may be cancelled with a reason.

Rules:
- The deadline comes from the kind (`SupportKind.deadline_minutes`); an urgent request gets at
  most half of it, a critical one at most half and never more than 30 minutes.
- A request is priority when the household is sealed, someone living there is under a confining
  order (or the household is), or a living member is a dialysis patient, pregnant or elderly
  living alone (`priority_reasons`); the reasons are kept on the request.
- A medicine request needs the medicine's name.
- The same `client_uuid` again returns the first request and creates nothing.

Who may do what: filing, accepting, on the way, delivered and confirming need RECORD over the
household (a volunteer at the door); closing and cancelling need CHANGE. A household confirms
its own delivery from its public page (actor None). Each step is audited (ChangeLog).

Assignment to a worker or a route is services_dispatch's; the board and the overdue lists are
services_board's.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.control.models import ControlOrder, OrderType
from wangge.control.services import is_sealed
from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.ratelimit import public_channel
from wangge.core.scope import CHANGE, RECORD, covers
from wangge.people.models import Person, SpecialGroup
from wangge.places.models import Household

from .models import SupportKind, SupportRequest

Status = SupportRequest.Status
Urgency = SupportRequest.Urgency

# Priority reasons, in the order they are shown.
PRIORITY_LABELS = {
    "sealed": gettext_lazy("封控区住户"),
    "quarantined": gettext_lazy("隔离管控"),
    "dialysis": gettext_lazy("透析患者"),
    "pregnant": gettext_lazy("孕产妇"),
    "elderly_alone": gettext_lazy("独居老人"),
}
PRIORITY_GROUPS = (
    SpecialGroup.Kind.DIALYSIS,
    SpecialGroup.Kind.PREGNANT,
    SpecialGroup.Kind.ELDERLY_ALONE,
)
# Orders that keep people at home (or take them away): the household needs help.
CONFINING = (OrderType.Kind.HOME_QUARANTINE, OrderType.Kind.CENTRAL_QUARANTINE)
CRITICAL_MAX_MINUTES = 30
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif", "heic"}

# Which statuses each step may start from.
ACCEPT_FROM = (Status.NEW, Status.ASSIGNED)
ON_WAY_FROM = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED)
DELIVER_FROM = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.ON_WAY)
CONFIRM_FROM = (Status.DELIVERED,)
CLOSE_FROM = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.ON_WAY, Status.DELIVERED)
CANCEL_FROM = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED)
STEPS = {
    "accept": ACCEPT_FROM,
    "on_way": ON_WAY_FROM,
    "deliver": DELIVER_FROM,
    "confirm": CONFIRM_FROM,
    "close": CLOSE_FROM,
    "cancel": CANCEL_FROM,
}
STEP_ACTION = {
    "accept": RECORD,
    "on_way": RECORD,
    "deliver": RECORD,
    "confirm": RECORD,
    "close": CHANGE,
    "cancel": CHANGE,
}


def reason_labels(codes) -> list[str]:
    return [str(PRIORITY_LABELS.get(c, c)) for c in codes or []]


# --- audit ------------------------------------------------------------------------------------


def _snap(req: SupportRequest) -> dict:
    """The request's audited values (the photo as its stored name: core.snapshot cannot write a
    file field to JSON)."""
    names = [
        f.attname
        for f in req._meta.concrete_fields
        if f.name not in {"scope_path", "delivery_photo"}
    ]
    data = snapshot(req, names)
    data["delivery_photo"] = req.delivery_photo.name or ""
    return data


def _save(req: SupportRequest, data: dict, *, actor, photo=None) -> SupportRequest:
    before = _snap(req)
    for name, value in data.items():
        setattr(req, name, value)
    if photo is not None:
        ext = (photo.name or "").rsplit(".", 1)[-1].lower()
        ext = ext if ext in PHOTO_EXTENSIONS else "jpg"
        req.delivery_photo.save(f"{uuid.uuid4().hex}.{ext}", photo, save=False)
    req.full_clean(validate_unique=False)
    req.save()
    record_change(actor, ChangeLog.Action.UPDATE, req, before, _snap(req))
    return req


# --- priority and deadline --------------------------------------------------------------------


def living_members(household: Household):
    return Person.objects.filter(
        residences__household=household,
        residences__living=True,
        residences__until__isnull=True,
    )


def priority_reasons(household: Household, at: dt.datetime | None = None) -> list[str]:
    """Why requests of `household` are served first (codes of PRIORITY_LABELS, in that order)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    found: set[str] = set()
    if is_sealed(household, at):
        found.add("sealed")
    members = list(living_members(household).values_list("pk", flat=True))
    orders = ControlOrder.objects.filter(
        status=ControlOrder.Status.ACTIVE,
        starts_on__lte=today,
        ends_on__gte=today,
        order_type__kind__in=CONFINING,
    )
    if orders.filter(person_id__in=members).exists() or orders.filter(household=household).exists():
        found.add("quarantined")
    kinds = set(
        SpecialGroup.objects.filter(person_id__in=members, kind__in=PRIORITY_GROUPS).values_list(
            "kind", flat=True
        )
    )
    found |= {str(k) for k in kinds}
    return [code for code in PRIORITY_LABELS if code in found]


def deadline_minutes(kind: SupportKind, urgency: str) -> int:
    """Minutes to answer: the kind's; urgent at most half; critical at most half and 30."""
    minutes = int(kind.deadline_minutes)
    if urgency == Urgency.URGENT:
        minutes = minutes // 2
    elif urgency == Urgency.CRITICAL:
        minutes = min(minutes // 2, CRITICAL_MAX_MINUTES)
    return max(1, minutes)


def is_overdue(req: SupportRequest, now: dt.datetime | None = None) -> bool:
    return req.status in SupportRequest.OPEN and req.due_at < (now or timezone.now())


# --- filing -----------------------------------------------------------------------------------


def _may(actor, req_or_household, action: str) -> bool:
    return covers(actor, req_or_household.scope_path, action)


def _replay(client_uuid: uuid.UUID, household: Household) -> SupportRequest | None:
    first = SupportRequest.objects.filter(client_uuid=client_uuid).first()
    if first is None:
        return None
    if first.household_id != household.pk:
        raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    return first


def file_request(
    household: Household,
    *,
    kind: SupportKind,
    actor=None,
    source: str,
    text: str = "",
    urgency: str = Urgency.NORMAL,
    medicine_name: str = "",
    prescription_needed: bool = False,
    person: Person | None = None,
    contact_phone: str = "",
    client_uuid: uuid.UUID | None = None,
) -> tuple[SupportRequest, bool]:
    """File a request for `household`. `actor` None is the household itself (its QR page).
    Returns (request, created); a retry with the same client_uuid returns the first one."""
    if actor is not None and not _may(actor, household, RECORD):
        raise PermissionDenied
    if client_uuid is not None:
        first = _replay(client_uuid, household)
        if first is not None:
            return first, False
    errors: dict[str, list[str]] = {}
    if kind is None or not kind.active:
        errors["kind"] = [_("请选择诉求类型")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("请选择紧急程度")]
    if source not in SupportRequest.Source.values:
        errors["source"] = [_("来源不正确")]
    text = (text or "").strip()
    medicine_name = (medicine_name or "").strip()
    if kind is not None and kind.is_medicine:
        if not medicine_name:
            errors["medicine_name"] = [_("药品类诉求请填写药品名称")]
    else:
        medicine_name, prescription_needed = "", False
    if person is not None and not living_members(household).filter(pk=person.pk).exists():
        errors["person"] = [_("求助人不是该住户的在住人员")]
    try:
        phone = normalize_phone(contact_phone)
    except NormalizationError as exc:
        errors["contact_phone"] = [str(exc)]
        phone = ""
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    reasons = priority_reasons(household, now)
    req = SupportRequest(
        household=household,
        person=person,
        kind=kind,
        urgency=urgency,
        text=text[:2000],
        medicine_name=medicine_name[:100],
        prescription_needed=bool(prescription_needed),
        contact_phone=phone or household.phone,
        priority=bool(reasons),
        priority_reasons=reasons,
        source=source,
        status=Status.NEW,
        due_at=now + dt.timedelta(minutes=deadline_minutes(kind, urgency)),
        client_uuid=client_uuid,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            req.full_clean(validate_unique=False)
            req.save()
            if actor is None:
                with public_channel():
                    record_change(None, ChangeLog.Action.CREATE, req, None, _snap(req))
            else:
                record_change(actor, ChangeLog.Action.CREATE, req, None, _snap(req))
    except IntegrityError:
        # A concurrent retry with the same UUID committed first.
        if client_uuid is None:
            raise
        first = _replay(client_uuid, household)
        if first is None:
            raise
        return first, False
    return req, True


# --- steps ------------------------------------------------------------------------------------


def _lock(req: SupportRequest) -> SupportRequest:
    """Re-read the request in the transaction (a double tap must not apply a step twice)."""
    fresh = SupportRequest.objects.select_for_update().get(pk=req.pk)
    for f in req._meta.concrete_fields:
        setattr(req, f.attname, getattr(fresh, f.attname))
    return req


def _check(req: SupportRequest, step: str, wanted: str) -> None:
    if req.status not in STEPS[step]:
        raise ValidationError(
            _("该诉求当前状态为“%(status)s”，不能%(step)s")
            % {"status": req.get_status_display(), "step": wanted}
        )


def _guard(req: SupportRequest, actor, step: str) -> None:
    if not _may(actor, req, STEP_ACTION[step]):
        raise PermissionDenied


def may_step(req: SupportRequest, user, step: str) -> bool:
    """Whether `user` may take `step` on `req` now (for showing the buttons)."""
    return req.status in STEPS[step] and _may(user, req, STEP_ACTION[step])


def next_steps(req: SupportRequest, user) -> list[str]:
    return [step for step in STEPS if may_step(req, user, step)]


def accept(req: SupportRequest, *, actor) -> SupportRequest:
    """A worker takes the request on (已接单)."""
    _guard(req, actor, "accept")
    with transaction.atomic():
        _lock(req)
        _check(req, "accept", _("接单"))
        _save(req, {"status": Status.ACCEPTED, "accepted_at": timezone.now()}, actor=actor)
    return req


def set_on_way(req: SupportRequest, *, actor) -> SupportRequest:
    """The deliverer sets out (配送中); a request not yet accepted is taken as accepted now."""
    _guard(req, actor, "on_way")
    with transaction.atomic():
        _lock(req)
        _check(req, "on_way", _("出发配送"))
        now = timezone.now()
        data = {"status": Status.ON_WAY, "on_way_at": now}
        if req.accepted_at is None:
            data["accepted_at"] = now
        _save(req, data, actor=actor)
    return req


def deliver(
    req: SupportRequest, *, actor, delivered_by: str = "", photo=None, note: str = ""
) -> SupportRequest:
    """Delivered (已送达): who delivered (the actor's name by default), a note, an optional
    photo. Steps skipped (accepted, on the way) are stamped with the same time."""
    _guard(req, actor, "deliver")
    delivered_by = (delivered_by or "").strip() or (
        getattr(actor, "display_name", "") or str(actor)
    )
    with transaction.atomic():
        _lock(req)
        _check(req, "deliver", _("登记送达"))
        now = timezone.now()
        data = {
            "status": Status.DELIVERED,
            "delivered_at": now,
            "delivered_by": delivered_by[:50],
            "delivery_note": (note or "").strip()[:200],
        }
        if req.accepted_at is None:
            data["accepted_at"] = now
        _save(req, data, actor=actor, photo=photo)
    return req


def confirm(req: SupportRequest, *, actor=None) -> SupportRequest:
    """The household (actor None, from its page) or a worker confirms the delivery."""
    if actor is not None:
        _guard(req, actor, "confirm")
    with transaction.atomic():
        _lock(req)
        _check(req, "confirm", _("确认收到"))
        data = {"status": Status.CONFIRMED, "confirmed_at": timezone.now()}
        if actor is None:
            with public_channel():
                _save(req, data, actor=None)
        else:
            _save(req, data, actor=actor)
    return req


def close(req: SupportRequest, *, actor, reason: str) -> SupportRequest:
    """A worker closes the request (已办结) with the reason (resolved by phone, household not
    answering after delivery…)."""
    _guard(req, actor, "close")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写办结说明")]})
    with transaction.atomic():
        _lock(req)
        _check(req, "close", _("办结"))
        _save(
            req,
            {"status": Status.CLOSED, "closed_at": timezone.now(), "close_reason": reason[:200]},
            actor=actor,
        )
    return req


def cancel(req: SupportRequest, *, actor, reason: str) -> SupportRequest:
    """Withdraw a request not yet on its way (已撤销), with the reason."""
    _guard(req, actor, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤销原因")]})
    with transaction.atomic():
        _lock(req)
        _check(req, "cancel", _("撤销"))
        _save(
            req,
            {"status": Status.CANCELLED, "closed_at": timezone.now(), "close_reason": reason[:200]},
            actor=actor,
        )
    return req


def visible_requests(user, action: str = "view"):
    return SupportRequest.objects.for_user(user, action).select_related(
        "kind", "household__building__estate", "household__unit", "worker", "route"
    )
