"""Rows of every operation for the figures tests, made with the ORM (or an operation's own
service) in world.grid1, world.grid2 and the other street, on a fixed day with the clock set.

NOW is 2030-03-04 14:00 Asia/Shanghai, before the 16:00 cut-off."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wangge.canvass.library import questionnaire_from_library
from wangge.canvass.models import Arrival, HouseholdStatus, Outcome, RiskLevel, Visit
from wangge.canvass.services import create_campaign
from wangge.checkpoints.models import Checkpoint, Passage
from wangge.control.models import OrderType
from wangge.control.models_followups import Alert
from wangge.control.models_transfers import Transfer
from wangge.control.services import place_order
from wangge.support.models import SupportKind, SupportRequest
from wangge.testing.models import Round, Sample, Tube
from wangge.workforce.models import Assignment, Post, Shift, Worker

DAY = dt.date(2030, 3, 4)


def local(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


NOW = local(14)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() is NOW; clock(datetime) moves it."""

    def set_to(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)

    set_to(NOW)
    return set_to


# --- testing ------------------------------------------------------------------------------------


def _tube(rnd, barcode, persons, result="", capacity=10, closed=NOW - dt.timedelta(hours=3)):
    tube = Tube.objects.create(
        round=rnd, barcode=barcode, capacity=capacity, closed_at=closed, result=result
    )
    for i, p in enumerate(persons, 1):
        Sample.objects.create(tube=tube, round=rnd, person=p, position=i, scope_path=p.scope_path)
    return tube


def make_testing(world):
    """Today's round over the street: 张伟 and 王芳 in a positive pool (张伟 retested alone
    since), 李娜 pending; 陈静 and 刘洋 not yet. The other street's round: 吴敏 positive."""
    rnd = Round.objects.create(number=1, area=world.street, date=DAY, status="active")
    _tube(rnd, "P1", [world.zhang, world.wang], result="positive")
    _tube(rnd, "S1", [world.zhang], result="negative", capacity=1, closed=NOW)
    _tube(rnd, "P2", [world.li])
    other = Round.objects.create(number=1, area=world.other_street, date=DAY, status="active")
    _tube(other, "O1", [world.other_person], result="positive")
    old = Round.objects.create(number=2, area=world.street, date=DAY - dt.timedelta(days=3))
    old.status = "closed"
    old.save()
    return SimpleNamespace(round=rnd, other=other, old=old)


# --- canvass -----------------------------------------------------------------------------------


def make_canvass(world):
    """An open campaign over the community: h101 answered, h102 absent, h201 and h2_101 not
    attempted; an open campaign of the other street; a finished one."""
    actor = world.users.superuser

    def campaign(area, **kw):
        q = questionnaire_from_library("returnee", area=area, actor=actor)
        values = {
            "name": "入户排查",
            "area": area,
            "starts_on": DAY - dt.timedelta(days=2),
            "ends_on": DAY + dt.timedelta(days=5),
            "methods": ["visit"],
        }
        values.update(kw)
        return create_campaign(actor=actor, questionnaire=q, copy=False, **values)

    c = campaign(world.community)
    for hh, outcome in ((world.h101, Outcome.ANSWERED), (world.h102, Outcome.ABSENT)):
        visit = Visit.objects.create(campaign=c, household=hh, method="visit", outcome=outcome)
        HouseholdStatus.objects.create(
            campaign=c, household=hh, outcome=outcome, visits=1, last_visit=visit, last_at=NOW
        )
    other = campaign(world.other_street)
    done = campaign(
        world.community, starts_on=DAY - dt.timedelta(days=9), ends_on=DAY - dt.timedelta(days=1)
    )
    return SimpleNamespace(campaign=c, other=other, done=done)


# --- returnees ---------------------------------------------------------------------------------


