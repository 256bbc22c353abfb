"""A small hand-made roster for the hours tests, built with the ORM in world.street.

Period 2022-04-01 … 04-02 (Asia/Shanghai):

    s1 采样点一 04-01 08:00–14:00  李干部 07:55–14:05 (6 h 10 min), 王干部 08:00–14:00 (6 h)
    s2 卡口一   04-01 22:00–06:00  李干部 22:00–06:00 (8 h, across midnight), 陈志愿 in 22:30, open
    s3 采样点一 04-02 08:00–14:00  陈志愿 08:00–12:30 (4 h 30 min), 赵社工 not checked in
    s4 采样点一 04-03 08:00–14:00  王干部 08:00–14:00 (after the period)

李干部 and 王干部 are cadres of 市财政局 (government), 陈志愿 a volunteer of 青年志愿者队,
赵社工 community staff with no organisation.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from wangge.workforce.models import Assignment, Organization, Post, Shift, Worker

DAY1 = dt.date(2022, 4, 1)
DAY2 = dt.date(2022, 4, 2)


def at(day: dt.date, hm: str, days: int = 0) -> dt.datetime:
    h, m = (int(x) for x in hm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=days), dt.time(h, m)))


def shift(post: Post, starts: dt.datetime, ends: dt.datetime, needed=2, published=True):
    return Shift.objects.create(
        post=post,
        starts_at=starts,
        ends_at=ends,
        needed=needed,
        published_at=starts - dt.timedelta(days=1) if published else None,
    )


def assign(s: Shift, worker: Worker, t_in=None, t_out=None) -> Assignment:
    return Assignment.objects.create(
        shift=s, worker=worker, checked_in_at=t_in, checked_out_at=t_out
    )


def build(world) -> SimpleNamespace:
    finance = Organization.objects.create(
        name="市财政局", kind=Organization.Kind.GOVERNMENT, area=world.street
    )
    youth = Organization.objects.create(
        name="青年志愿者队", kind=Organization.Kind.VOLUNTEER_TEAM, area=world.community
    )
    li = Worker.objects.create(
        name="李干部", phone="13611110001", kind="cadre", area=world.street, organization=finance
    )
    wang = Worker.objects.create(
        name="王干部", phone="13611110002", kind="cadre", area=world.street, organization=finance
    )
    chen = Worker.objects.create(
        name="陈志愿",
        phone="13611110003",
        kind="volunteer",
        area=world.community,
        organization=youth,
    )
    zhao = Worker.objects.create(name="赵社工", phone="13611110004", kind="staff", area=world.grid1)
    sampling = Post.objects.create(
        name="采样点一", kind=Post.Kind.SAMPLING, area=world.grid1, place="阳光小区广场"
    )
    gate = Post.objects.create(name="卡口一", kind=Post.Kind.CHECKPOINT, area=world.grid1)
    s1 = shift(sampling, at(DAY1, "08:00"), at(DAY1, "14:00"))
    s2 = shift(gate, at(DAY1, "22:00"), at(DAY2, "06:00"))
    s3 = shift(sampling, at(DAY2, "08:00"), at(DAY2, "14:00"))
    s4 = shift(sampling, at(DAY2, "08:00", 1), at(DAY2, "14:00", 1))
    assign(s1, li, at(DAY1, "07:55"), at(DAY1, "14:05"))
    assign(s1, wang, at(DAY1, "08:00"), at(DAY1, "14:00"))
    assign(s2, li, at(DAY1, "22:00"), at(DAY2, "06:00"))
    open_one = assign(s2, chen, at(DAY1, "22:30"))
    assign(s3, chen, at(DAY2, "08:00"), at(DAY2, "12:30"))
    zhao_s3 = assign(s3, zhao)
    assign(s4, wang, at(DAY2, "08:00", 1), at(DAY2, "14:00", 1))
    return SimpleNamespace(
        finance=finance,
        youth=youth,
        li=li,
        wang=wang,
        chen=chen,
        zhao=zhao,
        sampling=sampling,
        gate=gate,
        s1=s1,
        s2=s2,
        s3=s3,
        s4=s4,
        open_one=open_one,
        zhao_s3=zhao_s3,
    )
