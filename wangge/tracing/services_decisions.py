"""A worker's decision on a review pair: the same person (merge), not the same, or later.

"merged" and "distinct" are remembered as a MatchDecision on the two records' identity keys,
so the same two records met again on a later import are decided the same way without asking.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.people.models import Residence

from .linkage_keys import decision_key, identity_key
from .models import ContactPerson, ContactRow, MatchDecision, MatchPair
from .services_linkage import refresh_people

DECISIONS = {
    "merged": MatchPair.Status.MERGED,
    "distinct": MatchPair.Status.DISTINCT,
    "later": MatchPair.Status.LATER,
}

__all__ = ["DECISIONS", "MatchDecision", "decide", "merge_people"]


def _remember(a: str, b: str, same: bool, actor) -> None:
    key_a, key_b = decision_key(a, b)
    if key_a == key_b:
        return
    MatchDecision.objects.update_or_create(
        key_a=key_a,
        key_b=key_b,
        defaults={"same": same, "decided_by": actor if getattr(actor, "pk", None) else None},
    )


def merge_people(
    keep: ContactPerson, gone: ContactPerson, *, actor, spare: int | None = None
) -> ContactPerson:
    """Move `gone`'s rows and pairs to `keep`, keep a registry match, delete `gone`. Pairs that
    become a person with themselves are deleted, but for `spare` (the decided pair)."""
    before = snapshot(keep)
    ContactRow.objects.filter(entity=gone).update(entity=keep, link="review")
    if not keep.person_id and gone.person_id:
        keep.person_id, keep.household_id = gone.person_id, gone.household_id
        keep.person_match = gone.person_match
        keep.scope_path = gone.scope_path
    if keep.handed_over_at is None and gone.handed_over_at is not None:
        keep.handed_over_at = gone.handed_over_at
    keep.save()
    MatchPair.objects.filter(left=gone).update(left=keep)
    MatchPair.objects.filter(right=gone).update(right=keep)
    MatchPair.objects.filter(left=keep, right=keep).exclude(pk=spare).delete()
    record_change(actor, ChangeLog.Action.DELETE, gone, snapshot(gone), None)
    gone.delete()
    refresh_people([keep.pk])
    keep.refresh_from_db()
    record_change(actor, ChangeLog.Action.UPDATE, keep, before, snapshot(keep))
    return keep


def _match_registry(left: ContactPerson, pair: MatchPair) -> None:
    person = pair.right_person
    home = (
        Residence.objects.filter(person=person)
        .order_by("-living", "until", "pk")
        .values_list("household_id", "household__scope_path")
        .first()
    )
    left.person = person
    left.person_match = "review"
    if home:
        left.household_id, left.scope_path = home
    left.save()


def decide(pair: MatchPair, *, actor, decision: str) -> MatchPair:
    """Record a worker's decision on `pair` ("merged" | "distinct" | "later")."""
    if decision not in DECISIONS:
        raise ValidationError(_("无效的核对结果：%(value)s") % {"value": decision})
    with transaction.atomic():
        pair = (
            MatchPair.objects.select_for_update(of=("self",))
            .select_related("left", "right", "right_person")
            .get(pk=pair.pk)
        )
        if pair.status in (MatchPair.Status.MERGED, MatchPair.Status.DISTINCT):
            raise ValidationError(_("该配对已经核对过了"))
        before = snapshot(pair)
        left, right, person = pair.left, pair.right, pair.right_person
        other = right if right is not None else person
        if decision != "later":
            _remember(identity_key(left), identity_key(other), decision == "merged", actor)
        if decision == "merged":
            if right is not None:
                left = merge_people(left, right, actor=actor, spare=pair.pk)
                pair.right = left
            elif person is not None:
                if left.person_id and left.person_id != person.pk:
                    raise ValidationError(_("此人已匹配到另一名登记人员，不能再合并"))
                _match_registry(left, pair)
        pair.status = DECISIONS[decision]
        pair.decided_by = actor if getattr(actor, "pk", None) else None
        pair.decided_at = timezone.now()
        pair.left = left
        pair.save()
        record_change(actor, ChangeLog.Action.UPDATE, pair, before, snapshot(pair))
    return pair
