"""Who is left on the demo street at scale 0.2 (~7,900 people, 9 grids): the per-grid table in a
bounded number of queries, the not-yet list and the command. Times are printed (run with -s),
never asserted."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge.accounts.models import User
from wangge.core.demo.build import build_demo
from wangge.places.models import Area
from wangge.testing.models import Round, Sample, SamplingPoint, Tube
from wangge.testing.queries import target_persons
from wangge.testing.whoisleft import board, person_list
from wangge.testing.whoisleft_rows import person_rows

pytestmark = pytest.mark.django_db


def sample_share(rnd: Round, share: float) -> int:
    """Put the first `share` of the round's people into pools of 10; every 30th pool positive."""
    point = SamplingPoint.objects.create(
        round=rnd, number=1, name="1号采样点", area=Area.objects.filter(level=5).first()
    )
    people = list(target_persons(rnd).order_by("pk").values_list("pk", "scope_path"))
    chosen = people[: int(len(people) * share)]
    at = dt.datetime(2022, 4, 12, 7, tzinfo=dt.UTC)
    tubes = Tube.objects.bulk_create(
        Tube(
            round=rnd,
            barcode=f"T{i:06d}",
            capacity=10,
            point=point,
            closed_at=at + dt.timedelta(seconds=i),
            result="positive" if i % 300 == 0 else ("negative" if i % 7 else ""),
            scope_path=point.scope_path,
        )
        for i in range(0, len(chosen), 10)
    )
    Sample.objects.bulk_create(
        Sample(tube=tube, round=rnd, person_id=pid, position=j + 1, scope_path=path)
        for tube, start in zip(tubes, range(0, len(chosen), 10), strict=True)
        for j, (pid, path) in enumerate(chosen[start : start + 10])
    )
    return len(people)


def test_demo_street_who_is_left_is_bounded():
    street = build_demo(scale=0.2).street
    rnd = Round.objects.create(number=1, area=street, date=dt.date(2022, 4, 12))
    expected = sample_share(rnd, 0.6)
    root = User.objects.create_superuser("counter", "c@example.org", "x-Secret-2022")
    board(rnd, root)
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        table = board(rnd, root)
        seconds = time.perf_counter() - t0
    assert len(queries) == 6
    assert len(table.grids) == Area.objects.filter(level=5, path__startswith=street.path).count()
    assert table.total.expected == expected
    assert table.total.sampled == int(expected * 0.6)
    assert all(g.leader_name and g.leader_phone for g in table.grids)
    assert table.total.retest > 0 and table.total.no_result > 0
    t0 = time.perf_counter()
    rows = person_rows(rnd, person_list(rnd, root, "not_yet"))
    list_seconds = time.perf_counter() - t0
    assert len(rows) == table.total.not_yet
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("testing", "missing", "--round", str(rnd.pk), stdout=out, stderr=io.StringIO())
    cli_seconds = time.perf_counter() - t0
    assert out.getvalue().count("\n") == table.total.not_yet + 1
    print(
        f"\nwho-is-left at scale 0.2: {expected} people, {len(table.grids)} grids; "
        f"board {seconds:.3f}s in {len(queries)} queries; not-yet list {len(rows)} rows "
        f"{list_seconds:.3f}s; command {cli_seconds:.3f}s"
    )