def make_arrivals(world):
    def arrival(household, area, day=DAY, level=""):
        return Arrival.objects.create(
            name="返乡人",
            household=household,
            area=area,
            origin="某市",
            origin_level=level,
            arrived_on=day,
            source=Arrival.Source.WORKER,
        )

    arrival(world.h101, world.grid1, level=RiskLevel.HIGH)
    arrival(world.h102, world.grid1, level=RiskLevel.MEDIUM)
    arrival(None, world.grid1)  # an address only: at grid level
    arrival(world.h2_101, world.grid2, day=DAY - dt.timedelta(days=5))
    arrival(world.other_household, world.other_grid, level=RiskLevel.HIGH)


# --- control -----------------------------------------------------------------------------------


def make_control(world):
    actor = world.users.superuser
    home = OrderType.objects.get(code="home_quarantine")
    central = OrderType.objects.get(code="central_quarantine")
    zhang = place_order(
        world.zhang,
        home,
        actor=actor,
        source="manual",
        reason="密接",
        starts_on=DAY - dt.timedelta(days=2),
    )
    place_order(world.wang, home, actor=actor, source="manual", reason="密接")
    liu = place_order(world.liu, central, actor=actor, source="manual", reason="阳性")
    other = place_order(world.other_person, home, actor=actor, source="manual", reason="外街道")
    for order in (zhang, other):
        Alert.objects.create(order=order, person=order.person, kind="fever", detail="37.8")
    Transfer.objects.create(
        person=world.liu,
        household=world.h2_101,
        from_address="2号楼",
        destination=Transfer.Destination.HOSPITAL,
        hospital="市医院",
        reason="转运",
        requested_at=NOW - dt.timedelta(hours=2),
    )
    Transfer.objects.create(
        person=world.li,
        household=world.h201,
        from_address="1号楼",
        destination=Transfer.Destination.HOSPITAL,
        hospital="市医院",
        reason="转运",
        requested_at=NOW - dt.timedelta(hours=5),
        status=Transfer.Status.HANDED_OVER,
        handed_over_at=NOW - dt.timedelta(hours=1),
    )
    return SimpleNamespace(zhang=zhang, liu=liu, other=other)


# --- checkpoints -------------------------------------------------------------------------------


