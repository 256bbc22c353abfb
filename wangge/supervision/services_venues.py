"""Venues (场所): the register of supermarkets, markets and pharmacies kept open under rules and of
gathering venues closed, with the history of their states (限流开放 / 关停 / 恢复营业) and the
sweeps (巡查) of them — inspections of target type supermarket or venue, recorded by the
inspections part.

Rules:
- a venue has a name, a kind, an address, an owner and an area; the owner's phone is
  normalised (full-width digits, spaces, +86 accepted);
- registering writes the first VenueState (a supply venue starts 限流开放, a gathering venue
  关停, unless told otherwise);
- a state's date is never in the future nor before the previous state's date; a venue is not
  put again in the state it is in, and only a closed venue reopens (恢复营业).

Who may: registering, editing and changing the state need CHANGE over the venue's area.
Every write is audited (ChangeLog); VenueState keeps who changed the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.normalize import NormalizationError, clean_text, normalize_phone
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.core.services import create_object, update_object
from wangge.places.models import Area

from .models import Finding, Inspection, TargetType
from .models_venues import Venue, VenueState

State = Venue.State
Kind = Venue.Kind
SWEEP_TYPES = (TargetType.SUPERMARKET, TargetType.VENUE)
EDITABLE = ("name", "kind", "area", "address", "owner_name", "owner_phone", "active")


def _require(actor, path: str) -> None:
    if not covers(actor, path, CHANGE):
        raise PermissionDenied(_("您没有管理该区域场所的权限"))


def default_state(kind: str) -> str:
    return State.OPEN_UNDER_RULES if kind in Venue.SUPPLY_KINDS else State.CLOSED


def sweep_type(venue: Venue) -> str:
    """The inspection target type of a sweep of `venue`."""
    return TargetType.SUPERMARKET if venue.is_supply else TargetType.VENUE


def _clean(data: dict) -> dict:
    """Trimmed text, the phone normalised; a missing required field is a ValidationError."""
    out = dict(data)
    errors: dict[str, list[str]] = {}
    for name in ("name", "address", "owner_name"):
        if name in out:
            out[name] = clean_text(out[name] or "")
    required = {
        "name": _("请填写场所名称"),
        "address": _("请填写地址"),
        "owner_name": _("请填写负责人"),
    }
    for name, message in required.items():
        if name in out and not out[name]:
            errors[name] = [message]
    if "kind" in out and out["kind"] not in Kind.values:
        errors["kind"] = [_("请选择场所类型")]
    if "owner_phone" in out:
        try:
            out["owner_phone"] = normalize_phone(out["owner_phone"] or "")
        except NormalizationError as exc:
            errors["owner_phone"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return out


def _check_since(since: dt.date | None, previous: dt.date | None = None) -> dt.date:
    if since is None:
        raise ValidationError({"since": [_("请填写状态起始日期")]})
    if since > timezone.localdate():
        raise ValidationError({"since": [_("状态起始日期不能晚于今天")]})
    if previous is not None and since < previous:
        raise ValidationError(
            {"since": [_("状态起始日期不能早于上一状态的日期（%(day)s）") % {"day": previous}]}
        )
    return since


# --- writes -----------------------------------------------------------------------------------


def register_venue(
    area: Area,
    *,
    actor,
    state: str | None = None,
    since: dt.date | None = None,
    note: str = "",
    **fields,
) -> Venue:
    """Register a venue in `area` with its first state (today unless `since`)."""
    if area is None:
        raise ValidationError({"area": [_("请选择所属区域")]})
    _require(actor, area.path)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("未知字段：%(names)s") % {"names": ", ".join(sorted(unknown))})
    fields.setdefault("owner_phone", "")
    for name in ("name", "kind", "address", "owner_name"):
        fields.setdefault(name, "")
    data = _clean(fields)
    state = state or default_state(data["kind"])
    if state not in State.values:
        raise ValidationError({"state": [_("请选择场所状态")]})
    if state == State.REOPENED:
        raise ValidationError({"state": [_("新登记的场所不能是“恢复营业”状态")]})
    since = _check_since(since or timezone.localdate())
    data.pop("area", None)
    venue = Venue(area=area, state=state, state_since=since, **data)
    with transaction.atomic():
        create_object(venue, actor=actor)
        create_object(
            VenueState(
                venue=venue,
                state=state,
                since=since,
                note=clean_text(note)[:200],
                changed_by=actor if getattr(actor, "pk", None) else None,
            ),
            actor=actor,
        )
    return venue


def update_venue(venue: Venue, data: dict, *, actor) -> bool:
    """Edit the register's fields (not the state: `change_state`)."""
    _require(actor, venue.scope_path)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("未知字段：%(names)s") % {"names": ", ".join(sorted(unknown))})
    if "area" in data:
        if data["area"] is None:
            raise ValidationError({"area": [_("请选择所属区域")]})
        _require(actor, data["area"].path)
    data = _clean(data)
    with transaction.atomic():
        changed = update_object(venue, data, actor=actor)
        _require(actor, venue.area.path)  # still where the actor may change it
        # The states live with their venue.
        VenueState.objects.filter(venue=venue).exclude(scope_path=venue.scope_path).update(
            scope_path=venue.scope_path
        )
    return changed


