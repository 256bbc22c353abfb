"""Setting up gates and passes: checkpoints with the estates they serve, their hours and rules;
an estate's pass policy (每户每天1人, 每两天1人限时2小时…); issuing passes for a whole estate;
revoking the passes of the households sealed now.

Every write checks the actor's CHANGE scope (PermissionDenied otherwise) and raises clear
Chinese ValidationErrors; checkpoint and policy writes are audited (create_object /
update_object)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.control.services import sealed_households
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.core.services import create_object, update_object
from wangge.places.models import Area, Estate, Household

from . import passes
from .gate import forget_rules
from .models import Checkpoint, Pass, Passage, PassPolicy

CHECKPOINT_FIELDS = (
    "name",
    "kind",
    "area",
    "address",
    "opens_at",
    "closes_at",
    "residents_only",
    "records_temperature",
    "records_health_code",
    "active",
)
MAX_PERSONS = 20
MAX_PERIOD_DAYS = 7
MAX_HOURS = 24


# --- scope helpers ------------------------------------------------------------------------


def estates_for(user, action: str = VIEW) -> QuerySet[Estate]:
    """Estates the user may act on: the estate itself in scope, or some of its households (a
    grid leader whose grid holds part of an estate)."""
    covered = Estate.objects.for_user(user, action).values("pk")
    partly = Household.objects.for_user(user, action).values("building__estate_id")
    return Estate.objects.filter(Q(pk__in=covered) | Q(pk__in=partly)).order_by("name", "pk")


def checkpoint_estates(user) -> QuerySet[Estate]:
    """The estates a checkpoint may be set to serve: those in the user's CHANGE scope."""
    return Estate.objects.for_user(user, CHANGE).order_by("name", "pk")


def checkpoint_areas(user) -> QuerySet[Area]:
    return Area.objects.for_user(user, CHANGE).order_by("path")


# --- checkpoints --------------------------------------------------------------------------


def _check_checkpoint(data: dict, estates, actor) -> None:
    errors: dict[str, list[str]] = {}
    area = data.get("area")
    if area is None or not covers(actor, area.path, CHANGE):
        errors["area"] = [_("所属区域不在您的管辖范围内")]
    if (data.get("opens_at") is None) != (data.get("closes_at") is None):
        errors["closes_at"] = [_("开放时间和关闭时间须同时填写，或都不填（全天开放）")]
    elif data.get("opens_at") is not None and data["opens_at"] == data["closes_at"]:
        errors["closes_at"] = [_("开放时间和关闭时间不能相同；全天开放请都不填")]
    outside = [e.name for e in estates if not covers(actor, e.scope_path, CHANGE)]
    if outside:
        errors["estates"] = [
            _("以下小区不在您的管辖范围内：%(names)s") % {"names": "、".join(outside)}
        ]
    if data.get("kind") == Checkpoint.Kind.ESTATE_GATE and not estates:
        errors.setdefault("estates", []).append(_("小区门岗须选择所服务的小区"))
    if errors:
        raise ValidationError(errors)


def save_checkpoint(
    data: dict, *, actor, estates=(), checkpoint: Checkpoint | None = None
) -> Checkpoint:
    """Create (checkpoint None) or edit a checkpoint and set the estates it serves."""
    estates = list(estates)
    if checkpoint is not None and not covers(actor, checkpoint.scope_path, CHANGE):
        raise PermissionDenied
    values = {k: data[k] for k in CHECKPOINT_FIELDS if k in data}
    if checkpoint is not None:
        values = {"area": checkpoint.area, **values}
    _check_checkpoint(values, estates, actor)
    with transaction.atomic():
        if checkpoint is None:
            checkpoint = create_object(Checkpoint(**values), actor=actor)
        else:
            update_object(checkpoint, values, actor=actor)
        checkpoint.estates.set(estates)
        if not covers(actor, checkpoint.scope_path, CHANGE):
            raise PermissionDenied
    forget_rules(checkpoint.pk)  # this process at once; the others within RULES_SECONDS
    return checkpoint


def today_counts(checkpoints: QuerySet[Checkpoint], at: dt.datetime | None = None) -> dict:
    """{checkpoint id: {"out": n, "in": n, "refused": n}} for today so far: one query."""
    day = timezone.localdate(at or timezone.now())
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        Passage.objects.filter(checkpoint__in=checkpoints, at__gte=start)
        .values("checkpoint_id")
        .annotate(
            out=Count("pk", filter=Q(direction="out", outcome__in=("allowed", "green"))),
            into=Count("pk", filter=Q(direction="in", outcome__in=("allowed", "green"))),
            refused=Count("pk", filter=Q(outcome__in=("refused", "turned_back"))),
        )
    )
    return {
        r["checkpoint_id"]: {"out": r["out"], "in": r["into"], "refused": r["refused"]}
        for r in rows
    }


# --- the pass policy ----------------------------------------------------------------------


