"""The roster's rules: assign refuses the inactive, the not green, those outside the post's
area, overlapping shifts and too little rest; the proposal fills open places without ever
double-booking (also on random rosters); publishing; check-in and check-out are idempotent and
only one's own."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangge.accounts.models import User
from wangge.workforce import services_checkin as checkin
from wangge.workforce import services_posts as posts_svc
from wangge.workforce import services_roster as svc
from wangge.workforce.models import Assignment, Shift, Worker

from .fixtures_roster import DAY, at, clock_fixture, make_post, make_shift, make_worker  # noqa: F401


def _msg(exc: pytest.ExceptionInfo) -> str:
    return "；".join(exc.value.messages)


@pytest.fixture
def post(world):
    return make_post(world.grid1)


def test_assign_puts_worker_on_shift(world, post):
    shift = make_shift(post, at(8))
    w = make_worker(world.grid1)
    a = svc.assign(shift, w, actor=world.users.commander)
    assert a.shift == shift and a.worker == w and a.source == "manual"


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("status", Worker.Status.INACTIVE, "不是在册人员"),
        ("status", Worker.Status.PENDING, "不是在册人员"),
        ("health", Worker.Health.YELLOW, "黄码"),
        ("health", Worker.Health.ISOLATED, "隔离中"),
    ],
)
def test_assign_refuses_inactive_or_not_green(world, post, field, value, text):
    shift = make_shift(post, at(8))
    w = make_worker(world.grid1, **{field: value})
    with pytest.raises(ValidationError) as exc:
        svc.assign(shift, w, actor=world.users.commander)
    assert text in _msg(exc)
    assert not Assignment.objects.exists()


def test_assign_refuses_overlap(world, post):
    other = make_post(world.grid1, name="卡口2", kind="checkpoint")
    w = make_worker(world.grid1, name="王强")
    svc.assign(make_shift(post, at(8)), w, actor=world.users.commander)
    with pytest.raises(ValidationError) as exc:
        svc.assign(make_shift(other, at(12)), w, actor=world.users.commander)
    assert "王强 已排在时间重叠的班次" in _msg(exc)


def test_assign_refuses_too_little_rest(world, post):
    w = make_worker(world.grid1, name="王强")
    svc.assign(make_shift(post, at(8)), w, actor=world.users.commander)  # 08–14
    with pytest.raises(ValidationError) as exc:
        svc.assign(make_shift(post, at(20)), w, actor=world.users.commander)  # 6 h after
    assert "间隔不足 8 小时" in _msg(exc)
    # 8 hours of rest is enough, and a shorter rule may be asked for.
    svc.assign(make_shift(post, at(22)), w, actor=world.users.commander)
    svc.assign(
        make_shift(post, at(10, day=DAY - dt.timedelta(days=1)), hours=4),
        w,
        actor=world.users.commander,
        rest_hours=4,
    )


def test_assign_refuses_outside_area_full_shift_and_twice(world, post):
    shift = make_shift(post, at(8), needed=1)
    grid2_worker = make_worker(world.grid2, name="二网格")
    with pytest.raises(ValidationError) as exc:
        svc.assign(shift, grid2_worker, actor=world.users.commander)
    assert "不属于岗位" in _msg(exc)
    street_cadre = make_worker(world.street, kind="cadre")  # a street's cadre serves every grid
    svc.assign(shift, street_cadre, actor=world.users.commander)
    with pytest.raises(ValidationError) as exc:
        svc.assign(shift, street_cadre, actor=world.users.commander)
    assert "已在本班次" in _msg(exc)
    with pytest.raises(ValidationError) as exc:
        svc.assign(shift, make_worker(world.grid1), actor=world.users.commander)
    assert "已满员" in _msg(exc)


def test_assign_needs_change_over_the_shift(world, post):
    shift = make_shift(post, at(8))
    for user in (world.users.volunteer, world.users.outsider):
        with pytest.raises(PermissionDenied):
            svc.assign(shift, make_worker(world.grid1), actor=user)


def test_unassign_refuses_after_check_in(world, post, clock):
    shift = make_shift(post, at(8), published_at=at(0))
    a = svc.assign(shift, make_worker(world.grid1), actor=world.users.commander)
    clock(at(8, 5))
    checkin.check_in(a, actor=world.users.commander)
    with pytest.raises(ValidationError):
        svc.unassign(a, actor=world.users.commander)
    b = svc.assign(shift, make_worker(world.grid1), actor=world.users.commander)
    svc.unassign(b, actor=world.users.commander)
    assert list(shift.assignments.all()) == [a]


def test_create_shifts_cuts_a_day_in_six_hour_shifts(world, post):
    shifts = posts_svc.create_shifts(
        post,
        actor=world.users.commander,
        day=DAY,
        starts=dt.time(0),
        ends=dt.time(0),
        slot_hours=6,
        needed=3,
    )
    assert [(s.starts_at, s.ends_at) for s in shifts] == [
        (at(h), at(h + 6)) for h in (0, 6, 12, 18)
    ]
    assert all(s.needed == 3 and s.published_at is None for s in shifts)
    with pytest.raises(ValidationError, match="请勿重复创建"):
        posts_svc.create_shifts(
            post, actor=world.users.commander, day=DAY, starts=dt.time(0), ends=dt.time(6)
        )
    night = posts_svc.create_shifts(
        post,
        actor=world.users.commander,
        day=DAY,
        starts=dt.time(22),
        ends=dt.time(6),
        slot_hours=0,
    )
    assert night[0].ends_at == at(6, day=DAY + dt.timedelta(days=1))
    assert night[0].needed == post.headcount


# --- propose ------------------------------------------------------------------------------------


def _no_double_booking(rest_hours: int = 8) -> None:
    rest = dt.timedelta(hours=rest_hours)
    by_worker: dict[int, list[Shift]] = {}
    for a in Assignment.objects.select_related("shift"):
        by_worker.setdefault(a.worker_id, []).append(a.shift)
    for shifts in by_worker.values():
        shifts.sort(key=lambda s: s.starts_at)
        for first, second in zip(shifts, shifts[1:], strict=False):
            assert second.starts_at >= first.ends_at + rest, (first, second)
    for s in Shift.objects.all():
        assert s.assignments.count() <= s.needed


def test_propose_fills_open_places_and_reports_the_rest(world):
    posts = [make_post(world.grid1, name=f"采样台{i}") for i in range(3)]
    shifts = [make_shift(p, at(8), needed=2) for p in posts]  # 6 places at 08–14
    workers = [make_worker(world.grid1) for _ in range(4)]
    make_worker(world.grid1, health=Worker.Health.RED)
    make_worker(world.grid1, status=Worker.Status.INACTIVE)
    make_worker(world.grid2)  # another grid: not for these posts
    result = svc.propose_detailed(world.users.commander, DAY)
    assert len(result.created) == 4
    assert {a.worker_id for a in result.created} == {w.pk for w in workers}
    assert all(a.source == "proposal" for a in result.created)
    assert sum(g.missing for g in result.gaps) == 2
    _no_double_booking()
    # Running it again adds nobody: everyone is busy.
    assert svc.propose(world.users.commander, DAY) == []
    assert sum(s.assignments.count() for s in shifts) == 4


def test_propose_prefers_skills_then_fewest_hours(world):
    post = make_post(world.grid1, skills=["sampling"])
    shift = make_shift(post, at(8), needed=1)
    plain = make_worker(world.grid1, name="甲")
    skilled_busy = make_worker(world.grid1, name="乙", skills=["sampling"])
    skilled_free = make_worker(world.grid1, name="丙", skills=["sampling", "order"])
    # 乙 already worked 6 hours this week (Monday is the week's first day: use Tuesday).
    other = make_post(world.grid1, name="卡口")
    svc.assign(
        make_shift(other, at(8, day=DAY + dt.timedelta(days=1))),
        skilled_busy,
        actor=world.users.commander,
    )
    made = svc.propose(world.users.commander, DAY)
    assert [a.worker for a in made] == [skilled_free]
    assert plain.assignments.count() == 0
    assert shift.assignments.count() == 1


def test_propose_respects_rest_and_existing_bookings(world):
    post = make_post(world.grid1)
    day_shifts = [make_shift(post, at(h), needed=1) for h in (0, 6, 12, 18)]
    w1, w2 = make_worker(world.grid1), make_worker(world.grid1)
    result = svc.propose_detailed(world.users.commander, DAY)
    # 6-hour shifts, 8 hours of rest: one person may take 00–06 and 18–24, nobody 06–12 and
    # a later one; two people fill three of the four shifts.
    assert len(result.created) == 3
    _no_double_booking()
    assert {a.worker_id for a in result.created} == {w1.pk, w2.pk}
    assert [(g.shift, g.missing) for g in result.gaps] == [(day_shifts[2], 1)]
    # A third person fills the last place.
    make_worker(world.grid1)
    assert len(svc.propose(world.users.commander, DAY)) == 1
    _no_double_booking()


def test_propose_stays_in_scope_and_area(world):
    post1 = make_post(world.grid1)
    post2 = make_post(world.grid2, name="二网格采样台")
    s1, s2 = make_shift(post1, at(8)), make_shift(post2, at(8))
    make_worker(world.grid1)
    make_worker(world.grid2)
    # The grid leader of grid 1 fills grid 1 only.
    made = svc.propose(world.users.grid_leader, DAY)
    assert [a.shift for a in made] == [s1]
    assert s2.assignments.count() == 0
    assert svc.propose(world.users.outsider, DAY) == []
    made = svc.propose(world.users.commander, DAY, area=world.grid2)
    assert [a.shift for a in made] == [s2]


def _random_roster(world, rnd: random.Random, n_posts: int, n_workers: int, n_shifts: int):
    posts = [
        make_post(
            rnd.choice([world.grid1, world.grid2, world.community]),
            name=f"岗{i}",
            skills=rnd.sample(["sampling", "order", "data"], rnd.randint(0, 2)),
        )
        for i in range(n_posts)
    ]
    for _ in range(n_shifts):
        make_shift(
            rnd.choice(posts),
            at(rnd.randint(0, 22)),
            hours=rnd.choice([2, 4, 6, 8, 12]),
            needed=rnd.randint(1, 4),
        )
    for _ in range(n_workers):
        make_worker(
            rnd.choice([world.grid1, world.grid2, world.community, world.street]),
            skills=rnd.sample(["sampling", "order", "data"], rnd.randint(0, 2)),
            health=rnd.choice(["green"] * 4 + ["yellow"]),
        )


@pytest.mark.parametrize("seed", range(5))
def test_propose_never_double_books_random_rosters(world, seed):
    rnd = random.Random(seed)
    _random_roster(world, rnd, n_posts=5, n_workers=6, n_shifts=12)
    rest = rnd.choice([0, 4, 8])
    result = svc.propose_detailed(world.users.commander, DAY, rest_hours=rest)
    _no_double_booking(rest)
    for a in result.created:
        assert a.worker.health == "green"
        assert svc.same_line(a.worker.scope_path, a.shift.scope_path)
    open_places = sum(max(s.needed - s.assignments.count(), 0) for s in Shift.objects.all())
    assert open_places == sum(g.missing for g in result.gaps)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), n_workers=st.integers(1, 5), n_shifts=st.integers(1, 10))
def test_propose_never_double_books_hypothesis(world, seed, n_workers, n_shifts):
    Assignment.objects.all().delete()
    Shift.objects.all().delete()
    Worker.objects.all().delete()
    _random_roster(world, random.Random(seed), n_posts=3, n_workers=n_workers, n_shifts=n_shifts)
    svc.propose(world.users.commander, DAY)
    svc.propose(world.users.commander, DAY)  # a second run never books anyone twice either
    _no_double_booking()


# --- publish ------------------------------------------------------------------------------------


def test_publish_publishes_the_days_drafts_in_scope(world, clock):
    clock(at(7))
    post1, post2 = make_post(world.grid1), make_post(world.grid2, name="二")
    s1, s2 = make_shift(post1, at(8)), make_shift(post2, at(8))
    tomorrow = make_shift(post1, at(8, day=DAY + dt.timedelta(days=1)))
    assert svc.publish(world.users.grid_leader, DAY) == 1
    s1.refresh_from_db()
    s2.refresh_from_db()
    tomorrow.refresh_from_db()
    assert s1.published_at == at(7) and s2.published_at is None and tomorrow.published_at is None
    assert svc.publish(world.users.outsider, DAY) == 0
    assert svc.publish(world.users.commander, DAY, area=world.grid2) == 1
    assert svc.publish(world.users.commander, DAY) == 0


# --- check-in / check-out -----------------------------------------------------------------------


@pytest.fixture
def mine(world, post):
    user = User.objects.create_user("vol_wang", password="x-Secret-2022")
    worker = make_worker(world.grid1, name="王志愿", user=user)
    shift = make_shift(post, at(8), published_at=at(0))
    a = svc.assign(shift, worker, actor=world.users.commander)
    return user, a


def test_check_in_from_30_minutes_before_and_idempotent(world, mine, clock):
    user, a = mine
    clock(at(7, 20))
    with pytest.raises(ValidationError, match="最早可提前 30 分钟"):
        checkin.check_in(a, actor=user)
    clock(at(7, 31))
    key = uuid.uuid4()
    first, created = checkin.record_check_in(a, actor=user, client_uuid=key)
    assert created and first.checked_in_at == at(7, 31)
    clock(at(7, 40))
    again, created = checkin.record_check_in(a, actor=user, client_uuid=key)
    assert not created and again.checked_in_at == at(7, 31)
    # Pressing the button again on a new page records nothing either.
    again, created = checkin.record_check_in(a, actor=user, client_uuid=uuid.uuid4())
    assert not created and again.checked_in_at == at(7, 31)
    clock(at(14, 2))
    out_key = uuid.uuid4()
    done, created = checkin.record_check_out(a, actor=user, client_uuid=out_key)
    assert created and done.checked_out_at == at(14, 2)
    clock(at(14, 10))
    done, created = checkin.record_check_out(a, actor=user, client_uuid=out_key)
    assert not created and done.checked_out_at == at(14, 2)
    assert done.hours > 0


def test_check_in_only_ones_own(world, mine, clock):
    user, a = mine
    clock(at(8))
    other = User.objects.create_user("vol_li", password="x-Secret-2022")
    make_worker(world.grid1, name="李志愿", user=other)
    for actor in (other, world.users.volunteer, world.users.outsider):
        with pytest.raises(PermissionDenied):
            checkin.check_in(a, actor=actor)
    a.refresh_from_db()
    assert a.checked_in_at is None
    # The rosterer may record it for a worker without a phone.
    checkin.check_in(a, actor=world.users.grid_leader)


def test_check_in_refuses_draft_ended_and_out_before_in(world, post, clock):
    w = make_worker(world.grid1)
    draft = svc.assign(make_shift(post, at(8)), w, actor=world.users.commander)
    clock(at(8))
    with pytest.raises(ValidationError, match="尚未发布"):
        checkin.check_in(draft, actor=world.users.commander)
    shift = make_shift(post, at(20), published_at=at(0))
    b = svc.assign(shift, make_worker(world.grid1), actor=world.users.commander)
    with pytest.raises(ValidationError, match="尚未签到"):
        checkin.check_out(b, actor=world.users.commander)
    clock(at(2, day=DAY + dt.timedelta(days=1)))
    with pytest.raises(ValidationError, match="已结束"):
        checkin.check_in(b, actor=world.users.commander)


def test_a_uuid_of_another_assignment_is_refused(world, post, clock):
    shift = make_shift(post, at(8), published_at=at(0))
    a = svc.assign(shift, make_worker(world.grid1), actor=world.users.commander)
    b = svc.assign(shift, make_worker(world.grid1), actor=world.users.commander)
    clock(at(8))
    key = uuid.uuid4()
    checkin.check_in(a, actor=world.users.commander, client_uuid=key)
    with pytest.raises(ValidationError, match="client_uuid"):
        checkin.check_in(b, actor=world.users.commander, client_uuid=key)
