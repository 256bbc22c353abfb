"""Scope-test entries of the checkpoints app's setup part: the checkpoint pages, the estate's
pass policy and bulk issue, the pass list, print and revoke, and the API's checkpoints and
passes."""

import datetime as dt

from django.utils import timezone

from wangge.checkpoints import passes
from wangge.checkpoints.models import Checkpoint, PassPolicy

OBJECT_ARGS: dict = {
    "checkpoints:checkpoint_detail": lambda w, x: {"pk": x["setup_checkpoint"].pk},
    "checkpoints:checkpoint_edit": lambda w, x: {"pk": x["setup_checkpoint"].pk},
    "checkpoints:policy_edit": lambda w, x: {"pk": w.estate.pk},
    "checkpoints:pass_issue": lambda w, x: {"pk": w.estate.pk},
    "checkpoints:pass_revoke": lambda w, x: {"pk": x["setup_pass"].pk},
}
LIST_QUERIES: dict = {
    "checkpoints:checkpoint_list": [""],
    "checkpoints:checkpoint_create": [""],
    "checkpoints:pass_list": ["", "?estate={estate}", "?q=101", "?q=张伟", "?status=valid"],
    "checkpoints:pass_print": ["?estate={estate}", "?pass=1&pass=2&pass=3"],
    "checkpoints:pass_revoke_sealed": [""],
}
API_OBJECTS: dict = {
    "checkpoint_id": lambda w, x: x["setup_checkpoint"].pk,
    "pass_id": lambda w, x: x["setup_pass"].pk,
}
API_FILTERS: dict = {}


def extra(world) -> dict:
    cp = Checkpoint.objects.create(
        name="阳光小区北门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.community
    )
    cp.estates.add(world.estate)
    PassPolicy.objects.get_or_create(
        estate=world.estate, defaults={"starts_on": timezone.localdate()}
    )
    issued, _skipped = passes.issue(
        [world.h101],
        actor=world.users.commander,
        valid_until=timezone.localdate() + dt.timedelta(days=7),
    )
    return {"setup_checkpoint": cp, "setup_pass": issued[0]}