def change_state(
    venue: Venue, *, actor, state: str, since: dt.date | None, note: str = ""
) -> VenueState:
    """Put `venue` in `state` from `since`, keeping the history and who changed it."""
    _require(actor, venue.scope_path)
    if state not in State.values:
        raise ValidationError({"state": [_("请选择场所状态")]})
    with transaction.atomic():
        venue = Venue.objects.select_for_update().get(pk=venue.pk)
        if not venue.active:
            raise ValidationError(_("场所已注销，不能变更状态"))
        if state == venue.state:
            raise ValidationError(
                {"state": [_("场所当前已是“%(state)s”状态") % {"state": State(state).label}]}
            )
        if state == State.REOPENED and venue.state != State.CLOSED:
            raise ValidationError({"state": [_("只有关停的场所才能恢复营业")]})
        since = _check_since(since, venue.state_since)
        row = create_object(
            VenueState(
                venue=venue,
                state=state,
                since=since,
                note=clean_text(note)[:200],
                changed_by=actor if getattr(actor, "pk", None) else None,
            ),
            actor=actor,
        )
        update_object(venue, {"state": state, "state_since": since}, actor=actor)
    return row


# --- querysets (before scope) -----------------------------------------------------------------


def venues_in(state: str) -> QuerySet[Venue]:
    return Venue.objects.filter(active=True, state=state)


def supply_venues() -> QuerySet[Venue]:
    return Venue.objects.filter(active=True, kind__in=Venue.SUPPLY_KINDS)


def day_bounds(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last or first, dt.time.min))
    return start, end + dt.timedelta(days=1)


def sweeps_between(first: dt.date, last: dt.date, shift: str | None = None) -> QuerySet[Inspection]:
    start, end = day_bounds(first, last)
    qs = Inspection.objects.filter(
        target_type__in=SWEEP_TYPES, inspected_at__gte=start, inspected_at__lt=end
    )
    return qs.filter(shift=shift) if shift else qs


def sweeps_on(day: dt.date, shift: str | None = None) -> QuerySet[Inspection]:
    """Inspections of target type supermarket or venue on `day` (of one shift when given)."""
    return sweeps_between(day, day, shift)


def sweeps_of(venue: Venue, user) -> QuerySet[Inspection]:
    """The sweeps of one venue the user can see, with their findings counts, newest first."""
    return (
        Inspection.objects.for_user(user, VIEW)
        .filter(venue=venue)
        .annotate(
            n_findings=Count("findings"),
            n_open=Count("findings", filter=Q(findings__status=Finding.Status.OPEN)),
        )
        .order_by("-inspected_at", "-pk")
    )


# --- the summary ------------------------------------------------------------------------------


@dataclass
class Summary:
    since: dt.date
    until: dt.date
    supply: int = 0
    supply_open: int = 0
    closed: int = 0
    reopened: int = 0
    day_sweeps: int = 0
    night_sweeps: int = 0
    findings: int = 0
    open_findings: int = 0

    @property
    def sentence(self) -> str:
        return _(
            "管理超市 %(supply)d 家（限流开放 %(open)d 家），关停场所 %(closed)d 家，恢复营业 "
            "%(reopened)d 家；日间巡查 %(day)d 次、夜间巡查 %(night)d 次，发现问题 %(findings)d 个"
        ) % {
            "supply": self.supply,
            "open": self.supply_open,
            "closed": self.closed,
            "reopened": self.reopened,
            "day": self.day_sweeps,
            "night": self.night_sweeps,
            "findings": self.findings,
        }


def summary(user, since: dt.date, until: dt.date, prefix: str = "") -> Summary:
    """The venues' figures over [since, until] in the user's scope below `prefix`: states as
    they stood on `until` (from the history), sweeps and their findings in the period."""
    out = Summary(since=since, until=until)
    state_then = (
        VenueState.objects.filter(venue=OuterRef("pk"), since__lte=until)
        .order_by("-since", "-pk")
        .values("state")[:1]
    )
    venues = Venue.objects.for_user(user, VIEW).within(prefix).filter(active=True)
    rows = venues.annotate(then=Subquery(state_then)).exclude(then=None)
    counts = rows.aggregate(
        supply=Count("pk", filter=Q(kind__in=Venue.SUPPLY_KINDS)),
        supply_open=Count("pk", filter=Q(kind__in=Venue.SUPPLY_KINDS, then=State.OPEN_UNDER_RULES)),
        closed=Count("pk", filter=Q(then=State.CLOSED)),
        reopened=Count("pk", filter=Q(then=State.REOPENED)),
    )
    for key, value in counts.items():
        setattr(out, key, value)
    sweeps = sweeps_between(since, until).for_user(user, VIEW).within(prefix)
    shifts = sweeps.aggregate(
        day=Count("pk", filter=Q(shift=Inspection.Shift.DAY)),
        night=Count("pk", filter=Q(shift=Inspection.Shift.NIGHT)),
    )
    out.day_sweeps, out.night_sweeps = shifts["day"], shifts["night"]
    found = Finding.objects.filter(inspection__in=sweeps.values("pk")).aggregate(
        n=Count("pk"), open=Count("pk", filter=Q(status=Finding.Status.OPEN))
    )
    out.findings, out.open_findings = found["n"], found["open"]
    return out
