"""Placing on the web: one person (an overlapping order refused with a clear message, nothing
written), a whole household (each refusal shown), bulk placement from a selection (partial
refusal), from decided canvass flags and from a round's positive pools, the worker chosen among
those who cover the place, and who may place at all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.control.models import ControlOrder, FollowUp

from .orders_data import flag, kind, order_for, positive_round

pytestmark = pytest.mark.django_db
NEW = reverse("control:order_create")
BULK = reverse("control:order_bulk")


def body(response) -> str:
    return response.content.decode()


def form_data(**extra) -> dict:
    data = {
        "order_type": kind().pk,
        "starts_on": timezone.localdate().isoformat(),
        "days": "",
        "reason": "密接",
        "source": "contact_list",
        "source_ref": "市疾控 4月10日 密接名单",
        "worker": "",
        "worker_name": "",
        "worker_phone": "",
    }
    data.update(extra)
    return data


def test_place_one_person_and_an_overlap_is_refused(world, client_for):
    c = client_for(world.users.grid_leader)
    page = c.get(NEW, {"person": world.zhang.pk, "type": "home_quarantine"})
    assert page.status_code == 200
    html = body(page)
    assert "张伟" in html and world.zhang.id_number not in html
    # The worker list holds those who cover the place (grid 1), not grid 2's or other streets'.
    workers = set(page.context["form"].fields["worker"].queryset)
    assert world.users.volunteer in workers and world.users.outsider not in workers
    r = c.post(f"{NEW}?person={world.zhang.pk}", form_data(worker=world.users.volunteer.pk))
    order = ControlOrder.objects.get(person=world.zhang)
    assert r.status_code == 302 and r.url == reverse("control:order_detail", args=[order.pk])
    assert order.source == "contact_list" and order.worker == world.users.volunteer
    assert order.source_ref == "市疾控 4月10日 密接名单" and order.household == world.h101
    assert FollowUp.objects.filter(order=order, assignee=world.users.volunteer).count() == 42

    r = c.post(f"{NEW}?person={world.zhang.pk}", form_data())
    assert r.status_code == 200
    assert "张伟 已有居家隔离" in body(r) and "不能重复下达" in body(r)
    assert ControlOrder.objects.filter(person=world.zhang).count() == 1
    # The page shows the order already in force.
    assert f'data-current="{order.pk}"' in body(c.get(NEW, {"person": world.zhang.pk}))
    # Another type is not an overlap.
    r = c.post(f"{NEW}?person={world.zhang.pk}", form_data(order_type=kind("home_monitoring").pk))
    assert r.status_code == 302


def test_bad_input_is_refused_with_clear_messages(world, client_for):
    c = client_for(world.users.commander)
    r = c.post(
        f"{NEW}?person={world.zhang.pk}",
        form_data(
            reason="",
            days="0",
            starts_on="2022-13-01",
            worker=world.users.outsider.pk,
            worker_phone="12",
        ),
    )
    html = body(r)
    assert "请填写原因" in html and "期限至少 1 天" in html and "开始日期格式不正确" in html
    assert "所选责任人不负责该区域" in html
    assert not ControlOrder.objects.exists()
    r = c.post(f"{NEW}?person={world.zhang.pk}", form_data(worker_name="赵网格", days="21"))
    order = ControlOrder.objects.get()
    assert order.worker_name == "赵网格" and (order.ends_on - order.starts_on).days == 20


def test_place_a_whole_household_shows_each_refusal(world, client_for):
    existing = order_for(world, world.zhang_wife)
    c = client_for(world.users.commander)
    page = body(c.get(NEW, {"household": world.h101.pk}))
    assert "张伟" in page and "陈静" in page and "整户" in page
    r = c.post(f"{NEW}?household={world.h101.pk}", form_data())
    assert r.status_code == 200
    result = r.context["result"]
    assert [o.person for o in result.placed] == [world.zhang]
    assert [x.name for x in result.refused] == ["陈静"]
    html = body(r)
    assert "已下达 1 人" in html and "未下达 1 人" in html and "陈静" in html
    assert reverse("control:order_detail", args=[existing.pk]) in html


def test_the_search_and_who_may_place(world, client_for):
    c = client_for(world.users.commander)
    r = c.get(NEW, {"q": world.zhang.phone[-4:]})
    assert f"?person={world.zhang.pk}" in body(r)
    assert world.zhang.phone not in body(r)
    assert client_for(world.users.volunteer).get(NEW).status_code == 403
    assert client_for(world.users.volunteer).get(BULK).status_code == 403
    r = client_for(world.users.volunteer).post(f"{NEW}?person={world.zhang.pk}", form_data())
    assert r.status_code == 403 and not ControlOrder.objects.exists()
    outsider = client_for(world.users.outsider)
    assert outsider.get(NEW, {"person": world.zhang.pk}).status_code == 404
    assert outsider.post(f"{NEW}?household={world.h101.pk}", form_data()).status_code == 404
    found = body(outsider.get(NEW, {"q": "张伟"})).replace('value="张伟"', "")
    assert "张伟" not in found and "没有找到该人员" in found
    # A grid leader cannot place grid 2's people.
    assert client_for(world.users.grid_leader).get(NEW, {"person": world.liu.pk}).status_code == 404
    assert c.get(NEW, {"person": "abc"}).status_code == 404


def test_bulk_from_a_selection_with_partial_refusal(world, client_for):
    order_for(world, world.wang)
    c = client_for(world.users.commander)
    people = [world.zhang.pk, world.wang.pk, world.li.pk, world.other_person.pk]
    r = c.post(BULK, {"person": people})
    assert r.status_code == 200
    assert [x.person.name for x in r.context["candidates"]] == ["张伟", "王芳", "李娜"]
    assert "另有 1 人未找到或不在您的管辖范围内" in body(r) and "吴敏" not in body(r)
    r = c.post(BULK, {"person": people, "confirm": "1", **form_data(reason="")})
    assert "请填写原因" in body(r) and not ControlOrder.objects.filter(person=world.zhang).exists()
    r = c.post(BULK, {"person": people, "confirm": "1", **form_data()})
    result = r.context["result"]
    assert sorted(o.person.name for o in result.placed) == ["张伟", "李娜"]
    assert [(x.name, "不能重复下达" in x.reason) for x in result.refused] == [("王芳", True)]
    assert "已下达 2 人" in body(r) and "未下达 1 人" in body(r)
    assert not ControlOrder.objects.filter(person=world.other_person).exists()


def test_bulk_from_decided_flags(world, client_for):
    f1 = flag(world, world.zhang, world.h101)
    f2 = flag(world, world.wang, world.h102, measure="home_monitoring")
    f3 = flag(world, world.li, world.h201, measure="")
    c = client_for(world.users.commander)
    r = c.get(BULK, {"flags": f"{f1.pk},{f2.pk},{f3.pk}"})
    assert r.status_code == 200
    html = body(r)
    assert "张伟" in html and "王芳" in html and "尚未决定措施" in html
    assert "order_type" not in r.context["form"].fields  # each flag's own measure
    r = c.post(
        BULK,
        {
            "flags": f"{f1.pk},{f2.pk},{f3.pk}",
            "confirm": "1",
            "starts_on": timezone.localdate().isoformat(),
            "reason": "",
            "worker": world.users.grid_leader.pk,
        },
    )
    result = r.context["result"]
    assert len(result.placed) == 2 and [x.name for x in result.refused] == ["李娜"]
    zhang = ControlOrder.objects.get(person=world.zhang)
    assert (
        zhang.flag == f1
        and zhang.source == "canvass"
        and zhang.order_type.code == ("home_quarantine")
    )
    assert zhang.reason == f1.reason
    assert ControlOrder.objects.get(person=world.wang).order_type.code == "home_monitoring"
    # Flags of another street are not even listed.
    other = flag(world, world.other_person, world.other_household)
    r = c.get(BULK, {"flags": other.pk})
    assert "吴敏" not in body(r) and not r.context["candidates"]


def test_bulk_from_a_rounds_positive_pools(world, client_for):
    rnd = positive_round(world)
    c = client_for(world.users.commander)
    r = c.get(BULK, {"round": rnd.pk, "kind": "pool_positive"})
    assert r.status_code == 200
    assert [x.person.name for x in r.context["candidates"]] == ["张伟", "王芳"]
    assert r.context["form"]["order_type"].value() == kind().pk
    assert "source" not in r.context["form"].fields
    r = c.post(
        BULK,
        {
            "round": rnd.pk,
            "kind": "pool_positive",
            "confirm": "1",
            "order_type": kind().pk,
            "starts_on": timezone.localdate().isoformat(),
            "reason": "",
            "worker": world.users.volunteer.pk,
        },
    )
    result = r.context["result"]
    assert len(result.placed) == 2 and not result.refused
    order = ControlOrder.objects.get(person=world.zhang)
    assert order.source == "positive_tube" and order.source_ref == "P1"
    assert order.worker == world.users.volunteer
    html = body(r)
    assert "已下达 2 人" in html
    # An unknown list or a round outside the user's part is a 404.
    assert c.get(BULK, {"round": rnd.pk, "kind": "not_yet"}).status_code == 404
    assert client_for(world.users.outsider).get(BULK, {"round": rnd.pk}).status_code == 404
    assert c.get(BULK, {"round": "x"}).status_code == 404


def test_bulk_with_nothing_selected(world, client_for):
    r = client_for(world.users.commander).get(BULK)
    assert r.status_code == 200 and "没有选中可下达的人员" in body(r)
    r = client_for(world.users.commander).post(BULK, {"confirm": "1", **form_data()})
    assert r.status_code == 200 and not ControlOrder.objects.exists()


def test_the_other_pages_link_here(world, client_for):
    c = client_for(world.users.commander)
    f = flag(world, world.zhang, world.h101)
    html = body(c.get(reverse("canvass:flag_list")))
    assert f"{BULK}?flags={f.pk}" in html and "下达管控措施" in html
    rnd = positive_round(world)
    html = body(c.get(reverse("testing:positives", args=[rnd.pk])))
    assert f"{BULK}?round={rnd.pk}&amp;kind=pool_positive" in html
    html = body(c.get(reverse("places:household_detail", args=[world.h101.pk])))
    assert f"{NEW}?household={world.h101.pk}" in html
    order = order_for(world, world.zhang)
    html = body(c.get(reverse("people:person_detail", args=[world.zhang.pk])))
    assert f"{NEW}?person={world.zhang.pk}" in html
    assert reverse("control:order_detail", args=[order.pk]) in html
    # A volunteer has nothing to place: no links.
    html = body(client_for(world.users.volunteer).get(reverse("canvass:flag_list")))
    assert BULK not in html
