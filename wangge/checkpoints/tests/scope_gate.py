"""Scope-test entries of the checkpoints app's gate part: the gate page, its offline data and
the green channel; the API's per-checkpoint passage, verify, revocation, green-channel and
turn-back paths. extra() makes a gate of 阳光小区 in world.street."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "checkpoints:gate": lambda w, x: {"pk": x["gate_checkpoint"].pk},
    "checkpoints:gate_data": lambda w, x: {"pk": x["gate_checkpoint"].pk},
    "checkpoints:green_channel": lambda w, x: {"pk": x["gate_checkpoint"].pk},
}
LIST_QUERIES: dict = {}
API_OBJECTS: dict = {"checkpoint_id": lambda w, x: x["gate_checkpoint"].pk}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from wangge.checkpoints.models import Checkpoint

    cp = Checkpoint.objects.create(
        name="阳光小区南门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.community
    )
    cp.estates.add(world.estate)
    return {"gate_checkpoint": cp}
