"""Hours and person-times on a small hand-made roster (fixtures_hours): check-in to check-out,
an open check-in counting a person-time and no hours, a night shift counted on the day it
starts; filters; the organisation summary and its sentence; who is left (under-staffed shifts
and people not checked in) with the grid leader."""

from __future__ import annotations

import datetime as dt

import pytest

from wangge.workforce import services_hours as svc
from wangge.workforce import services_left as left_svc
from wangge.workforce.models import Assignment, Post, Worker
from wangge.workforce.tests.fixtures_hours import DAY1, DAY2, assign, at, build, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(world):
    return build(world)


def by_name(rows):
    return {r.name: r for r in rows}


def test_hours_and_person_times_per_worker(world, roster):
    rows = svc.hours_by_worker(world.users.commander, since=DAY1, until=DAY2)
    got = by_name(rows)
    assert set(got) == {"李干部", "王干部", "陈志愿"}  # 赵社工 never checked in
    li, wang, chen = got["李干部"], got["王干部"], got["陈志愿"]
    # 6 h 10 min on s1 plus 8 h across midnight on s2.
    assert li.person_times == 2 and li.hours == pytest.approx(14 + 10 / 60)
    assert li.posts == ["采样点一", "卡口一"] and li.open == 0
    assert wang.person_times == 1 and wang.hours == pytest.approx(6)  # s4 is after the period
    # The open check-in on s2 counts a person-time, no hours.
    assert chen.person_times == 2 and chen.hours == pytest.approx(4.5) and chen.open == 1
    assert [r.name for r in rows] == ["李干部", "王干部", "陈志愿"]  # most hours first
    total = svc.total(rows)
    assert (total.workers, total.person_times, total.open) == (3, 5, 1)
    assert total.hours == pytest.approx(24 + 40 / 60) and total.hours_text == "24.7"
    assert li.hours_text == "14.2" and wang.hours_text == "6"


def test_a_night_shift_counts_on_the_day_it_starts(world, roster):
    day1 = by_name(svc.hours_by_worker(world.users.commander, since=DAY1, until=DAY1))
    assert day1["李干部"].hours == pytest.approx(14 + 10 / 60)
    day2 = by_name(svc.hours_by_worker(world.users.commander, since=DAY2, until=DAY2))
    assert "李干部" not in day2 and day2["陈志愿"].person_times == 1


def test_checking_out_closes_the_open_one(world, roster):
    roster.open_one.checked_out_at = at(DAY2, "06:30")
    roster.open_one.save()
    chen = by_name(svc.hours_by_worker(world.users.commander, since=DAY1, until=DAY2))["陈志愿"]
    assert chen.open == 0 and chen.hours == pytest.approx(4.5 + 8)
    assert not svc.open_checkins(world.users.commander, since=DAY1, until=DAY2).exists()


def test_filters_and_open_list(world, roster):
    user = world.users.commander
    cadres = svc.hours_by_worker(user, since=DAY1, until=DAY2, kind=Worker.Kind.CADRE)
    assert {r.name for r in cadres} == {"李干部", "王干部"}
    youth = svc.hours_by_worker(user, since=DAY1, until=DAY2, organization=roster.youth)
    assert [r.name for r in youth] == ["陈志愿"]
    assert [r.name for r in svc.hours_by_worker(user, since=DAY1, until=DAY2, q="王")] == ["王干部"]
    grid2 = svc.hours_by_worker(user, since=DAY1, until=DAY2, prefix=world.grid2.path)
    assert grid2 == []
    assert list(svc.open_checkins(user, since=DAY1, until=DAY2)) == [roster.open_one]


def test_scope_counts_only_posts_the_user_sees(world, roster):
    far = Post.objects.create(name="远方卡口", kind="checkpoint", area=world.other_grid)
    s = shift(far, at(DAY1, "08:00"), at(DAY1, "12:00"))
    assign(s, roster.li, at(DAY1, "08:00"), at(DAY1, "12:00"))
    mine = by_name(svc.hours_by_worker(world.users.commander, since=DAY1, until=DAY2))
    assert mine["李干部"].person_times == 2
    assert svc.hours_by_worker(world.users.outsider, since=DAY1, until=DAY2)[0].name == "李干部"
    assert svc.hours_by_worker(world.users.outsider, since=DAY1, until=DAY2)[0].person_times == 1
    assert svc.hours_by_worker(world.users.nobody, since=DAY1, until=DAY2) == []
    everything = by_name(svc.hours_by_worker(None, since=DAY1, until=DAY2))
    assert everything["李干部"].person_times == 3


def test_organization_summary_and_sentence(world, roster):
    lines = svc.organization_summary(world.users.commander, since=DAY1, until=DAY2)
    finance, youth, total = lines
    assert finance.name == "市财政局" and (finance.workers, finance.person_times) == (2, 3)
    assert finance.hours == pytest.approx(20 + 10 / 60)
    assert finance.sentence == "2 名干部，3 人次，20.2 小时"
    assert finance.report == "市财政局：2 名干部，3 人次，20.2 小时"
    assert youth.sentence == "1 名志愿者，2 人次，4.5 小时"
    assert total.is_total and (total.workers, total.person_times) == (3, 5)
    assert total.report == "共 2 个单位，3 名工作人员，5 人次，24.7 小时"


