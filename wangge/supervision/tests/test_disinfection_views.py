"""Disinfection pages: the phone log flow (place preset, defaults, photo, a retry creates
nothing; the building picker), places (create one, one per unit, edit, validation), the day's
log with its export, the compliance view (behind first, counts, per grid with the leader,
export, print) and the photo (scoped, logged)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from unittest.mock import patch

import pytest
from django.urls import reverse

from wangge.core.models import AccessLog
from wangge.supervision.models_disinfection import DisinfectionLog, DisinfectionPlace

from .fixtures_disinfection import at, log, places, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _sheet(response) -> list[list]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def test_phone_log_flow(world, client_for):
    p = places(world)
    c = client_for(world.users.volunteer)
    url = reverse("supervision:log_create")
    with patch("django.utils.timezone.now", return_value=at(10, 7)):
        r = c.get(url, {"place": p["unit1"].pk})
        assert r.status_code == 200
        body = r.content.decode()
        assert p["unit1"].name in body and 'value="含氯消毒剂"' in body
        assert 'value="volunteer_a"' in body and 'value="2022-04-12T10:07"' in body
        key = str(uuid.uuid4())
        data = {
            "place": p["unit1"].pk,
            "done_at": "2022-04-12T10:05",
            "agent": "84消毒液",
            "concentration": "1:100",
            "done_by": "volunteer_a",
            "client_uuid": key,
        }
        r = c.post(url + f"?place={p['unit1'].pk}", {**data, "photo": png()})
        assert r.status_code == 302 and r["Location"] == reverse(
            "supervision:place_detail", args=[p["unit1"].pk]
        )
        r = c.post(url, data)  # the retry
        assert r.status_code == 302
    entry = DisinfectionLog.objects.get()
    assert (entry.agent, entry.concentration, entry.done_at) == ("84消毒液", "1:100", at(10, 5))
    assert entry.photo and entry.created_by == world.users.volunteer
    # the next time the agent is remembered
    assert 'value="84消毒液"' in c.get(url, {"place": p["unit2"].pk}).content.decode()
    photo = c.get(reverse("supervision:log_photo", args=[entry.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert AccessLog.objects.filter(model="supervision.disinfectionlog", fields="photo").exists()


def test_log_by_building_and_errors(world, client_for):
    p = places(world)
    c = client_for(world.users.volunteer)
    url = reverse("supervision:log_create")
    r = c.get(url, {"building": world.b1.pk})
    choices = [x.pk for x in r.context["choices"]]
    assert set(choices) == {p["unit1"].pk, p["unit2"].pk}
    r = c.post(
        url + f"?building={world.b1.pk}",
        {"place": p["unit2"].pk, "done_at": "2099-01-01T08:00", "agent": "", "done_by": "x"},
    )
    assert r.status_code == 200
    assert "请填写消毒剂" in r.content.decode()
    r = c.post(
        url + f"?building={world.b1.pk}",
        {"place": p["lift"].pk, "done_at": "2022-04-12T08:00", "agent": "x", "done_by": "x"},
    )
    assert "所选点位不存在、已停用或不在您的管辖范围内" in r.content.decode()
    assert c.get(url, {"place": p["lift"].pk}).status_code == 404  # grid 2: not hers
    with patch("django.utils.timezone.now", return_value=at(10)):
        r = c.post(
            url + f"?building={world.b1.pk}",
            {"place": p["unit2"].pk, "done_at": "2022-04-12T09:00", "agent": "x", "done_by": "x"},
        )
    assert r.status_code == 302 and r["Location"].endswith(f"?building={world.b1.pk}")
    assert client_for(world.users.nobody).get(url).status_code == 403


def test_place_create_one_and_per_unit_and_edit(world, client_for):
    c = client_for(world.users.commander)
    url = reverse("supervision:place_create")
    r = c.post(
        url,
        {"kind": "public_area", "times_per_day": "3", "day_starts": "09:00", "day_ends": "08:00"},
    )
    body = r.content.decode()
    assert "请填写点位名称" in body and "请选择所属区域" in body
    r = c.post(
        url,
        {
            "name": "1号楼电梯",
            "kind": "lift",
            "building": world.b1.pk,
            "times_per_day": "3",
            "day_starts": "07:00",
            "day_ends": "19:00",
        },
    )
    lift = DisinfectionPlace.objects.get(name="1号楼电梯")
    assert r.status_code == 302 and lift.area == world.grid1 and lift.times_per_day == 3
    r = c.post(
        url,
        {
            "kind": "unit_entrance",
            "building": world.b1.pk,
            "per_unit": "on",
            "times_per_day": "2",
            "day_starts": "08:00",
            "day_ends": "20:00",
        },
    )
    assert r.status_code == 302
    assert DisinfectionPlace.objects.filter(kind="unit_entrance").count() == 2
    edit = reverse("supervision:place_edit", args=[lift.pk])
    assert c.get(edit).status_code == 200
    r = c.post(
        edit,
        {
            "name": "1号楼1号电梯",
            "kind": "lift",
            "area": world.grid1.pk,
            "building": world.b1.pk,
            "times_per_day": "4",
            "day_starts": "07:00",
            "day_ends": "19:00",
        },
    )
    lift.refresh_from_db()
    assert r.status_code == 302 and (lift.name, lift.times_per_day, lift.active) == (
        "1号楼1号电梯",
        4,
        False,
    )
    assert client_for(world.users.volunteer).get(edit).status_code == 403
    assert client_for(world.users.volunteer).get(url).status_code == 403


def test_place_list_and_detail(world, client_for):
    p = places(world)
    log(p["unit1"], world.users.commander, at(9))
    c = client_for(world.users.grid_leader)
    with patch("django.utils.timezone.now", return_value=at(15)):
        r = c.get(reverse("supervision:place_list"))
        names = [x.name for x in r.context["page"].object_list]
        assert p["lift"].name not in names and p["garbage"].name not in names  # grid 1 only
        assert names[0] == p["unit2"].name  # behind first
        r = c.get(reverse("supervision:place_detail", args=[p["unit1"].pk]))
    assert r.status_code == 200 and r.context["progress"].done_today == 1
    assert "登记一次消杀" in r.content.decode()
    assert c.get(reverse("supervision:place_detail", args=[p["lift"].pk])).status_code == 404


def test_log_list_filters_and_export(world, client_for):
    p = places(world)
    log(p["unit1"], world.users.commander, at(9), done_by="钱楼长")
    log(p["lift"], world.users.commander, at(10), done_by="孙师傅")
    log(p["lift"], world.users.commander, at(10) - dt.timedelta(days=1))
    c = client_for(world.users.commander)
    url = reverse("supervision:log_list")
    r = c.get(url, {"day": "2022-04-12"})
    assert r.context["page"].paginator.count == 2
    r = c.get(url, {"day": "2022-04-12", "q": "孙"})
    assert [x.done_by for x in r.context["page"].object_list] == ["孙师傅"]
    r = c.get(url, {"day": "2022-04-12", "area": world.grid1.pk})
    assert [x.place_id for x in r.context["page"].object_list] == [p["unit1"].pk]
    r = c.get(reverse("supervision:log_export"), {"day": "2022-04-12"})
    rows = _sheet(r)
    assert rows[1][0] == "消杀时间" and len(rows) == 4
    assert {row[6] for row in rows[2:]} == {"钱楼长", "孙师傅"}
    assert AccessLog.objects.filter(kind="export", rows=2).exists()
    assert (
        client_for(world.users.volunteer).get(reverse("supervision:log_export")).status_code == 404
    )


def test_compliance_orders_counts_and_exports(world, client_for):
    p = places(world)
    log(p["unit1"], world.users.commander, at(9))
    log(p["unit1"], world.users.commander, at(15))
    log(p["lift"], world.users.commander, at(12))
    c = client_for(world.users.commander)
    with patch("django.utils.timezone.now", return_value=at(15, 30)):
        r = c.get(reverse("supervision:compliance"))
        body = r.content.decode()
        assert "应消杀 4 处，已达标 1 处，滞后 2 处" in body
        statuses = [(x.pk, x.status) for x in r.context["rows"]]
        assert [s for _, s in statuses[:2]] == ["behind", "behind"]
        assert {pk for pk, _ in statuses[:2]} == {p["lift"].pk, p["unit2"].pk}
        lines = {line.label: line for line in r.context["c"].lines}
        assert lines["第一网格"].leader_name == "赵网格" and lines["第一网格"].behind == 1
        assert (lines["兴华社区"].total, lines["兴华社区"].behind) == (1, 0)
        r = c.get(reverse("supervision:compliance"), {"area": world.grid2.pk})
        assert r.context["c"].sentence == "应消杀 1 处，已达标 0 处，滞后 1 处"
        r = c.get(reverse("supervision:compliance"), {"print": "1"})
        assert r.status_code == 200 and len(r.context["rows"]) == 4
        r = c.get(reverse("supervision:compliance_export"))
        rows = _sheet(r)
    assert "滞后 2 处" in rows[0][0]
    assert rows[2][3] in (p["lift"].name, p["unit2"].name) and rows[2][8] == "滞后"
    assert [row for row in rows if row[0] == "第一网格"][0][1] == "赵网格"
    # a past day reads the whole day: everything not done is behind
    with patch("django.utils.timezone.now", return_value=at(15, 30)):
        r = c.get(reverse("supervision:compliance"), {"day": "2022-04-11"})
    assert r.context["c"].sentence == "应消杀 4 处，已达标 0 处，滞后 4 处"


def test_compliance_empty_and_nobody(world, client_for):
    r = client_for(world.users.commander).get(reverse("supervision:compliance"))
    assert "您的范围内还没有消杀点位" in r.content.decode()
    assert client_for(world.users.nobody).get(reverse("supervision:compliance")).status_code == 404
