"""Registry pages: masked lists, the logged detail and export, linking accounts, the public
sign-up page (validation, idempotence, no other sign-ups shown, rate limit, closed), the
approval queue, and the API."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.core.models import AccessLog
from wangge.workforce import services, services_recruitment
from wangge.workforce.models import SignUp, Worker

from .fixtures_registry import join_url, recruitment  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(world):
    return services.create_worker(
        actor=world.users.commander,
        area=world.grid1,
        name="钱干部",
        phone="13912345678",
        id_number=world.li.id_number,
        kind=Worker.Kind.CADRE,
        skills=["sampling"],
    )


def test_worker_list_is_masked_and_filters(world, worker, client_for):
    c = client_for(world.users.grid_leader)
    body = c.get(reverse("workforce:worker_list")).content.decode()
    assert "钱干部" in body and "139****5678" in body
    assert "13912345678" not in body and world.li.id_number not in body
    assert "钱干部" in c.get(reverse("workforce:worker_list"), {"q": "5678"}).content.decode()
    assert (
        "钱干部"
        not in c.get(reverse("workforce:worker_list"), {"kind": "volunteer"}).content.decode()
    )
    empty = client_for(world.users.outsider).get(reverse("workforce:worker_list"))
    assert "还没有登记工作人员" in empty.content.decode()


def test_worker_detail_unmasked_and_logged(world, worker, client_for):
    c = client_for(world.users.grid_leader)
    r = c.get(reverse("workforce:worker_detail", args=[worker.pk]))
    assert "13912345678" in r.content.decode()
    assert AccessLog.objects.filter(model="workforce.worker", object_id=str(worker.pk)).exists()
    assert client_for(world.users.outsider).get(r.request["PATH_INFO"]).status_code == 404


def test_worker_create_form_normalises_and_reports_errors(world, client_for):
    c = client_for(world.users.commander)
    url = reverse("workforce:worker_create")
    bad = c.post(
        url,
        {
            "name": "张三",
            "phone": "12345",
            "kind": "volunteer",
            "area": world.grid1.pk,
            "health": "green",
            "status": "active",
        },
    )
    assert bad.status_code == 200 and not Worker.objects.exists()
    ok = c.post(
        url,
        {
            "name": "张三",
            "phone": "139-0000-1111",
            "kind": "volunteer",
            "area": world.grid1.pk,
            "health": "green",
            "status": "active",
            "skills": ["sampling", "registrar"],
        },
    )
    assert ok.status_code == 302
    w = Worker.objects.get()
    assert w.phone == "13900001111" and w.skills == ["sampling", "registrar"]


def test_worker_export_logged(world, worker, client_for):
    r = client_for(world.users.commander).get(reverse("workforce:worker_export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert AccessLog.objects.filter(kind="export").exists()
    assert (
        client_for(world.users.building_leader).get(reverse("workforce:worker_export")).status_code
        == 404
    )


def test_worker_link_needs_manage(world, worker, client_for):
    url = reverse("workforce:worker_link", args=[worker.pk])
    assert client_for(world.users.commander).get(url).status_code == 403
    assert client_for(world.users.outsider).get(url).status_code == 404
    c = client_for(world.users.admin)
    assert c.get(url).status_code == 200
    r = c.post(
        url,
        {"mode": "new", "username": "qian", "password1": "Volunteer-2022-x", "role": "cadre"},
    )
    assert r.status_code == 302
    worker.refresh_from_db()
    assert worker.user.username == "qian"
    assert worker.user.role_assignments.get().role == "cadre"


def test_public_signup_page(world, recruitment, join_url, client_for):  # noqa: F811
    services_recruitment.sign_up(recruitment, name="李娜", phone=world.li.phone, healthy=True)
    c = client_for(world.users.nobody)
    c.logout()
    page = c.get(join_url)
    body = page.content.decode()
    assert page.status_code == 200 and "今天核酸采样严重缺人" in body and "核酸采样" in body
    assert "李娜" not in body and world.li.phone not in body
    data = {
        "name": "赵志愿",
        "phone": "13900008888",
        "skills": ["sampling"],
        "availability": "全天",
    }
    r = c.post(join_url, data)  # no health declaration
    assert r.status_code == 200 and "请确认本人身体健康" in r.content.decode()
    key = str(uuid.uuid4())
    data.update(healthy="on", client_uuid=key)
    r = c.post(join_url, data)
    assert "报名已提交" in r.content.decode() and "139****8888" in r.content.decode()
    r = c.post(join_url, data)
    assert "报名已提交" in r.content.decode()
    assert SignUp.objects.filter(phone="13900008888").count() == 1
    # Someone else's phone answers the same way and shows nothing of the first sign-up.
    r = c.post(
        join_url,
        {**data, "name": "冒名", "client_uuid": str(uuid.uuid4()), "phone": world.li.phone},
    )
    assert "李娜" not in r.content.decode() and SignUp.objects.count() == 2
    assert c.get(join_url[:-2] + "X/").status_code == 404
    services_recruitment.close_recruitment(recruitment, actor=world.users.commander)
    assert "本次招募已结束" in c.get(join_url).content.decode()


def test_public_signup_rate_limited(recruitment, join_url, client):  # noqa: F811
    codes = [
        client.post(join_url, {"name": "x", "phone": f"139{i:08d}"}).status_code for i in range(22)
    ]
    assert codes[-1] == 429


def test_approval_queue(world, recruitment, client_for):  # noqa: F811
    signup, _ = services_recruitment.sign_up(
        recruitment, name="赵志愿", phone="13900008888", healthy=True
    )
    detail = reverse("workforce:recruitment_detail", args=[recruitment.pk])
    decide = reverse("workforce:signup_decide", args=[signup.pk])
    c = client_for(world.users.commander)
    body = c.get(detail).content.decode()
    assert "赵志愿" in body and "139****8888" in body and "13900008888" not in body
    assert client_for(world.users.outsider).post(decide, {"action": "approve"}).status_code == 404
    assert c.post(decide, {"action": "approve"}).status_code == 302
    assert c.post(decide, {"action": "approve"}).status_code == 302  # refused with a message
    assert Worker.objects.filter(phone="13900008888", kind="volunteer").count() == 1
    poster = c.get(reverse("workforce:recruitment_poster", args=[recruitment.pk]))
    assert "<svg" in poster.content.decode() and "/workforce/join/" in poster.content.decode()


def test_api_workers(world, worker):
    _, key = ApiToken.issue(world.users.commander, "t")
    api = ApiClient(key)
    items = api.get("/api/workforce/workers").json()["items"]
    assert [i["phone_masked"] for i in items] == ["139****5678"]
    assert "phone" not in items[0]
    one = api.get(f"/api/workforce/workers/{worker.pk}").json()
    assert one["phone"] == "13912345678"
    r = api.post(
        "/api/workforce/workers",
        {"name": "新人", "phone": "13900002222", "kind": "volunteer", "area_id": world.grid1.pk},
    )
    assert r.status_code == 201, r.content
    r = api.post(
        "/api/workforce/workers",
        {"name": "新人", "phone": "13900002222", "kind": "volunteer", "area_id": world.grid1.pk},
    )
    assert r.status_code == 422
    _, okey = ApiToken.issue(world.users.outsider, "t")
    out = ApiClient(okey)
    assert out.get(f"/api/workforce/workers/{worker.pk}").status_code == 404
    assert out.get("/api/workforce/workers").json()["items"] == []
    assert api.get("/api/workforce/organizations").status_code == 200


def test_pages_render_for_the_street(world, worker, recruitment, client_for):  # noqa: F811
    c = client_for(world.users.commander)
    org = c.post(
        reverse("workforce:organization_create"),
        {
            "name": "市卫健委",
            "kind": "government",
            "area": world.street.pk,
            "estates": [world.estate.pk],
        },
    )
    assert org.status_code == 302
    org_pk = int(org["Location"].rstrip("/").split("/")[-1])
    dup = c.post(
        reverse("workforce:organization_create"),
        {"name": "市卫健委", "kind": "government", "area": world.street.pk},
    )
    assert "本区域已登记同名单位" in dup.content.decode()
    rec = c.post(
        reverse("workforce:recruitment_create"),
        {
            "title": "明天入户采样缺人",
            "area": world.community.pk,
            "starts_at": "2030-01-01T08:00",
            "ends_at": "2030-01-01T07:00",
            "needed": 4,
        },
    )
    assert "结束时间应晚于开始时间" in rec.content.decode()
    for name, args in (
        ("worker_list", []),
        ("worker_create", []),
        ("worker_detail", [worker.pk]),
        ("worker_edit", [worker.pk]),
        ("organization_list", []),
        ("organization_create", []),
        ("organization_detail", [org_pk]),
        ("organization_edit", [org_pk]),
        ("recruitment_list", []),
        ("recruitment_create", []),
        ("recruitment_detail", [recruitment.pk]),
        ("recruitment_poster", [recruitment.pk]),
    ):
        r = c.get(reverse(f"workforce:{name}", args=args))
        assert r.status_code == 200, name
    r = c.post(
        reverse("workforce:worker_edit", args=[worker.pk]),
        {
            "name": "钱干部",
            "phone": "13912345678",
            "kind": "cadre",
            "area": world.grid1.pk,
            "organization": org_pk,
            "health": "yellow",
            "status": "active",
        },
    )
    assert r.status_code == 302
    worker.refresh_from_db()
    assert worker.organization_id == org_pk and worker.health == "yellow"
    detail = c.get(reverse("workforce:organization_detail", args=[org_pk])).content.decode()
    assert "钱干部" in detail and "阳光小区" in detail


def test_recruitment_edit_changes_it_and_checks_rights(world, recruitment, client_for):  # noqa: F811
    url = reverse("workforce:recruitment_edit", args=[recruitment.pk])
    commander = client_for(world.users.commander)
    page = commander.get(url)
    assert page.status_code == 200 and recruitment.title in page.content.decode()
    start = recruitment.starts_at.astimezone().strftime("%Y-%m-%d %H:%M")
    end = recruitment.ends_at.astimezone().strftime("%Y-%m-%d %H:%M")
    data = {
        "title": "今晚还缺扫码员",
        "area": recruitment.area_id,
        "description": "",
        "starts_at": start,
        "ends_at": end,
        "needed": 5,
    }
    assert commander.post(url, data).status_code == 302
    recruitment.refresh_from_db()
    assert recruitment.title == "今晚还缺扫码员" and recruitment.needed == 5
    bad = commander.post(url, {**data, "ends_at": start})
    assert bad.status_code == 200 and "结束" in bad.content.decode()
    assert client_for(world.users.volunteer).get(url).status_code == 404  # not in their grid
    assert client_for(world.users.outsider).get(url).status_code == 404