def test_organization_summary_of_cadres_only_and_no_organisation(world, roster):
    cadres = svc.organization_summary(world.users.commander, since=DAY1, until=DAY1)
    # 04-01: 李 and 王 of 市财政局, 陈志愿 of the volunteer team (open).
    assert [line.name for line in cadres] == ["市财政局", "青年志愿者队", "合计"]
    roster.chen.organization = None
    roster.chen.save()
    lines = svc.organization_summary(world.users.commander, since=DAY1, until=DAY2)
    assert [line.name for line in lines] == ["市财政局", "无派出单位", "合计"]
    assert lines[1].sentence == "1 名工作人员，2 人次，4.5 小时"
    Assignment.objects.filter(worker=roster.chen).delete()
    lines = svc.organization_summary(world.users.commander, since=DAY1, until=DAY2)
    assert lines[-1].report == "共 1 个单位，2 名干部，3 人次，20.2 小时"
    assert svc.organization_summary(world.users.commander, since=DAY1, until=DAY1)[0].workers


def test_sentence_builds_the_street_report():
    assert svc.sentence(106, 600, 3000.0, "government") == "106 名干部，600 人次，3000 小时"
    assert svc.fmt_hours(2.26) == "2.3" and svc.fmt_hours(14 + 1 / 6) == "14.2"
    assert svc.fmt_hours(0) == "0"


# --- who is left -----------------------------------------------------------------------------

NOW = at(DAY2, "08:20")


@pytest.fixture
def left(world, roster):
    """At 04-02 08:20: s3 (08:00–14:00) has 陈 in and 赵 not in; more shifts around it."""
    gate = roster.gate
    running = shift(gate, at(DAY2, "06:00"), at(DAY2, "12:00"), needed=2)
    assign(running, roster.wang, at(DAY2, "06:00"))
    soon = shift(gate, at(DAY2, "10:00"), at(DAY2, "16:00"), needed=3)
    assign(soon, roster.li)
    far = shift(gate, at(DAY2, "12:00", 1), at(DAY2, "18:00", 1), needed=2)
    draft = shift(gate, at(DAY2, "12:00"), at(DAY2, "18:00"), needed=2, published=False)
    just = shift(roster.sampling, at(DAY2, "08:10"), at(DAY2, "12:00"), needed=1)
    fresh = assign(just, roster.li)
    return running, soon, far, draft, fresh


def test_understaffed_now_and_next_24_hours(world, roster, left):
    running, soon, far, draft, _fresh = left
    gaps = left_svc.understaffed(world.users.commander, now=NOW)
    # Not `far` (beyond 24 h), not the draft, not s3 (full); s4 tomorrow 08:00 is short of one.
    assert [g.shift for g in gaps] == [running, soon, roster.s4]
    first, second, _s4 = gaps
    assert first.running and (first.needed, first.assigned, first.missing) == (2, 1, 1)
    assert not second.running and second.missing == 2
    assert first.grid == "第一网格"
    assert (first.leader_name, first.leader_phone) == ("赵网格", "13700000001")
    assert "缺 2 人" in second.line()[5]
    assert left_svc.understaffed(world.users.outsider, now=NOW) == []
    roster.gate.active = False
    roster.gate.save()
    assert [g.shift for g in left_svc.understaffed(world.users.commander, now=NOW)] == [roster.s4]


def test_absent_after_fifteen_minutes(world, roster, left):
    missing = left_svc.absent(world.users.commander, now=NOW)
    # 赵社工 on s3 (started 20 minutes ago); 李干部 on the 08:10 shift is still within grace.
    assert [a.assignment for a in missing] == [roster.zhao_s3]
    a = missing[0]
    assert a.phone == "136****0004" and a.late_minutes == 20
    assert (a.leader_name, a.leader_phone) == ("赵网格", "13700000001")
    line = a.line()
    assert "赵社工" in line[5] and "13611110004" not in line
    later = left_svc.absent(world.users.commander, now=at(DAY2, "08:30"))
    assert {x.worker.name for x in later} == {"赵社工", "李干部"}
    assert left_svc.absent(world.users.commander, now=at(DAY2, "16:00")) == []
    assert left_svc.absent(world.users.outsider, now=NOW) == []


def test_leader_falls_back_to_the_street_leader(world, roster):
    post = Post.objects.create(name="街道专班", kind="site", area=world.community)
    s = shift(post, NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=3), needed=2)
    gap = [g for g in left_svc.understaffed(world.users.commander, now=NOW) if g.shift == s][0]
    assert (gap.leader_name, gap.leader_phone) == ("周街长", "13700000004")
