"""The roster pages: posts (list, create, edit, detail), creating shifts, the day's roster
with propose and publish, a shift's assign/unassign, my shifts and its check-in button."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from wangge.accounts.models import User
from wangge.workforce import services_roster as svc
from wangge.workforce.models import Assignment, Post, Shift

from .fixtures_roster import DAY, at, clock_fixture, make_post, make_shift, make_worker  # noqa: F401


def test_post_create_edit_list_detail(world, client_for):
    c = client_for(world.users.commander)
    assert c.get(reverse("workforce:post_list")).status_code == 200
    r = c.post(reverse("workforce:post_create"), {"name": " ", "kind": "sampling"})
    assert (
        r.status_code == 200
        and "这个字段是必填项" in r.content.decode()
        or "required" in r.content.decode()
    )
    r = c.post(
        reverse("workforce:post_create"),
        {
            "name": "兴华采样台3",
            "kind": "sampling",
            "area": world.grid1.pk,
            "headcount": 4,
            "skills": ["sampling", "registrar"],
            "active": "on",
            "place": "兴华广场",
        },
    )
    post = Post.objects.get(name="兴华采样台3")
    assert r.status_code == 302 and r.url == reverse("workforce:post_detail", args=[post.pk])
    assert post.scope_path == world.grid1.path and post.skills == ["sampling", "registrar"]
    body = c.get(reverse("workforce:post_list") + "?q=兴华采样").content.decode()
    assert "兴华采样台3" in body and "每班 4 人" in body
    assert (
        "没有符合条件的岗位" in c.get(reverse("workforce:post_list") + "?q=没有").content.decode()
    )
    r = c.post(
        reverse("workforce:post_edit", args=[post.pk]),
        {
            "name": "兴华采样台3号",
            "kind": "sampling",
            "area": world.grid1.pk,
            "headcount": 3,
            "active": "on",
        },
    )
    assert r.status_code == 302
    post.refresh_from_db()
    assert post.name == "兴华采样台3号" and post.headcount == 3 and post.skills == []
    assert (
        "还没有待上的班次"
        in c.get(reverse("workforce:post_detail", args=[post.pk])).content.decode()
    )


def test_volunteer_may_see_but_not_change_posts(world, client_for):
    post = make_post(world.grid1)
    c = client_for(world.users.volunteer)
    assert c.get(reverse("workforce:post_detail", args=[post.pk])).status_code == 200
    assert c.get(reverse("workforce:post_edit", args=[post.pk])).status_code == 403
    assert c.get(reverse("workforce:shift_create", args=[post.pk])).status_code == 403
    assert c.get(reverse("workforce:post_create")).status_code == 403


def test_shift_create_a_day_in_six_hour_shifts(world, client_for):
    post = make_post(world.grid1, headcount=3)
    c = client_for(world.users.grid_leader)
    r = c.get(reverse("workforce:shift_create", args=[post.pk]) + "?preset=24h")
    assert r.status_code == 200
    r = c.post(
        reverse("workforce:shift_create", args=[post.pk]),
        {"day": DAY.isoformat(), "starts": "00:00", "ends": "00:00", "slot_hours": 6, "needed": 3},
    )
    assert r.status_code == 302 and r.url.endswith("?day=" + DAY.isoformat())
    assert Shift.objects.filter(post=post).count() == 4
    r = c.post(
        reverse("workforce:shift_create", args=[post.pk]),
        {"day": DAY.isoformat(), "starts": "00:00", "ends": "06:00", "slot_hours": 0, "needed": 3},
    )
    assert "请勿重复创建" in r.content.decode()


def test_roster_propose_publish(world, client_for, clock):
    clock(at(6))  # before the clients are made
    posts = [make_post(world.grid1, name=f"采样台{i}") for i in range(2)]
    for p in posts:
        make_shift(p, at(8), needed=2)
    workers = [make_worker(world.grid1, name=f"人员{i}") for i in range(3)]
    c = client_for(world.users.commander)
    url = reverse("workforce:roster") + "?day=" + DAY.isoformat()
    body = c.get(url).content.decode()
    assert "采样台0" in body and 'id="open-places">4<' in body
    # A GET of the action goes back to the roster.
    assert c.get(reverse("workforce:roster_propose")).status_code == 302
    r = c.post(reverse("workforce:roster_propose"), {"day": DAY.isoformat()}, follow=True)
    body = r.content.decode()
    assert "已按建议自动安排 3 人次" in body and "还缺 1 人" in body
    assert Assignment.objects.count() == 3
    assert {a.worker for a in Assignment.objects.all()} == set(workers)
    r = c.post(reverse("workforce:roster_publish"), {"day": DAY.isoformat()}, follow=True)
    assert "已发布 2 个班次" in r.content.decode()
    assert not Shift.objects.filter(published_at__isnull=True).exists()
    # The volunteer sees the roster but has no buttons, and may not post.
    v = client_for(world.users.volunteer)
    assert "自动补齐空缺" not in v.get(url).content.decode()
    assert v.post(reverse("workforce:roster_propose"), {"day": DAY.isoformat()}).status_code == 403


def test_shift_detail_assign_and_unassign_with_clear_messages(world, client_for):
    post = make_post(world.grid1)
    shift = make_shift(post, at(8))
    busy = make_worker(world.grid1, name="忙碌者")
    svc.assign(
        make_shift(make_post(world.grid1, name="卡口"), at(10)), busy, actor=world.users.commander
    )
    red = make_worker(world.grid1, name="红码者", health="red")
    free = make_worker(world.grid1, name="空闲者")
    c = client_for(world.users.grid_leader)
    url = reverse("workforce:shift_detail", args=[shift.pk])
    body = c.get(url).content.decode()
    assert "空闲者" in body and "已排在时间重叠的班次" in body and "红码" in body
    r = c.post(url, {"action": "assign", "worker": busy.pk}, follow=True)
    assert "忙碌者 已排在时间重叠的班次" in r.content.decode()
    r = c.post(url, {"action": "assign", "worker": red.pk}, follow=True)
    assert "红码者 健康状况为“红码”" in r.content.decode()
    r = c.post(url, {"action": "assign", "worker": free.pk}, follow=True)
    assert "已安排 空闲者" in r.content.decode()
    a = Assignment.objects.get(shift=shift, worker=free)
    r = c.post(url, {"action": "unassign", "assignment": a.pk}, follow=True)
    assert "已将 空闲者 移出本班次" in r.content.decode()
    assert not Assignment.objects.filter(shift=shift).exists()
    # A worker of another street cannot be named.
    stranger = make_worker(world.other_grid, name="外街道")
    r = c.post(url, {"action": "assign", "worker": stranger.pk}, follow=True)
    assert "不在您的管辖范围内" in r.content.decode()
    v = client_for(world.users.volunteer)
    assert v.post(url, {"action": "assign", "worker": free.pk}).status_code == 403


def test_mine_without_worker_shows_empty_state(world, client_for):
    body = client_for(world.users.nobody).get(reverse("workforce:mine")).content.decode()
    assert "您的账号尚未关联工作人员档案" in body


@pytest.fixture
def my_shift(world):
    user = User.objects.create_user("vol_zhao", password="x-Secret-2022")
    worker = make_worker(world.grid1, name="赵志愿", user=user)
    post = make_post(world.grid1, name="兴华采样台", place="兴华广场东侧")
    published = make_shift(post, at(8), published_at=at(0))
    draft = make_shift(post, at(20, day=DAY + dt.timedelta(days=1)))
    a = svc.assign(published, worker, actor=world.users.commander)
    svc.assign(draft, worker, actor=world.users.commander)
    return user, a


def test_mine_lists_published_shifts_and_checks_in_once(world, client_for, clock, my_shift):
    user, a = my_shift
    clock(at(7))
    c = client_for(user)  # after the clock: the session must not have expired by 2030
    body = c.get(reverse("workforce:mine")).content.decode()
    assert "兴华采样台" in body and "开班前 30 分钟起可签到" in body and "到岗签到" not in body
    assert body.count("data-assignment=") == 1  # the draft is not shown
    clock(at(7, 45))
    body = c.get(reverse("workforce:mine")).content.decode()
    assert "到岗签到" in body
    key = str(uuid.uuid4())
    url = reverse("workforce:checkin", args=[a.pk])
    r = c.post(url, {"action": "in", "client_uuid": key}, follow=True)
    assert "签到成功，到岗时间 07:45" in r.content.decode()
    clock(at(7, 50))
    r = c.post(url, {"action": "in", "client_uuid": key}, follow=True)
    assert "已于 07:45 签到" in r.content.decode()
    assert "签退离岗" in r.content.decode()
    clock(at(14))
    r = c.post(url, {"action": "out", "client_uuid": str(uuid.uuid4())}, follow=True)
    assert "签退成功" in r.content.decode()
    a.refresh_from_db()
    assert a.checked_in_at == at(7, 45) and a.checked_out_at == at(14)


def test_checkin_of_someone_else_is_404(world, client_for, clock, my_shift):
    _user, a = my_shift
    clock(at(8))  # before the clients are made
    other = User.objects.create_user("vol_qian", password="x-Secret-2022")
    make_worker(world.grid1, user=other)
    url = reverse("workforce:checkin", args=[a.pk])
    assert client_for(other).post(url, {"action": "in"}).status_code == 404
    assert client_for(world.users.volunteer).post(url, {"action": "in"}).status_code == 404
    a.refresh_from_db()
    assert a.checked_in_at is None


def test_post_detail_lists_shifts_and_roster_lists_idle_posts(world, client_for, clock):
    clock(at(6))
    post = make_post(world.grid1, name="兴华卡口", kind="checkpoint", skills=["checkpoint"])
    idle = make_post(world.grid1, name="空闲岗位")
    shift = make_shift(post, at(8), needed=1)
    svc.assign(shift, make_worker(world.grid1, name="钱值守"), actor=world.users.commander)
    c = client_for(world.users.commander)
    body = c.get(reverse("workforce:post_detail", args=[post.pk])).content.decode()
    assert f'data-shift="{shift.pk}"' in body and "钱值守" in body and "卡口值守" in body
    body = c.get(reverse("workforce:roster") + "?day=" + DAY.isoformat()).content.decode()
    assert "当天未排班的岗位" in body and idle.name in body
    body = c.get(reverse("workforce:shift_detail", args=[shift.pk])).content.decode()
    assert "本班次已满员" in body and "136****" in body
