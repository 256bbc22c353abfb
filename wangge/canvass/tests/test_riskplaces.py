"""The risk-place list: seen by every signed-in user, maintained (add, edit, delete, import a
sheet) only by users who may change a district or higher, every change audited; the import
reports each bad row and re-importing a sheet changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.canvass.models import RiskLevel, RiskPlace
from wangge.core.models import ChangeLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_team(world):
    user = User.objects.create_user("district_data", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.DATA_TEAM, area=world.district)
    return user


@pytest.fixture
def places(db):
    today = timezone.localdate()
    current = RiskPlace.objects.create(
        region="上海市浦东新区", level=RiskLevel.HIGH, starts_on=today - dt.timedelta(days=5)
    )
    lifted = RiskPlace.objects.create(
        region="北京市朝阳区",
        level=RiskLevel.MEDIUM,
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=20),
        note="已解除",
    )
    return current, lifted


def test_every_signed_in_user_sees_the_list(world, places, client_for):
    url = reverse("canvass:riskplace_list")
    for user in (world.users.volunteer, world.users.outsider, world.users.nobody):
        body = client_for(user).get(url).content.decode()
        assert "上海市浦东新区" in body and "北京市朝阳区" not in body
        assert reverse("canvass:riskplace_edit", args=[places[0].pk]) not in body
    c = client_for(world.users.volunteer)
    assert "北京市朝阳区" in c.get(url, {"all": "1"}).content.decode()
    found = c.get(url, {"all": "1", "q": "朝阳"}).content.decode()
    assert "北京市朝阳区" in found and "上海市浦东新区" not in found
    assert "上海市浦东新区" not in c.get(url, {"level": "low"}).content.decode()
    assert Client().get(url).status_code == 302  # sign in first


def test_street_users_cannot_maintain_the_shared_list(world, places, client_for):
    place = places[0]
    for user in (world.users.admin, world.users.commander, world.users.outsider):
        c = client_for(user)
        assert c.get(reverse("canvass:riskplace_create")).status_code == 403
        data = {"region": "某地", "level": "high", "starts_on": "2022-04-01"}
        assert c.post(reverse("canvass:riskplace_create"), data).status_code == 403
        assert c.get(reverse("canvass:riskplace_import")).status_code == 403
        for name in ("canvass:riskplace_edit", "canvass:riskplace_delete"):
            assert c.get(reverse(name, args=[place.pk])).status_code == 404
            assert c.post(reverse(name, args=[place.pk]), data).status_code == 404
    assert RiskPlace.objects.count() == 2 and not ChangeLog.objects.exists()


def test_the_district_adds_edits_and_deletes_with_an_audit_trail(world, district_team, client_for):
    c = client_for(district_team)
    listing = c.get(reverse("canvass:riskplace_list")).content.decode()
    assert reverse("canvass:riskplace_create") in listing
    data = {"region": "上海市 浦東新區", "level": "high", "starts_on": "2022-03-20", "note": ""}
    assert c.post(reverse("canvass:riskplace_create"), data).status_code == 302
    place = RiskPlace.objects.get()
    assert place.region == "上海市 浦东新区"
    bad = dict(data, ends_on="2022-03-01")
    page = c.post(reverse("canvass:riskplace_edit", args=[place.pk]), bad)
    assert "解除日期不能早于起始日期" in page.content.decode()
    good = dict(data, ends_on="2022-04-10", level="medium")
    assert c.post(reverse("canvass:riskplace_edit", args=[place.pk]), good).status_code == 302
    place.refresh_from_db()
    assert (place.level, place.ends_on) == ("medium", dt.date(2022, 4, 10))
    confirm = c.get(reverse("canvass:riskplace_delete", args=[place.pk]))
    assert "确定删除" in confirm.content.decode()
    assert c.post(reverse("canvass:riskplace_delete", args=[place.pk])).status_code == 302
    assert not RiskPlace.objects.exists()
    log = ChangeLog.objects.filter(model="canvass.riskplace").order_by("id")
    assert list(log.values_list("action", "actor")) == [
        ("create", district_team.pk),
        ("update", district_team.pk),
        ("delete", district_team.pk),
    ]


SHEET = """风险地区公告（4月10日）
地区,等级,开始日期,结束日期,备注
上海市浦东新区,高风险,2022/3/20,,
吉林省长春市,中,2022年3月15日,2022-04-30,
北京市朝阳区,特高,2022-03-20,,
,高,2022-03-20,,
广东省深圳市,低,2022-13-01,,
上海市浦东新区,高,2022-03-20,,重复
天津市,低,2022-04-05,2022-04-01,
"""


def upload(client, text: str, name: str = "risk.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("canvass:riskplace_import"), {"file": file})


def test_the_import_reports_bad_rows_and_is_idempotent(world, district_team, client_for):
    c = client_for(district_team)
    assert c.get(reverse("canvass:riskplace_import")).status_code == 200
    page = upload(c, SHEET)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="read">7<' in body and 'data-count="imported">2<' in body
    assert 'data-count="rejected">5<' in body
    for row, reason in [
        (5, "风险等级应为高、中或低"),
        (6, "地区不能为空"),
        (7, "无法识别的日期"),
        (8, "与第3行重复"),
        (9, "解除日期不能早于起始日期"),
    ]:
        assert f"<td>{row}</td>" in body and reason in body
    assert set(RiskPlace.objects.values_list("region", "level", "ends_on")) == {
        ("上海市浦东新区", "high", None),
        ("吉林省长春市", "medium", dt.date(2022, 4, 30)),
    }
    again = upload(c, SHEET).content.decode()
    assert 'data-count="imported">0<' in again and 'data-count="updated">2<' in again
    assert RiskPlace.objects.count() == 2
    assert ChangeLog.objects.filter(model="canvass.riskplace", action="create").count() == 2


def test_a_sheet_without_the_needed_columns_is_refused(world, district_team, client_for):
    body = upload(client_for(district_team), "地区,备注\n上海市,x\n").content.decode()
    assert "缺少列：风险等级、起始日期" in body and not RiskPlace.objects.exists()
    body = upload(client_for(district_team), "a,b\n", name="risk.txt").content.decode()
    assert "只支持 .xlsx、.xls 或 .csv 文件" in body


def test_the_superuser_maintains_the_list(world, client_for):
    c = client_for(world.users.superuser)
    data = {"region": "天津市", "level": "low", "starts_on": "2022-04-01"}
    assert c.post(reverse("canvass:riskplace_create"), data).status_code == 302
    assert RiskPlace.objects.get().region == "天津市"
