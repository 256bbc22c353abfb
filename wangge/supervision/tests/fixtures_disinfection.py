"""Disinfection test helpers: places of world.street (b1's unit entrances in grid 1, a lift in
grid 2, a garbage point of the community) and times of a fixed day (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wangge.supervision import services_disinfection as svc

DAY = dt.date(2022, 4, 12)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def png(name: str = "spray.png") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def places(world) -> dict:
    """unit1 and unit2 (b1's entrances, grid 1, twice a day 8–20), lift (b2, grid 2, three times
    8–17), garbage (the community, once 9–18)."""
    actor = world.users.commander
    unit1, unit2 = svc.create_unit_places(world.b1, actor=actor)
    lift = svc.create_place(
        world.grid2,
        actor=actor,
        name="2号楼电梯",
        kind="lift",
        building=world.b2,
        times_per_day=3,
        day_starts=dt.time(8),
        day_ends=dt.time(17),
    )
    garbage = svc.create_place(
        world.community,
        actor=actor,
        name="东侧垃圾收集点",
        kind="garbage",
        times_per_day=1,
        day_starts=dt.time(9),
        day_ends=dt.time(18),
    )
    return {"unit1": unit1, "unit2": unit2, "lift": lift, "garbage": garbage}


def log(place, user, when: dt.datetime, **kw):
    from unittest.mock import patch

    with patch("django.utils.timezone.now", return_value=when):
        return svc.log_disinfection(place, actor=user, agent="含氯消毒剂", done_at=when, **kw)[0]