def describe_policy(policy: PassPolicy | None) -> str:
    """每户每天1人 / 每户每2天1人，每次限时2小时 / 不限次数 (no policy)."""
    if policy is None:
        return _("未设定出入规则（不限次数）")
    if policy.period_days == 1:
        text = _("每户每天%(n)d人") % {"n": policy.persons}
    else:
        text = _("每户每%(d)d天%(n)d人") % {"d": policy.period_days, "n": policy.persons}
    if policy.hours_out:
        text += _("，每次限时%(h)d小时") % {"h": policy.hours_out}
    return text


def _check_policy(persons, period_days, hours_out) -> None:
    errors: dict[str, list[str]] = {}
    if persons is None or not 1 <= persons <= MAX_PERSONS:
        errors["persons"] = [_("每户人数须在 1 到 %(max)d 之间") % {"max": MAX_PERSONS}]
    if period_days is None or not 1 <= period_days <= MAX_PERIOD_DAYS:
        errors["period_days"] = [_("周期须在 1 到 %(max)d 天之间") % {"max": MAX_PERIOD_DAYS}]
    if hours_out is not None and not 1 <= hours_out <= MAX_HOURS:
        errors["hours_out"] = [
            _("限时须在 1 到 %(max)d 小时之间，不限时请留空") % {"max": MAX_HOURS}
        ]
    if errors:
        raise ValidationError(errors)


def save_policy(
    estate: Estate,
    *,
    actor,
    persons: int,
    period_days: int,
    hours_out: int | None = None,
    starts_on: dt.date | None = None,
) -> PassPolicy:
    """Set the estate's pass policy (created on first use; periods count from `starts_on`,
    today by default for a new policy, unchanged for an edit)."""
    if not covers(actor, estate.scope_path, CHANGE):
        raise PermissionDenied
    _check_policy(persons, period_days, hours_out)
    values = {"persons": persons, "period_days": period_days, "hours_out": hours_out}
    policy = PassPolicy.objects.filter(estate=estate).first()
    if policy is None:
        policy = PassPolicy(estate=estate, starts_on=starts_on or timezone.localdate(), **values)
        create_object(policy, actor=actor)
    else:
        if starts_on is not None:
            values["starts_on"] = starts_on
        update_object(policy, values, actor=actor)
    forget_rules()
    return policy


# --- issuing and revoking -----------------------------------------------------------------


@dataclass
class IssueResult:
    issued: list[Pass]
    skipped: list[tuple[Household, str]]

    def reasons(self) -> list[tuple[str, int]]:
        """(reason, how many) for the skipped households."""
        counts: dict[str, int] = {}
        for _hh, why in self.skipped:
            counts[why] = counts.get(why, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])


def issue_for_estate(
    estate: Estate, *, actor, valid_until: dt.date, valid_from: dt.date | None = None
) -> IssueResult:
    """A pass for every household of the estate in the actor's CHANGE scope that has no valid
    one; vacant and sealed households are skipped with the reason."""
    households = list(passes.estate_households(estate).for_user(actor, CHANGE))
    if not households:
        if not estates_for(actor, VIEW).filter(pk=estate.pk).exists():
            raise PermissionDenied
        raise ValidationError(_("该小区在您的管辖范围内没有可发证的住户"))
    if valid_until < (valid_from or timezone.localdate()):
        raise ValidationError({"valid_until": [_("有效期至不能早于有效期起")]})
    sealed = set(
        sealed_households().filter(pk__in=[h.pk for h in households]).values_list("pk", flat=True)
    )
    skipped = [(h, _("住户封控中")) for h in households if h.pk in sealed]
    issued, more = passes.issue(
        [h for h in households if h.pk not in sealed],
        actor=actor,
        valid_until=valid_until,
        valid_from=valid_from,
    )
    return IssueResult(issued, skipped + list(more))


def pass_status(card: Pass, today: dt.date | None = None) -> str:
    """valid / revoked / expired."""
    if card.revoked_at is not None:
        return "revoked"
    if card.valid_until < (today or timezone.localdate()):
        return "expired"
    return "valid"


STATUS_LABELS = {
    "valid": gettext_lazy("有效"),
    "revoked": gettext_lazy("已作废"),
    "expired": gettext_lazy("已过期"),
}


def filter_status(qs: QuerySet[Pass], status: str, today: dt.date | None = None):
    today = today or timezone.localdate()
    if status == "valid":
        return qs.filter(revoked_at__isnull=True, valid_until__gte=today)
    if status == "revoked":
        return qs.filter(revoked_at__isnull=False)
    if status == "expired":
        return qs.filter(revoked_at__isnull=True, valid_until__lt=today)
    return qs


def revoke_sealed(*, actor, at: dt.datetime | None = None) -> list[Pass]:
    """Revoke the valid passes of the households sealed now, within the actor's scope."""
    sealed = sealed_households(at).for_user(actor, CHANGE).values("pk")
    cards = list(
        Pass.objects.for_user(actor, CHANGE)
        .filter(revoked_at__isnull=True, household__in=sealed)
        .order_by("pk")
    )
    for card in cards:
        passes.revoke(card, actor=actor, reason=_("住户封控"))
    return cards
