"""The 6 a.m. report of a site: the figures of the 24 hours up to 06:00 (occupancy, arrivals,
releases, fevers, special diets and needs, parcels waiting), frozen on the first generation
after 06:00 so that a check-in entered later does not change it; the cron's make_due_reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.control import services_site_setup as site_setup
from wangge.control import services_stay_checkin as stay_checkin
from wangge.control import services_stays as stay_services
from wangge.control.models import Alert, SiteReport
from wangge.control.site_report import build_figures, due_day, make_due_reports, report_for

from . import test_sites_fixtures as fx
from .test_sites_fixtures import local, room

# The shared fixtures, by name.
site = fx.site

pytestmark = pytest.mark.django_db


@pytest.fixture
def night(world, site):
    """Day D (three days ago): 张伟 in since D-2 (diabetic, a fever at D-1 20:05, a parcel
    waiting), 王芳 arrived at D-1 23:40, 李娜 left at D-1 15:00, 刘洋 came after 06:00."""
    c = world.users.commander
    day = timezone.localdate() - dt.timedelta(days=3)
    before = day - dt.timedelta(days=1)
    zhang = stay_checkin.check_in(
        site,
        room(site, "202"),
        world.zhang,
        actor=c,
        at=local(day - dt.timedelta(days=2), 10),
        diet="diabetic",
        diet_note="少糖",
        medical_needs="每日胰岛素",
    )
    wang = stay_checkin.check_in(
        site, room(site, "203"), world.wang, actor=c, at=local(before, 23, 40), arrived_from="密接"
    )
    li = stay_checkin.check_in(
        site, room(site, "301"), world.li, actor=c, at=local(day - dt.timedelta(days=2), 12)
    )
    stay_services.check_out(li, actor=c, note="转送定点医院", at=local(before, 15))
    stay_checkin.check_in(site, room(site, "302"), world.liu, actor=c, at=local(day, 7))
    fever = Alert.objects.create(
        order=zhang.order,
        person=world.zhang,
        kind=Alert.Kind.FEVER,
        temperature="38.2",
        detail="体温 38.2℃",
        scope_path=zhang.order.scope_path,
    )
    Alert.objects.filter(pk=fever.pk).update(created_at=local(before, 20, 5))
    old = Alert.objects.create(
        order=zhang.order, person=world.zhang, kind="symptoms", detail="咳嗽", scope_path="/x/"
    )
    Alert.objects.filter(pk=old.pk).update(created_at=local(before - dt.timedelta(days=1), 9))
    waiting = stay_services.receive_parcel(
        zhang, actor=c, description="换洗衣物", at=local(before, 18)
    )
    done = stay_services.receive_parcel(
        zhang, actor=c, description="水果", disinfected=True, at=local(before, 18, 30)
    )
    stay_services.deliver_parcel(done, actor=c, at=local(before, 19))
    return day, {"zhang": zhang, "wang": wang, "li": li, "waiting": waiting}


def test_the_figures_of_the_24_hours_to_six(world, site, night):
    day, stays = night
    f = build_figures(site, day)
    assert (f["people_in"], f["rooms_used"], f["rooms_free"], f["rooms_out_of_service"]) == (
        2,
        2,
        3,
        1,
    )
    assert [(a["room"], a["name"], a["from"]) for a in f["arrivals"]] == [
        ("1号楼 203", "王*", "密接")
    ]
    assert f["arrivals"][0]["at"].endswith("23:40")
    assert [(r["name"], r["note"]) for r in f["releases"]] == [("李*", "转送定点医院")]
    assert f["fever_count"] == 1
    assert [(a["room"], a["name"], a["temperature"]) for a in f["alerts"]] == [
        ("1号楼 202", "张*", "38.2")
    ]
    assert f["special"] == [
        {
            "stay": stays["zhang"].pk,
            "room": "1号楼 202",
            "name": "张*",
            "diet": "糖尿病餐",
            "diet_note": "少糖",
            "medical_needs": "每日胰岛素",
        }
    ]
    assert [p["description"] for p in f["parcels_waiting"]] == ["换洗衣物"]
    # Names are stored masked.
    assert "张伟" not in str(f) and "王芳" not in str(f)


def test_the_report_is_frozen_after_six(world, site, night):
    day, stays = night
    figures, frozen = report_for(site, day, now=local(day, 6, 30))
    assert frozen is not None and frozen.generated_at == local(day, 6, 30)
    assert len(figures["arrivals"]) == 1
    # A night arrival entered afterwards changes the records, not the report that was sent.
    late = stay_checkin.check_in(
        site,
        room(site, "201"),
        world.zhang_wife,
        actor=world.users.commander,
        at=local(day - dt.timedelta(days=1), 22),
    )
    assert len(build_figures(site, day)["arrivals"]) == 2
    again, same = report_for(site, day)
    assert same.pk == frozen.pk and len(again["arrivals"]) == 1 and again["people_in"] == 2
    assert SiteReport.objects.filter(site=site, day=day).count() == 1
    assert late.pk


def test_before_six_it_is_a_preview(world, site, night):
    day, _stays = night
    figures, frozen = report_for(site, day, now=local(day, 5, 59))
    assert frozen is None and figures["people_in"] == 2
    assert not SiteReport.objects.exists()


def test_make_due_reports(world, site):
    other = site_setup.create_site(
        actor=world.users.commander, area=world.street, name="停用隔离点"
    )
    site_setup.update_site(other, {"active": False}, actor=world.users.commander)
    today = timezone.localdate()
    assert due_day(local(today, 6, 5)) == today
    assert due_day(local(today, 5, 59)) == today - dt.timedelta(days=1)
    assert make_due_reports(now=local(today, 6, 5)) == 1
    assert make_due_reports(now=local(today, 7)) == 0
    assert make_due_reports(now=local(today, 5)) == 1  # yesterday's, never made
    assert sorted(SiteReport.objects.values_list("site_id", "day")) == [
        (site.pk, today - dt.timedelta(days=1)),
        (site.pk, today),
    ]
