"""The day's figures of a checkpoint from passages recorded at the gate: people and vehicles in
and out, turn-backs, green channel, quota and other refusals, per hour and per shift; the
commander's board with the green channel on top; the report page and the figures API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.checkpoints import gate as g
from wangge.checkpoints import passes
from wangge.checkpoints import services_board as svc
from wangge.checkpoints.models import Passage
from wangge.checkpoints.tests.roster import gate_shift, worker_of
from wangge.workforce.models import Assignment, Shift, Worker

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(hour: int, minute: int = 0, day: dt.date | None = None) -> dt.datetime:
    return dt.datetime.combine(day or timezone.localdate(), dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    noon = at(12)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def green(gate, world, when, **kw):
    """A green-channel passage (made directly: the board reads it, whoever wrote it)."""
    return Passage.objects.create(
        checkpoint=gate,
        at=when,
        direction="out",
        outcome=Passage.Outcome.GREEN,
        code="green",
        household=world.h101,
        person=world.zhang,
        green=kw.get("green", Passage.Green.DIALYSIS),
        reason=kw.get("reason", "绿色通道：血液透析"),
        escort=kw.get("escort", "陈静（家属）"),
        scope_path=gate.scope_path,
    )


@pytest.fixture
def day(world, gate, cards):
    """A morning at the east gate: a shift 06–10 and one 10–14; people out and in, a second
    person of 101 refused on quota, a stranger refused, a truck in and out, a turn-back, a
    dialysis patient through the green channel at 5 a.m."""
    commander = world.users.commander
    gate_shift(gate, at(6), at(10))
    gate_shift(gate, at(10), at(14))
    gate_shift(gate, at(10), at(14), published=False)  # a draft: not counted
    t101 = passes.token(cards[world.h101.pk])
    t102 = passes.token(cards[world.h102.pk])

    def rec(direction, when, **kw):
        return g.record(gate, actor=commander, direction=direction, at=when, **kw)[0]

    assert rec("out", at(7, 10), token=t101).outcome == "allowed"
    assert rec("out", at(7, 40), token=t101).code == "quota"
    assert rec("out", at(8, 5), token=t102).outcome == "allowed"
    assert rec("in", at(11, 0), token=t101).outcome == "allowed"
    assert rec("out", at(11, 30), id_number=world.other_person.id_number).outcome == "refused"
    t201 = passes.token(cards[world.h201.pk])
    assert rec("in", at(9, 15), token=t201, plate="吉b12345").plate == "吉B12345"
    assert rec("out", at(9, 45), token=t201, plate="吉B12345").outcome == "allowed"
    Passage.objects.create(
        checkpoint=gate,
        at=at(11, 50),
        direction="in",
        outcome=Passage.Outcome.TURNED_BACK,
        reason="外来人员劝返",
        scope_path=gate.scope_path,
    )
    green(gate, world, at(5, 2))
    return gate


def test_figures_of_the_day_per_hour_and_shift(world, day):
    figures = svc.day_figures(day, timezone.localdate())
    total = figures.total
    # Let through: 7:10 and 8:05, and the green channel at 5:02 (counted as green too).
    assert (total.people_out, total.people_in) == (3, 1)
    assert (total.vehicles_in, total.vehicles_out) == (1, 1)
    assert (total.quota, total.refused, total.turned_back, total.green) == (1, 1, 1, 1)
    assert figures.hours[7].people_out == 1 and figures.hours[7].quota == 1
    assert figures.hours[5].green == 1
    assert figures.hours[9].vehicles_in == 1 and figures.hours[9].vehicles_out == 1
    assert figures.hours[11].turned_back == 1 and figures.hours[11].refused == 1
    early, late = figures.shifts
    assert (early.figures.people_out, early.figures.quota, early.figures.vehicles_in) == (2, 1, 1)
    assert early.figures.green == 0  # 5 a.m. is before the first shift
    assert (late.figures.people_in, late.figures.turned_back, late.figures.refused) == (1, 1, 1)
    # Another day has nothing.
    assert svc.day_figures(day, timezone.localdate() - dt.timedelta(days=1)).total.total == 0


def test_green_passages_count_as_people_through(world, day):
    total = svc.totals_by_checkpoint([day], timezone.localdate())[day.pk]
    assert total.green == 1
    assert total.as_dict()["people_out"] == 3


def test_board_shows_green_channel_first_and_totals(world, day, client_for):
    green(day, world, at(11, 55), green=Passage.Green.LABOUR, reason="绿色通道：临产")
    c = client_for(world.users.commander)
    body = c.get(reverse("checkpoints:board")).content.decode()
    assert body.index('id="green-today"') < body.index('id="board-totals"')
    assert body.index("临产") < body.index("血液透析")  # newest first
    assert "陈静（家属）" in body and "05:02" in body
    assert "张*" in body and "张伟" not in body  # the name is masked
    assert 'hx-trigger="every 30s"' in body
    assert reverse("checkpoints:checkpoint_report", args=[day.pk]) in body
    # The htmx poll gets the green block alone.
    part = c.get(reverse("checkpoints:board"), {"part": "green"}, HTTP_HX_REQUEST="true")
    text = part.content.decode()
    assert text.lstrip().startswith("<section") and "临产" in text and "board-totals" not in text
    assert "HX-Request" in part["Vary"]


def test_report_page_per_shift_and_hour_with_chart(world, day, client_for):
    c = client_for(world.users.commander)
    url = reverse("checkpoints:checkpoint_report", args=[day.pk])
    r = c.get(url, {"date": timezone.localdate().isoformat()})
    body = r.content.decode()
    assert r.status_code == 200
    assert 'data-chart="chart-hours"' in body and "echarts.min.js" in body
    assert body.count("data-shift=") == 2 and 'data-hour="05"' in body
    assert "张伟" not in body and "张*" in body
    refused = c.get(url, {"outcome": "refused"}).content.decode()
    assert refused.count("data-passage=") == 2
    assert c.get(url, {"date": "2000-01-01"}).content.decode().count("data-passage=") == 0


def test_figures_api(world, day):
    _, key = ApiToken.issue(world.users.commander, "t")
    api = ApiClient(key)
    r = api.get(f"/api/checkpoints/{day.pk}/figures", {"date": timezone.localdate().isoformat()})
    assert r.status_code == 200
    data = r.json()
    assert data["total"]["quota"] == 1 and data["total"]["green"] == 1
    assert data["hours"][7]["people_out"] == 1 and len(data["hours"]) == 24
    assert [s["people_out"] for s in data["shifts"]] == [2, 0]
    assert api.get(f"/api/checkpoints/{day.pk}/figures", {"date": "bad"}).status_code == 422
    _, other = ApiToken.issue(world.users.outsider, "t")
    assert ApiClient(other).get(f"/api/checkpoints/{day.pk}/figures").status_code == 404


def test_staff_on_duty_and_missing_from_the_roster(world, day, client_for):
    """The noon shift: the volunteer checked in, 王强 not (two hours late), 李四 checked in and
    out; the board and the report show on duty / scheduled / missing from the workforce."""
    shift = Shift.objects.filter(post__checkpoint=day, published_at__isnull=False).last()
    volunteer = worker_of(world.users.volunteer, world.grid1)
    wang = Worker.objects.create(
        name="王强", phone="13800001111", kind="volunteer", area=world.community
    )
    li = Worker.objects.create(name="李四", phone="13800002222", kind="volunteer", area=world.grid1)
    Assignment.objects.create(shift=shift, worker=volunteer, checked_in_at=at(9, 50))
    Assignment.objects.create(shift=shift, worker=wang)
    Assignment.objects.create(
        shift=shift, worker=li, checked_in_at=at(10), checked_out_at=at(11, 30)
    )
    staffing, missing = svc.staffing_now(world.users.commander, [day])
    assert (staffing[day.pk].scheduled, staffing[day.pk].on_duty) == (3, 1)
    assert staffing[day.pk].missing == 1 and [a.worker.name for a in missing] == ["王强"]
    c = client_for(world.users.commander)
    body = c.get(reverse("checkpoints:board")).content.decode()
    assert f'data-staff="{day.pk}">1/3<' in body
    assert "王强" in body and "未到岗" in body and "138****1111" in body
    assert reverse("workforce:post_detail", args=[shift.post_id]) in body
    report = c.get(reverse("checkpoints:checkpoint_report", args=[day.pk])).content.decode()
    assert f'data-staff="{shift.pk}">2/3/2<' in report
    data = (
        ApiClient(ApiToken.issue(world.users.commander, "t")[1])
        .get(f"/api/checkpoints/{day.pk}/figures")
        .json()
    )
    assert [(s["assigned"], s["checked_in"]) for s in data["shifts"]] == [(0, 0), (3, 2)]
