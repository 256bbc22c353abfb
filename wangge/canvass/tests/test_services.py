"""Recording visits: idempotency, the ledger, registry corrections, flags, the daily close."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.canvass.closes import close_day, due
from wangge.canvass.coverage import household_rows, ledger
from wangge.canvass.models import Flag, HouseholdStatus, Visit
from wangge.canvass.services import Corrections, decide_flag, record_visit
from wangge.core.models import ChangeLog
from wangge.people.models import Residence

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def answered(world, **person):
    block = {
        "person": world.zhang.pk,
        "name": "张伟",
        "left_city": "no",
        "contact": "none",
        "symptoms": [],
    }
    block.update(person)
    return {"people_count": 2, "persons": [block]}


def test_a_retried_visit_is_recorded_once(world, campaign):
    key = uuid.uuid4()
    actor = world.users.grid_leader
    first, created = record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=answered(world),
        client_uuid=key,
    )
    again, created_again = record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=answered(world),
        client_uuid=key,
    )
    assert created and not created_again and first.pk == again.pk
    assert Visit.objects.count() == 1
    assert HouseholdStatus.objects.get().visits == 1


def test_ledger_counts_each_state_per_grid(world, campaign):
    actor = world.users.commander
    record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=answered(world),
    )
    record_visit(campaign, world.h102, actor=actor, method="phone", outcome="absent")
    record_visit(campaign, world.h201, actor=actor, method="visit", outcome="refused")
    board = ledger(campaign, actor)
    grid1 = next(g for g in board.grids if g.obj == world.grid1)
    assert (grid1.counts.targeted, grid1.counts.reached, grid1.counts.revisit) == (3, 1, 1)
    assert grid1.counts.refused == 1 and grid1.counts.not_reached == 2
    assert grid1.leader_name == "赵网格"
    assert board.total.targeted == 4 and board.total.not_attempted == 1
    # A later "nobody home" does not undo a household already reached.
    record_visit(campaign, world.h101, actor=actor, method="visit", outcome="absent")
    assert ledger(campaign, actor).total.reached == 1
    # The grid leader sees only their grid; the outsider nothing.
    assert ledger(campaign, world.users.grid_leader).total.targeted == 3
    assert ledger(campaign, world.users.outsider).grids == []
    rows = list(household_rows(campaign, world.users.grid_leader))
    assert [(r.room, r.state) for r in rows] == [("102", "revisit"), ("201", "refused")]


def test_visit_corrects_the_registry_through_its_services(world, campaign):
    actor = world.users.grid_leader
    wife = Residence.objects.get(person=world.zhang_wife)
    record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers={**answered(world), "people_count": 3},
        corrections=Corrections(
            moved_out=[wife.pk],
            new_people=[{"name": "新租客", "phone": "139 0000 1234", "relation": "tenant"}],
        ),
    )
    world.h101.refresh_from_db()
    wife.refresh_from_db()
    assert world.h101.people_count == 3 and wife.until is not None
    assert Residence.objects.filter(household=world.h101, person__name="新租客").exists()
    assert ChangeLog.objects.filter(model="places.household", object_id=str(world.h101.pk)).exists()


def test_a_volunteer_cannot_correct_the_registry(world, campaign):
    with pytest.raises(PermissionDenied):
        record_visit(
            campaign,
            world.h101,
            actor=world.users.volunteer,
            method="visit",
            outcome="answered",
            answers=answered(world),
            corrections=Corrections(people_count=5),
        )
    assert not Visit.objects.exists()


def test_bad_visits_are_refused_with_reasons(world, campaign):
    with pytest.raises(ValidationError) as exc:
        record_visit(
            campaign,
            world.h101,
            actor=world.users.commander,
            method="visit",
            outcome="answered",
            answers={"persons": [{"name": "张伟", "left_city": "maybe"}]},
            visited_at=timezone.now() + dt.timedelta(days=30),
        )
    text = " ".join(exc.value.messages)
    assert "不在排查期内" in text and "几口人" in text and "不是可选的答案" in text
    with pytest.raises(PermissionDenied):
        record_visit(
            campaign,
            world.other_household,
            actor=world.users.commander,
            method="visit",
            outcome="absent",
        )
    assert not Visit.objects.exists()


def test_travel_to_a_risk_place_flags_the_person(world, campaign, risk_place):
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    visit, _ = record_visit(
        campaign,
        world.h101,
        actor=world.users.grid_leader,
        method="visit",
        outcome="answered",
        answers=answered(
            world,
            left_city="yes",
            travel=[{"place": "上海市浦东新区张江镇", "from": day, "to": day}],
        ),
    )
    flag = Flag.objects.get()
    assert flag.code == "travel_risk" and flag.person == world.zhang
    assert "上海市浦东新区" in flag.reason and flag.proposed == "central_quarantine"
    with pytest.raises(ValidationError):
        decide_flag(flag, measure="home_monitoring", note="", actor=world.users.commander)
    decide_flag(flag, measure="central_quarantine", note="", actor=world.users.commander)
    assert Flag.objects.get().decided
    # Travel that old is not flagged.
    old = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    record_visit(
        campaign,
        world.h102,
        actor=world.users.grid_leader,
        method="visit",
        outcome="answered",
        answers={
            "people_count": 1,
            "persons": [
                {
                    "name": "王芳",
                    "left_city": "yes",
                    "travel": [{"place": "上海市浦东新区", "from": old, "to": old}],
                    "contact": "none",
                }
            ],
        },
    )
    assert Flag.objects.count() == 1


def test_daily_close_freezes_figures_once(world, campaign):
    actor = world.users.commander
    record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=answered(world),
    )
    today = timezone.localdate()
    close, created = close_day(campaign, today, actor=actor)
    assert created and close.figures["total"]["reached"] == 1
    assert close.figures["total"]["reached_today"] == 1
    assert close.figures["total"]["not_reached"] == 3
    assert len(close.figures["households"]) == 3
    again, created = close_day(campaign, today)
    assert not created and again.pk == close.pk
    # Yesterday was never closed: it is due.
    assert (campaign, today - dt.timedelta(days=1)) in [(c, d) for c, d in due()]


def test_special_group_campaign_targets_their_households(world):
    campaign = make_campaign(world, target="special_group", target_group="elderly_alone")
    assert ledger(campaign, world.users.commander).total.targeted == 1


def test_a_household_that_moved_away_leaves_the_registry_with_its_history(world, campaign):
    record_visit(
        campaign, world.h101, actor=world.users.grid_leader, method="visit", outcome="moved"
    )
    world.h101.refresh_from_db()
    assert world.h101.people_count == 0
    assert not Residence.objects.filter(household=world.h101, until__isnull=True).exists()
    assert Residence.objects.filter(household=world.h101).count() == 2  # history kept
    # A volunteer's "moved" is recorded, the registry left for someone who may change it.
    record_visit(campaign, world.h102, actor=world.users.volunteer, method="visit", outcome="moved")
    assert Residence.objects.filter(household=world.h102, until__isnull=True).exists()
