"""Risk designation pages: designating and lifting (history kept), scope (a grid leader cannot
designate outside their grid, an outsider sees and lifts nothing) and bad input refused with a
clear message and nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.control.models import DesignationLevel, RiskDesignation
from wangge.control.services import current_designations, designate

pytestmark = pytest.mark.django_db

LIST = reverse("control:designation_list")
NEW = reverse("control:designation_create")


def level(code):
    return DesignationLevel.objects.get(code=code)


def now_field():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def lift_url(designation):
    return reverse("control:designation_lift", args=[designation.pk])


def body(response):
    return response.content.decode()


def test_commander_designates_a_unit_and_lifts_it(world, client_for):
    c = client_for(world.users.commander)
    page = c.get(NEW + f"?unit={world.u11.pk}")
    assert page.status_code == 200
    assert f'name="unit" value="{world.u11.pk}"' in body(page)
    assert "阳光小区 1号楼 1单元" in body(page)
    r = c.post(
        NEW,
        {
            "unit": world.u11.pk,
            "level": level("sealed").pk,
            "starts_at": now_field(),
            "reason": "出现阳性病例",
        },
    )
    assert r.status_code == 302 and r.url == LIST
    designation = RiskDesignation.objects.get(unit=world.u11)
    assert designation.level.code == "sealed" and designation.created_by == world.users.commander
    listing = body(c.get(LIST))
    assert "阳光小区 1号楼 1单元" in listing and "出现阳性病例" in listing
    assert "#f1aeb5" in listing and lift_url(designation) in listing
    assert "封控区" in body(c.get(LIST + "?level=sealed"))
    assert "出现阳性病例" not in body(c.get(LIST + "?level=precaution"))

    assert "解除原因" in body(c.get(lift_url(designation)))
    r = c.post(lift_url(designation), {"reason": "14天无新增", "at": ""})
    assert r.status_code == 302 and r.url == LIST
    designation.refresh_from_db()
    assert designation.ends_at is not None and designation.lift_reason == "14天无新增"
    assert designation.lifted_by == world.users.commander
    # History is kept: the list shows current designations only unless ?all=1.
    assert RiskDesignation.objects.filter(unit=world.u11).count() == 1
    assert not current_designations().exists()
    current = body(c.get(LIST))
    assert "出现阳性病例" not in current and "当前没有风险区域" in current
    history = body(c.get(LIST + "?all=1"))
    assert "出现阳性病例" in history and "14天无新增" in history and "已解除" in history
    assert lift_url(designation) not in history
    # Lifting again is refused with a message, nothing changes.
    again = c.post(lift_url(designation), {"reason": "再次", "at": ""})
    assert again.status_code == 200 and "已于" in body(again)
    designation.refresh_from_db()
    assert designation.lift_reason == "14天无新增"


def test_designating_a_building_from_its_page_and_redesignating_keeps_history(world, client_for):
    c = client_for(world.users.commander)
    assert c.get(NEW + f"?building={world.b1.pk}").status_code == 200
    assert c.get(NEW + f"?estate={world.estate.pk}").status_code == 200
    for code, reason in (("controlled", "密接居住"), ("sealed", "出现阳性")):
        r = c.post(
            NEW,
            {
                "building": world.b1.pk,
                "level": level(code).pk,
                "starts_at": now_field(),
                "reason": reason,
            },
        )
        assert r.status_code == 302
    assert RiskDesignation.objects.filter(building=world.b1).count() == 2
    assert current_designations().get(building=world.b1).level.code == "sealed"
    listing = body(c.get(LIST))
    assert "出现阳性" in listing and "密接居住" not in listing
    assert "密接居住" in body(c.get(LIST + "?all=1"))


def test_a_grid_leader_cannot_designate_outside_the_grid(world, client_for):
    c = client_for(world.users.grid_leader)
    assert c.get(NEW + f"?unit={world.u21.pk}").status_code == 404
    assert c.get(NEW + f"?estate={world.estate.pk}").status_code == 404  # community-wide
    page = body(c.get(NEW + "?q=阳光 1"))
    assert f"?unit={world.u11.pk}" in page
    assert "2号楼" not in page
    r = c.post(
        NEW,
        {
            "unit": world.u21.pk,
            "level": level("sealed").pk,
            "starts_at": now_field(),
            "reason": "x",
        },
    )
    assert r.status_code == 200 and "不在您的管辖范围内" in body(r)
    assert not RiskDesignation.objects.exists()
    # In the grid it works; a designation of grid 2 cannot be lifted by them.
    ok = c.post(
        NEW,
        {
            "unit": world.u11.pk,
            "level": level("controlled").pk,
            "starts_at": now_field(),
            "reason": "密接",
        },
    )
    assert ok.status_code == 302
    theirs = designate(world.u21, level("sealed"), actor=world.users.commander, reason="阳性")
    assert c.get(lift_url(theirs)).status_code == 404
    assert c.post(lift_url(theirs), {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.ends_at is None


def test_an_outsider_sees_nothing_and_lifts_nothing(world, client_for):
    designation = designate(
        world.u11, level("sealed"), actor=world.users.commander, reason="第一网格阳性"
    )
    designate(world.estate, level("precaution"), actor=world.users.commander, reason="全小区")
    c = client_for(world.users.outsider)
    for query in ("", "?all=1", "?level=sealed"):
        page = body(c.get(LIST + query))
        assert "阳光小区" not in page and "第一网格阳性" not in page and "全小区" not in page
    assert c.get(lift_url(designation)).status_code == 404
    assert c.post(lift_url(designation), {"reason": "x"}).status_code == 404
    designation.refresh_from_db()
    assert designation.ends_at is None
    assert c.get(NEW + f"?unit={world.u11.pk}").status_code == 404
    assert "阳光小区" not in body(c.get(NEW))
    r = c.post(
        NEW,
        {
            "unit": world.u11.pk,
            "level": level("sealed").pk,
            "starts_at": now_field(),
            "reason": "x",
        },
    )
    assert r.status_code == 200 and "不在您的管辖范围内" in body(r)
    assert RiskDesignation.objects.count() == 2
    # A user without any role has no form at all.
    assert client_for(world.users.nobody).get(NEW).status_code == 404


@pytest.mark.parametrize(
    ("places", "reason", "message"),
    [
        ({}, "阳性", "请选择要划定的区域"),
        ({"building": "b1", "unit": "u11"}, "阳性", "一次只能划定一个区域"),
        ({"unit": "u11"}, "", "请填写划定原因"),
        ({"unit": "u11"}, "   ", "请填写划定原因"),
    ],
)
def test_bad_input_gives_clear_messages_and_writes_nothing(
    world, client_for, places, reason, message
):
    c = client_for(world.users.commander)
    data = {name: getattr(world, ref).pk for name, ref in places.items()}
    data.update({"level": level("sealed").pk, "starts_at": now_field(), "reason": reason})
    r = c.post(NEW, data)
    assert r.status_code == 200
    assert message in body(r)
    assert not RiskDesignation.objects.exists()


def test_lifting_needs_a_reason_and_a_time_after_the_start(world, client_for):
    designation = designate(world.u11, level("sealed"), actor=world.users.commander, reason="阳性")
    c = client_for(world.users.commander)
    r = c.post(lift_url(designation), {"reason": "", "at": ""})
    assert r.status_code == 200 and "请填写解除原因" in body(r)
    r = c.post(lift_url(designation), {"reason": "解除", "at": "2000-01-01T08:00"})
    assert r.status_code == 200 and "解除时间不能早于开始时间" in body(r)
    designation.refresh_from_db()
    assert designation.ends_at is None and designation.lift_reason == ""


def test_the_place_is_found_by_estate_name_and_building_number(world, client_for):
    c = client_for(world.users.commander)
    start = body(c.get(NEW))
    assert 'name="q"' in start and "level" not in start.split("<form")[1].split("</form>")[0]
    estate_hits = body(c.get(NEW + "?q=阳光"))
    assert f"?estate={world.estate.pk}" in estate_hits
    assert f"?building={world.b1.pk}" in estate_hits and f"?building={world.b2.pk}" in estate_hits
    building_hits = body(c.get(NEW + "?q=阳光 1"))
    assert f"?building={world.b1.pk}" in building_hits
    assert f"?building={world.b2.pk}" not in building_hits
    assert f"?unit={world.u11.pk}" in building_hits and f"?unit={world.u12.pk}" in building_hits
    assert "没有找到" in body(c.get(NEW + "?q=不存在的小区"))
    # A grid leader finds only what they may designate; an outsider finds nothing of the street.
    grid = body(client_for(world.users.grid_leader).get(NEW + "?q=阳光"))
    assert f"?building={world.b1.pk}" in grid and f"?building={world.b2.pk}" not in grid
    outsider = body(client_for(world.users.outsider).get(NEW + "?q=阳光"))
    assert "阳光小区" not in outsider


def test_lists_and_pages_of_the_registry_show_the_designation(world, client_for):
    designate(world.u11, level("sealed"), actor=world.users.commander, reason="出现阳性")
    designate(world.estate, level("precaution"), actor=world.users.commander, reason="全域防范")
    c = client_for(world.users.commander)
    households = body(c.get(reverse("places:household_list") + f"?building={world.b1.pk}"))
    assert households.count('data-badge="封控区"') == 2  # 101 and 102 in unit 1
    assert households.count('data-badge="防范区"') == 1  # 201 in unit 2: the estate's level
    assert 'data-badge="封控区"' in body(
        c.get(reverse("places:household_detail", args=[world.h101.pk]))
    )
    building = body(c.get(reverse("places:building_detail", args=[world.b1.pk])))
    assert 'data-badge="封控区"' in building and 'data-badge="防范区"' in building
    assert f"?building={world.b1.pk}" in building and f"?unit={world.u11.pk}" in building
    estate = body(c.get(reverse("places:estate_detail", args=[world.estate.pk])))
    assert 'data-badge="防范区"' in estate
    buildings = body(c.get(reverse("places:building_list")))
    assert buildings.count('data-badge="防范区"') == 2
