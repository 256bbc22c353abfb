"""Antigen pages for workers: the kits page of a round with its quick delivery form, the
delivery and result forms, and the who-is-left lists with their export and print."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog
from wangge.testing.models import AntigenDelivery, AntigenResult
from wangge.testing.services_antigen import record_delivery, record_result

TODAY = dt.date(2022, 4, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def kits_url(round_) -> str:
    return reverse("testing:antigen_households", args=[round_.round.pk])


def missing(client, **query):
    return client.get(reverse("testing:antigen_missing"), query)


def test_kits_page_lists_the_rounds_households_with_a_quick_form(round_, world, client_for):
    record_delivery(world.h101, count=2, date=TODAY, rnd=round_.round, actor=None)
    page = client_for(world.users.commander).get(kits_url(round_))
    assert page.status_code == 200
    body = page.content.decode()
    for h in (world.h101, world.h102, world.h201, world.h2_101):
        assert reverse("places:household_detail", args=[h.pk]) in body
    assert reverse("places:household_detail", args=[world.other_household.pk]) not in body
    assert "已发 2 份" in body
    assert body.count(reverse("testing:antigen_delivery_add", args=[world.h102.pk])) >= 1
    assert page.context["summary"]["given"] == 1
    assert page.context["summary"]["kits"] == 2
    # Householder names are masked, phones too.
    assert "张*" in body and "张伟" not in body
    assert "13900000101" not in body and "139****0101" in body


def test_kits_page_filters_and_scope(round_, world, client_for):
    record_delivery(world.h101, count=2, date=TODAY, rnd=round_.round, actor=None)
    client = client_for(world.users.grid_leader)
    households = client.get(kits_url(round_), {"status": "none"}).context["page"].object_list
    assert {h.pk for h in households} == {world.h102.pk, world.h201.pk}  # grid1 only
    households = client.get(kits_url(round_), {"status": "given"}).context["page"].object_list
    assert [h.pk for h in households] == [world.h101.pk]
    assert client_for(world.users.outsider).get(kits_url(round_)).status_code == 404
    # A volunteer sees the page but gets no delivery form.
    body = client_for(world.users.volunteer).get(kits_url(round_)).content.decode()
    assert reverse("testing:antigen_delivery_add", args=[world.h101.pk]) not in body


def test_quick_delivery_posted_twice_is_recorded_once(round_, world, client_for):
    client = client_for(world.users.grid_leader)
    back = kits_url(round_) + "?status=none"
    data = {
        "round": round_.round.pk,
        "date": "2022-04-12",
        "count": 3,
        "client_uuid": str(uuid.uuid4()),
        "next": back,
    }
    url = reverse("testing:antigen_delivery_add", args=[world.h102.pk])
    first = client.post(url, data)
    assert first.status_code == 302 and first["Location"] == back
    assert client.post(url, data).status_code == 302
    delivery = AntigenDelivery.objects.get(household=world.h102)
    assert (delivery.count, delivery.round, delivery.delivered_by) == (
        3,
        round_.round,
        "grid1_leader",
    )
    assert delivery.recorded_by == world.users.grid_leader


def test_delivery_form_errors_and_scope(round_, world, client_for):
    url = reverse("testing:antigen_delivery_add", args=[world.h101.pk])
    client = client_for(world.users.grid_leader)
    page = client.get(url, {"round": round_.round.pk})
    assert page.status_code == 200 and page.context["form"]["count"].value() == 2
    bad = client.post(url, {"count": 0, "date": "2022-04-12"})
    assert bad.status_code == 200 and bad.context["form"].errors["count"]
    future = client.post(url, {"count": 1, "date": "2022-04-13"})
    assert "发放日期不能晚于今天" in future.content.decode()
    assert not AntigenDelivery.objects.exists()
    # Off-site "next" is ignored.
    ok = client.post(url, {"count": 1, "date": "2022-04-12", "next": "https://evil.example/"})
    assert ok["Location"] == reverse("places:household_detail", args=[world.h101.pk])
    # Outside the CHANGE scope: 404, for the volunteer (view only) and the outsider.
    for user in (world.users.volunteer, world.users.outsider):
        c = client_for(user)
        assert c.get(url).status_code == 404
        assert c.post(url, {"count": 1, "date": "2022-04-12"}).status_code == 404
    other = reverse("testing:antigen_delivery_add", args=[world.h2_101.pk])
    assert client.post(other, {"count": 1, "date": "2022-04-12"}).status_code == 404


def test_worker_enters_and_corrects_results(world, client_for):
    client = client_for(world.users.building_leader)
    url = reverse("testing:antigen_result_add", args=[world.h101.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "张伟" in body and "陈静" in body
    assert "<svg" in body and "antigen/self/WGH" in body  # the household's self-report code
    empty = client.post(url, {"date": "2022-04-12"})
    assert "请至少为一人选择检测结果" in empty.content.decode()
    data = {"date": "2022-04-12", f"p{world.zhang.pk}": "negative", "client_uuid": uuid.uuid4()}
    assert client.post(url, data).status_code == 302
    data.update({f"p{world.zhang.pk}": "positive", "client_uuid": uuid.uuid4()})
    assert client.post(url, data, follow=True).status_code == 200
    row = AntigenResult.objects.get(person=world.zhang)
    assert (row.result, row.source, row.recorded_by) == (
        "positive",
        "worker",
        world.users.building_leader,
    )
    # Someone living elsewhere cannot be entered through this household.
    client.post(url, {"date": "2022-04-12", f"p{world.li.pk}": "negative"})
    assert not AntigenResult.objects.filter(person=world.li).exists()
    assert client_for(world.users.outsider).get(url).status_code == 404


def test_households_without_kits_per_round(round_, world, client_for):
    record_delivery(world.h101, count=2, date=TODAY, rnd=round_.round, actor=None)
    record_delivery(world.h201, count=1, date=TODAY, actor=None)  # not for this round
    page = missing(client_for(world.users.commander), kind="households", round=round_.round.pk)
    rows = page.context["rows"]
    assert {r.pk for r in rows} == {world.h102.pk, world.h201.pk, world.h2_101.pk}
    body = page.content.decode()
    assert "王*" in body and "王芳" not in body and "139****0102" in body
    lines = {line.grid.pk: line for line in page.context["grids"]}
    assert lines[world.grid1.pk].count == 2 and lines[world.grid2.pk].count == 1
    assert [x.name for x in lines[world.grid1.pk].leaders] == ["赵网格"]
    assert "13700000001" in body
    # By dates instead of a round: any delivery in the range counts.
    page = missing(client_for(world.users.commander), kind="households", date_from="2022-04-12")
    assert {r.pk for r in page.context["rows"]} == {world.h102.pk, world.h2_101.pk}


def test_persons_without_result_and_positives(world, client_for):
    record_result(world.zhang, date=TODAY, result="positive", actor=None)
    record_result(world.wang, date=TODAY - dt.timedelta(days=1), result="negative", actor=None)
    client = client_for(world.users.grid_leader)
    page = missing(client, kind="persons", date="2022-04-12")
    names = [r.name for r in page.context["rows"]]
    assert names == ["陈静", "王芳", "李娜"]  # grid1 only, zhang has reported
    body = page.content.decode()
    assert "1380****0002" not in body and "138****0002" in body
    assert world.zhang_wife.id_number not in body
    positives = missing(client, kind="positives")  # default: today
    assert [r.person.name for r in positives.context["rows"]] == ["张伟"]
    assert positives.context["rows"][0].home == world.h101
    assert not missing(client, kind="positives", date="2022-04-11").context["rows"]


def test_missing_list_export_and_print_are_logged(round_, world, client_for):
    client = client_for(world.users.grid_leader)
    response = missing(client, kind="households", round=round_.round.pk, format="xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][0].endswith("未发放抗原试剂住户")
    assert rows[1][:3] == ["网格", "住址", "户主"]
    assert len(rows) == 2 + 3  # title, header, three households of grid1
    assert {r[2] for r in rows[2:]} == {"张*", "王*", "李*"}
    assert {r[5] for r in rows[2:]} == {"赵网格"}
    export = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert export.rows == 3 and export.actor == world.users.grid_leader
    page = missing(client, kind="persons", format="print")
    assert page.status_code == 200 and "window.print()" in page.content.decode()
    assert AccessLog.objects.get(kind=AccessLog.Kind.PRINT).rows == 4
    # A volunteer (view only) cannot export.
    refused = missing(client_for(world.users.volunteer), kind="persons", format="xlsx")
    assert refused.status_code == 403


def test_missing_list_bad_input(round_, world, client_for):
    client = client_for(world.users.commander)
    page = missing(client, kind="positives", date_from="2022-04-12", date_to="2022-04-01")
    assert page.status_code == 200 and "截止日期不能早于起始日期" in page.content.decode()
    assert missing(client, date_from="x", format="xlsx").status_code == 404
    outsider = missing(client_for(world.users.outsider), grid=world.grid1.pk)
    assert outsider.status_code == 200 and outsider.context["listing"] is None
