"""Arrivals registered by workers: classification against the risk-place list and the flag it
raises, linking to a known person, idempotency, scope on every write and page, the masked list,
the logged detail, the stairwell poster and the daily report with its export."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.canvass.arrival_report import build_report
from wangge.canvass.models import Arrival, Flag, Measure, Visit
from wangge.canvass.services import record_visit
from wangge.canvass.services_returnees import register_arrival
from wangge.core.models import AccessLog, ChangeLog
from wangge.core.qr import qr_svg, unit_token

from .conftest import make_campaign

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def arrive(world, actor=None, **fields):
    values = {
        "actor": actor or world.users.grid_leader,
        "source": "worker",
        "household": world.h101,
        "name": "赵六六",
        "phone": "13600000066",
        "origin": "吉林省长春市",
        "arrived_on": TODAY() - dt.timedelta(days=1),
    }
    values.update(fields)
    return register_arrival(**values)


@pytest.fixture
def grid2_worker(world):
    user = User.objects.create_user("grid2_leader", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.GRID_LEADER, area=world.grid2)
    return user


def test_an_arrival_from_a_risk_place_gets_its_level_measure_and_a_flag(world, risk_place):
    arrival, created = arrive(world, origin="上海市浦東新區張江鎮")
    assert created
    assert arrival.origin == "上海市浦东新区张江镇"  # traditional characters simplified
    assert arrival.origin_level == "high" and arrival.risk_place == risk_place
    assert arrival.proposed == Measure.CENTRAL_QUARANTINE
    assert arrival.area == world.grid1 and arrival.scope_path == world.h101.scope_path
    flag = Flag.objects.get(arrival=arrival)
    assert (flag.code, flag.household, flag.proposed) == (
        "arrival_risk",
        world.h101,
        Measure.CENTRAL_QUARANTINE,
    )
    day = arrival.arrived_on
    assert flag.reason == f"自上海市浦东新区张江镇（高风险）返回，{day.month}月{day.day}日抵达"
    assert flag.person_name == "赵六六" and flag.scope_path == world.h101.scope_path
    logged = set(ChangeLog.objects.values_list("model", "action"))
    assert {("canvass.arrival", "create"), ("canvass.flag", "create")} <= logged


def test_an_arrival_from_elsewhere_is_proposed_a_test_and_not_flagged(world, risk_place):
    arrival, _ = arrive(world, origin="吉林省长春市")
    assert (arrival.origin_level, arrival.risk_place, arrival.proposed) == ("", None, "testing")
    # A place lifted before the look-back window does not count either.
    risk_place.ends_on = TODAY() - dt.timedelta(days=30)
    risk_place.starts_on = TODAY() - dt.timedelta(days=60)
    risk_place.save()
    late, _ = arrive(world, origin="上海市浦东新区")
    assert late.origin_level == "" and not Flag.objects.exists()


def test_an_id_number_already_registered_links_the_person(world):
    typed = world.zhang.id_number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    arrival, _ = arrive(world, name="張偉", id_number=typed, phone="１３８ ００００ ０００１")
    assert arrival.person == world.zhang
    assert arrival.id_number == world.zhang.id_number and arrival.name == "张伟"
    assert arrival.phone == "13800000001"
    stranger, _ = arrive(world, name="路人", id_number="")
    assert stranger.person is None


def test_a_retried_registration_is_recorded_once(world, risk_place):
    key = uuid.uuid4()
    first, created = arrive(world, origin="上海市浦东新区", client_uuid=key)
    again, created_again = arrive(world, origin="上海市浦东新区", client_uuid=key)
    assert created and not created_again and first.pk == again.pk
    assert Arrival.objects.count() == 1 and Flag.objects.count() == 1


def test_a_worker_of_another_grid_cannot_register_into_this_grid(world, grid2_worker, client_for):
    with pytest.raises(PermissionDenied):
        arrive(world, actor=grid2_worker, household=world.h101)
    with pytest.raises(PermissionDenied):
        arrive(world, actor=grid2_worker, household=None, area=world.grid1, address="阳光路1号")
    with pytest.raises(PermissionDenied):
        arrive(world, actor=world.users.outsider)
    c = client_for(grid2_worker)
    url = reverse("canvass:arrival_create")
    assert c.get(url, {"household": world.h101.pk}).status_code == 404
    post = {**form_data(world), "source": "worker"}
    page = c.post(url, post)
    assert page.status_code == 200 and not Arrival.objects.exists()
    # grid2's own household is fine.
    post.update(grid=world.grid2.pk, building=world.b2.pk, unit=world.u21.pk)
    post["household"] = world.h2_101.pk
    assert c.post(url, post).status_code == 302
    assert Arrival.objects.get().household == world.h2_101


def test_bad_input_is_refused_with_clear_messages(world):
    with pytest.raises(ValidationError) as exc:
        arrive(world, id_number="220204198001010011", arrived_on=TODAY() + dt.timedelta(days=1))
    errors = exc.value.message_dict
    assert "身份证号校验位错误" in errors["id_number"][0]
    assert errors["arrived_on"] == ["抵达日期不能晚于今天"]
    with pytest.raises(ValidationError) as exc:
        arrive(world, household=None, area=world.grid1, address="")
    assert "address" in exc.value.message_dict
    assert not Arrival.objects.exists()


def form_data(world, **extra):
    data = {
        "source": "gate",
        "name": "赵六六",
        "id_number": "",
        "phone": "13600000066",
        "origin": "上海市浦东新区",
        "arrived_on": TODAY().isoformat(),
        "transport": "train",
        "note": "",
        "grid": world.grid1.pk,
        "building": world.b1.pk,
        "unit": world.u11.pk,
        "household": world.h101.pk,
        "address": "",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_a_volunteer_registers_at_the_gate(world, risk_place, client_for):
    c = client_for(world.users.volunteer)
    page = c.get(reverse("canvass:arrival_create"))
    assert page.status_code == 200 and "登记返来人员" in page.content.decode()
    response = c.post(reverse("canvass:arrival_create"), form_data(world))
    arrival = Arrival.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("canvass:arrival_detail", args=[arrival.pk])
    assert (arrival.source, arrival.recorded_by, arrival.transport) == (
        "gate",
        world.users.volunteer,
        "train",
    )
    assert Flag.objects.filter(arrival=arrival).exists()


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(world, client_for):
    c = client_for(world.users.grid_leader)
    data = form_data(world, id_number="2202041980010100１X", household="", address="")
    page = c.post(reverse("canvass:arrival_create"), data)
    body = page.content.decode()
    assert page.status_code == 200 and not Arrival.objects.exists()
    assert "请选择房间，或填写居住地址" in body
    assert 'value="赵六六"' in body and 'value="上海市浦东新区"' in body
    data = form_data(world, id_number="220204198001010011")
    body = c.post(reverse("canvass:arrival_create"), data).content.decode()
    assert "身份证号校验位错误" in body and not Arrival.objects.exists()


def test_an_address_in_the_grid_needs_the_grid(world, client_for):
    c = client_for(world.users.building_leader)
    data = form_data(world, household="", building="", unit="", address="阳光路5号")
    body = c.post(reverse("canvass:arrival_create"), data).content.decode()
    assert "只能登记到您负责的住户" in body and not Arrival.objects.exists()
    c = client_for(world.users.grid_leader)
    assert c.post(reverse("canvass:arrival_create"), data).status_code == 302
    arrival = Arrival.objects.get()
    assert (arrival.household, arrival.area, arrival.address) == (None, world.grid1, "阳光路5号")
    assert arrival.scope_path == world.grid1.path


def test_the_place_lists_narrow_grid_by_grid(world, client_for):
    c = client_for(world.users.grid_leader)
    url = reverse("canvass:arrival_create")
    query = {"grid": world.grid1.pk, "building": world.b1.pk, "unit": world.u11.pk}
    part = c.get(url, query, HTTP_HX_REQUEST="true")
    body = part.content.decode()
    assert part.status_code == 200 and "<html" not in body
    assert ">101</option>" in body and ">102</option>" in body and ">201</option>" not in body
    assert "HX-Request" in part["Vary"]
    # A stale building of another grid offers no units.
    stale = c.get(url, {"grid": world.grid2.pk, "building": world.b1.pk}, HTTP_HX_REQUEST="true")
    assert "1单元" not in stale.content.decode()
    found = c.get(url, {"hq": "张伟"}).content.decode()
    assert f"?household={world.h101.pk}" in found
    opened = c.get(url, {"household": world.h101.pk}).content.decode()
    assert f'<option value="{world.h101.pk}" selected>101</option>' in opened


def test_the_list_is_masked_filtered_and_scoped(world, risk_place, grid2_worker, client_for):
    arrive(world, origin="上海市浦东新区", id_number=world.zhang.id_number, name="赵六六")
    arrive(world, household=world.h2_101, actor=world.users.commander, name="钱七七")
    c = client_for(world.users.commander)
    body = c.get(reverse("canvass:arrival_list")).content.decode()
    assert "赵*六" in body and "钱*七" in body and "赵六六" not in body
    assert "136****0066" in body and "13600000066" not in body
    assert world.zhang.id_number not in body and world.zhang.id_number[-4:] in body
    high = c.get(reverse("canvass:arrival_list"), {"level": "high"}).content.decode()
    assert "赵*六" in high and "钱*七" not in high
    none = c.get(reverse("canvass:arrival_list"), {"level": "none"}).content.decode()
    assert "钱*七" in none and "赵*六" not in none
    by_grid = c.get(reverse("canvass:arrival_list"), {"grid": world.grid2.pk}).content.decode()
    assert "钱*七" in by_grid and "赵*六" not in by_grid
    searched = c.get(reverse("canvass:arrival_list"), {"q": "0066"}).content.decode()
    assert "赵*六" in searched and "钱*七" in searched
    # The grid2 worker sees their grid only; the outsider nothing.
    own = client_for(grid2_worker).get(reverse("canvass:arrival_list")).content.decode()
    assert "钱*七" in own and "赵*六" not in own
    outsider = client_for(world.users.outsider)
    assert "没有返来人员记录" in outsider.get(reverse("canvass:arrival_list")).content.decode()


def test_the_list_does_not_query_per_row(world, client_for, django_assert_max_num_queries):
    for _ in range(12):
        arrive(world)
        arrive(
            world, household=None, area=world.grid2, address="阳光路5号", actor=world.users.admin
        )
    c = client_for(world.users.commander)
    with django_assert_max_num_queries(8):
        body = c.get(reverse("canvass:arrival_list")).content.decode()
    assert body.count("阳光路5号") == 12 and body.count("1号楼1单元101室") == 12


def test_the_list_links_the_posters_of_a_buildings_units(world, client_for):
    c = client_for(world.users.grid_leader)
    by_grid = c.get(reverse("canvass:arrival_list"), {"grid": world.grid1.pk}).content.decode()
    assert "打印单元二维码" in by_grid and f"?building={world.b1.pk}" in by_grid
    body = c.get(reverse("canvass:arrival_list"), {"building": world.b1.pk}).content.decode()
    assert reverse("canvass:arrival_poster", args=[world.u11.pk]) in body
    assert reverse("canvass:arrival_poster", args=[world.u12.pk]) in body
    assert reverse("canvass:arrival_poster", args=[world.u21.pk]) not in body


def test_the_detail_shows_everything_and_is_logged(world, risk_place, client_for):
    arrival, _ = arrive(world, origin="上海市浦东新区", id_number=world.zhang.id_number)
    page = client_for(world.users.grid_leader).get(
        reverse("canvass:arrival_detail", args=[arrival.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "赵六六" in body and world.zhang.id_number in body and "13600000066" in body
    assert "集中隔离" in body and "自上海市浦东新区（高风险）返回" in body
    assert reverse("people:person_detail", args=[world.zhang.pk]) in body
    log = AccessLog.objects.get(kind="view", model="canvass.arrival")
    assert log.object_id == str(arrival.pk) and log.actor == world.users.grid_leader
    for user in (world.users.outsider, world.users.nobody):
        url = reverse("canvass:arrival_detail", args=[arrival.pk])
        assert client_for(user).get(url).status_code == 404


def test_the_poster_holds_the_signed_address_of_the_units_form(world, client_for):
    page = client_for(world.users.building_leader).get(
        reverse("canvass:arrival_poster", args=[world.u11.pk])
    )
    body = page.content.decode()
    url = "http://testserver" + reverse("canvass:arrival_public", args=[unit_token(world.u11)])
    assert page.status_code == 200 and url in body and qr_svg(url, scale=8) in body
    assert "1号楼1单元" in body and "@media print" in body
    for user in (world.users.outsider, world.users.nobody):
        poster = reverse("canvass:arrival_poster", args=[world.u11.pk])
        assert client_for(user).get(poster).status_code == 404
    other = reverse("canvass:arrival_poster", args=[world.u21.pk])
    assert client_for(world.users.building_leader).get(other).status_code == 404


def answered(world, persons):
    block = {"left_city": "no", "contact": "none", "symptoms": []}
    return {
        "people_count": len(persons),
        "persons": [{"person": p.pk, "name": p.name, **block} for p in persons],
    }


@pytest.fixture
def report_data(world, risk_place):
    today = TODAY()
    arrive(world, origin="上海市浦东新区", arrived_on=today)
    arrive(world, origin="上海市浦东新区", arrived_on=today - dt.timedelta(days=1))
    arrive(world, household=world.h201, origin="长春市", arrived_on=today)
    arrive(world, household=world.h2_101, actor=world.users.commander, arrived_on=today)
    arrive(world, arrived_on=today - dt.timedelta(days=30))  # outside the period
    campaign = make_campaign(world)
    actor = world.users.commander
    record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=answered(world, [world.zhang, world.zhang_wife]),
    )
    record_visit(campaign, world.h102, actor=actor, method="visit", outcome="absent")
    # An answered visit without a list of persons counts one person-check.
    Visit(campaign=campaign, household=world.h201, method="phone", outcome="answered").save()
    return campaign


def test_the_report_counts_per_grid_day_and_level(
    world, report_data, django_assert_max_num_queries
):
    today = TODAY()
    start = today - dt.timedelta(days=6)
    with django_assert_max_num_queries(6):
        report = build_report(world.users.commander, start, today)
    lines = {line.label: line for line in report.lines}
    assert set(lines) == {"第一网格", "第二网格"}
    grid1, grid2 = lines["第一网格"], lines["第二网格"]
    assert grid1.days[-1] == 2 and grid1.days[-2] == 1 and sum(grid1.days) == 3
    assert grid1.levels == {"high": 2, "medium": 0, "low": 0, "none": 1}
    assert (grid1.arrivals, grid1.visits, grid1.visit_persons, grid1.checks) == (3, 2, 3, 6)
    assert (grid1.leader_name, grid1.leader_phone, grid1.community) == (
        "赵网格",
        "13700000001",
        "兴华社区",
    )
    assert (grid2.arrivals, grid2.visit_persons, grid2.checks) == (1, 0, 1)
    assert report.total.checks == 7 and report.total.days[-1] == 3
    # The grid leader's report has their grid only; the outsider's none of the street.
    own = build_report(world.users.grid_leader, start, today)
    assert [line.label for line in own.lines] == ["第一网格"]
    assert build_report(world.users.outsider, start, today).total.checks == 0


def test_the_report_page_and_its_export(world, report_data, client_for):
    c = client_for(world.users.commander)
    page = c.get(reverse("canvass:arrival_report"))
    body = page.content.decode()
    assert page.status_code == 200 and "第一网格" in body and "赵网格" in body
    assert "累计排查人次" in body
    too_long = c.get(reverse("canvass:arrival_report"), {"date_from": "2022-01-01"})
    assert "一次最多统计 31 天" in too_long.content.decode()
    export = c.get(reverse("canvass:arrival_report_export"), {"area": world.grid1.pk})
    assert export.status_code == 200
    from python_calamine import CalamineWorkbook

    data = b"".join(export.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    grid_row = next(r for r in rows if "第一网格" in r)
    assert grid_row[:4] == ["兴华社区", "第一网格", "赵网格", "13700000001"]
    assert grid_row[-3:] == [3, 3, 6]
    assert not any("第二网格" in r for r in rows)
    log = AccessLog.objects.get(kind="export")
    assert log.actor == world.users.commander and log.scope_path == world.grid1.path
    # Export needs the export right; outsiders see none of the street.
    volunteer = client_for(world.users.volunteer)
    assert volunteer.get(reverse("canvass:arrival_report_export")).status_code == 403
    outsider = client_for(world.users.outsider)
    report = outsider.get(reverse("canvass:arrival_report")).content.decode()
    assert "第一网格" not in report and "赵网格" not in report
    assert (
        outsider.get(reverse("canvass:arrival_report"), {"area": world.grid1.pk}).status_code == 404
    )