def make_passages(world):
    g1 = Checkpoint.objects.create(name="东门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.grid1)
    g2 = Checkpoint.objects.create(name="西门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.grid2)
    far = Checkpoint.objects.create(
        name="远方卡口", kind=Checkpoint.Kind.ESTATE_GATE, area=world.other_grid
    )
    old = Checkpoint.objects.create(
        name="旧门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.grid1, active=False
    )

    def passage(cp, outcome="allowed", direction="in", plate="", hours_ago=1.0):
        return Passage.objects.create(
            checkpoint=cp,
            at=NOW - dt.timedelta(hours=hours_ago),
            direction=direction,
            outcome=outcome,
            plate=plate,
        )

    passage(g1)
    passage(g1, direction="out")
    passage(g1, plate="吉B12345")
    passage(g1, outcome="turned_back", plate="吉B54321")
    passage(g1, outcome="green", direction="out")
    passage(g2, outcome="refused")
    passage(g2, hours_ago=20)  # yesterday
    passage(far, outcome="green")
    passage(old)


# --- support -----------------------------------------------------------------------------------


def make_support(world):
    kind = SupportKind.objects.get(code="groceries")

    def request(hh, status="new", due=60, **kw):
        return SupportRequest.objects.create(
            household=hh,
            kind=kind,
            source=SupportRequest.Source.WORKER,
            due_at=NOW + dt.timedelta(minutes=due),
            status=status,
            **kw,
        )

    request(world.h101)
    request(world.h102, due=-30)
    request(world.h201, status="assigned")
    request(world.h2_101, status="delivered", delivered_at=NOW - dt.timedelta(hours=1))
    request(world.other_household, due=-30)


# --- workforce ---------------------------------------------------------------------------------


def make_roster(world):
    seq = iter(range(100, 200))

    def worker(area):
        n = next(seq)
        return Worker.objects.create(
            name=f"志愿者{n}", phone=f"1360000{n:04d}", area=area, kind=Worker.Kind.VOLUNTEER
        )

    def shift(post, start, hours=6, needed=2, workers=(), checked=()):
        s = Shift.objects.create(
            post=post,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            needed=needed,
            published_at=start - dt.timedelta(days=1),
        )
        for w in workers:
            Assignment.objects.create(
                shift=s, worker=w, checked_in_at=start if w in checked else None
            )
        return s

    p1 = Post.objects.create(name="东门岗", kind="checkpoint", area=world.grid1)
    p2 = Post.objects.create(name="西门岗", kind="checkpoint", area=world.grid2)
    far = Post.objects.create(name="远方岗", kind="checkpoint", area=world.other_grid)
    a, b, c, d = (worker(world.grid1) for _i in range(4))
    shift(p1, local(8), hours=8, workers=(a, b), checked=(a,))  # running, b absent
    shift(p1, local(20), workers=(c,))  # tonight, short of one
    shift(p2, local(12), needed=1, workers=(d,), checked=(d,))
    shift(far, local(8), workers=(worker(world.other_grid),))


# --- supervision, disinfection, venues -----------------------------------------------------------


def make_supervision(world):
    """Inspections today in grid 1 (two findings: one overdue, one rectified) and grid 2 (one
    open finding), one in the other street; places to disinfect (one at a building, behind) and
    their logs; venues in both grids and the other street, with day and night sweeps."""
    from wangge.supervision import services_disinfection as dis
    from wangge.supervision import services_findings as fnd
    from wangge.supervision import services_inspections as ins
    from wangge.supervision import services_venues as ven
    from wangge.supervision.models import Finding

    actor = world.users.superuser

    def inspect(area, findings=(), target_type="grid_post", **kw):
        inspection, _created = ins.record_inspection(
            area,
            actor=actor,
            target_type=target_type,
            target_name="值守点",
            inspected_at=NOW - dt.timedelta(hours=2),
            findings=findings,
            **kw,
        )
        return inspection

    def finding(text, hours):
        return {
            "description": text,
            "severity": "minor",
            "owner_name": "赵网格",
            "deadline": NOW + dt.timedelta(hours=hours),
        }

    one = inspect(world.grid1, [finding("未佩戴口罩", 1), finding("登记不全", 5)])
    fnd.rectify(one.findings.order_by("pk").last(), actor=actor, note="已整改")
    inspect(world.grid2, [finding("消毒记录缺失", 5)])
    inspect(world.other_grid, [finding("外街道问题", 1)])
    late = ("未佩戴口罩", "外街道问题")  # went past their deadline (set by hand: a deadline is
    # never in the past when recorded)
    Finding.objects.filter(description__in=late).update(deadline=NOW - dt.timedelta(hours=1))

    lobby = dis.create_place(world.grid1, actor=actor, name="1号楼大厅", kind="public_area")
    lift = dis.create_place(
        world.grid1, actor=actor, name="1号楼电梯", kind="lift", building=world.b1
    )
    gate = dis.create_place(world.grid2, actor=actor, name="西门", kind="gate")
    dis.create_place(world.other_grid, actor=actor, name="远方门", kind="gate")
    for place in (lobby, gate):
        dis.log_disinfection(place, actor=actor, agent="84消毒液", done_at=local(9))
    dis.log_disinfection(lobby, actor=actor, agent="84消毒液", done_at=local(13))

    shop = ven.register_venue(
        world.grid1,
        actor=actor,
        name="惠民超市",
        kind="supermarket",
        address="1号",
        owner_name="甲",
    )
    ven.register_venue(
        world.grid2, actor=actor, name="网吧", kind="entertainment", address="2号", owner_name="乙"
    )
    ven.register_venue(
        world.other_grid,
        actor=actor,
        name="远方超市",
        kind="supermarket",
        address="9号",
        owner_name="丙",
    )
    inspect(world.grid1, target_type="supermarket", venue=shop)
    inspect(world.grid1, target_type="supermarket", venue=shop, shift="night")
    return SimpleNamespace(lift=lift)
