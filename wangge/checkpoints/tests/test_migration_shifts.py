"""Migration 0003 moves the checkpoints app's own shifts to the workforce roster: checkpoints
0004 is unapplied (its tables come back), old shifts and members are made with the historical
models, the RunPython step runs, and the rows are checked after migrating forward again."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from wangge.workforce.models import Assignment, Post, Shift, Worker

STEP = ("checkpoints", "0003_shifts_to_workforce")
move = importlib.import_module("wangge.checkpoints.migrations.0003_shifts_to_workforce")


def _latest(executor) -> list:
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_shifts_become_workforce_shifts(world, gate):
    at = timezone.now().replace(microsecond=0)
    # Already a worker elsewhere in the community with 王强's phone; none for the volunteer.
    wang = Worker.objects.create(name="王强", phone="13800001111", kind="grid", area=world.grid2)
    executor = MigrationExecutor(connection)
    executor.migrate([STEP])
    try:
        apps = MigrationExecutor(connection).loader.project_state([STEP]).apps
        OldShift = apps.get_model("checkpoints", "Shift")
        Member = apps.get_model("checkpoints", "ShiftMember")
        path = gate.scope_path
        early = OldShift.objects.create(
            checkpoint_id=gate.pk,
            starts_at=at,
            ends_at=at + dt.timedelta(hours=8),
            needed=2,
            scope_path=path,
        )
        late = OldShift.objects.create(
            checkpoint_id=gate.pk,
            starts_at=at + dt.timedelta(hours=8),
            ends_at=at + dt.timedelta(hours=16),
            needed=3,
            scope_path=path,
        )
        Member.objects.create(
            shift=early,
            user_id=world.users.volunteer.pk,
            name="志愿者甲",
            phone="",
            checked_in_at=at,
            checked_out_at=at + dt.timedelta(hours=1),
            scope_path=path,
        )
        Member.objects.create(shift=early, name="王强", phone="13800001111", scope_path=path)
        Member.objects.create(shift=late, name="李四", phone="13800002222", scope_path=path)
        Member.objects.create(shift=late, name="王强", phone="13800001111", scope_path=path)
        move.move_shifts(apps, None)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(_latest(executor))
    post = Post.objects.get(checkpoint=gate)
    assert (post.name, post.kind, post.area, post.headcount) == (
        "阳光小区东门值守",
        "checkpoint",
        world.community,
        3,
    )
    assert post.scope_path == world.community.path
    shifts = list(Shift.objects.filter(post=post).order_by("starts_at"))
    assert [s.needed for s in shifts] == [2, 3] and shifts[0].starts_at == at
    assert all(s.published_at is not None and s.scope_path == post.scope_path for s in shifts)
    volunteer = Worker.objects.get(user=world.users.volunteer)
    assert (volunteer.kind, volunteer.area, volunteer.scope_path) == (
        "volunteer",
        world.community,
        world.community.path,
    )
    first = Assignment.objects.get(shift=shifts[0], worker=volunteer)
    assert first.checked_in_at == at and first.checked_out_at == at + dt.timedelta(hours=1)
    assert first.scope_path == shifts[0].scope_path
    # 王强 is the worker found by phone, on both shifts; 李四 a new volunteer.
    assert {a.worker for a in Assignment.objects.filter(worker__name="王强")} == {wang}
    assert Assignment.objects.filter(worker=wang).count() == 2
    li = Worker.objects.get(name="李四")
    assert li.phone == "13800002222" and li.area == world.community
