"""Scope-test entries of the checkpoints app's board part: the board, a checkpoint's day and
its export, freight in and out; the API's figures and freight. extra() makes a checkpoint of
world.street with a roster post and a published shift running now (the volunteer on it), a
green-channel passage of 张伟 and a vehicle inside."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "checkpoints:checkpoint_report": lambda w, x: {"pk": x["board_checkpoint"].pk},
    "checkpoints:freight_create": lambda w, x: {"pk": x["board_checkpoint"].pk},
    "checkpoints:freight_exit": lambda w, x: {"pk": x["board_vehicle"].pk},
}
LIST_QUERIES: dict = {
    "checkpoints:board": ["", "?part=green"],
    "checkpoints:report_export": ["", "?date=2000-01-01"],
    "checkpoints:freight_list": ["", "?status=overdue", "?status=left"],
}
API_OBJECTS: dict = {
    "checkpoint_id": lambda w, x: x["board_checkpoint"].pk,
    "freight_id": lambda w, x: x["board_vehicle"].pk,
}
API_FILTERS: dict = {}


def extra(world) -> dict:
    import datetime as dt

    from django.utils import timezone

    from wangge.checkpoints.models import Checkpoint, FreightVehicle, Passage
    from wangge.checkpoints.tests.roster import gate_shift, worker_of

    now = timezone.now()
    cp = Checkpoint.objects.create(
        name="阳光小区北门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.community
    )
    cp.estates.add(world.estate)
    volunteer = worker_of(world.users.volunteer, world.grid1, name="赵网格", phone="13700000001")
    shift = gate_shift(
        cp, now - dt.timedelta(hours=2), now + dt.timedelta(hours=6), workers=[volunteer]
    )
    Passage.objects.create(
        checkpoint=cp,
        at=now,
        direction="out",
        outcome=Passage.Outcome.GREEN,
        household=world.h101,
        person=world.zhang,
        green=Passage.Green.DIALYSIS,
        reason="张伟 血液透析",
        escort="陈静",
    )
    vehicle = FreightVehicle.objects.create(
        checkpoint_in=cp,
        plate="吉B54321",
        driver_name="王芳",
        driver_phone="13800000003",
        cargo="蔬菜",
        origin="兴华社区",
        destination="阳光小区",
        entered_at=now - dt.timedelta(hours=5),
        expected_minutes=60,
    )
    return {
        "board_checkpoint": cp,
        "board_shift": shift,
        "board_vehicle": vehicle,
    }
