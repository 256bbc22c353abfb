"""Call lists for the grid's WeChat group: one line per household still to do, per building and
unit, names masked, with a count; the residents without a smartphone (phones only for those
covering them); the access log; scope and the API."""

from __future__ import annotations

from django.urls import reverse

from wangge.command import calls
from wangge.core.models import AccessLog
from wangge.people.models import SpecialGroup

from .fixtures_residents import make_request, make_round


def test_testing_list_per_household_masked(world, client_for):
    make_round(world)
    c = client_for(world.users.grid_leader)
    r = c.get(reverse("command:calls"), {"area": world.grid1.pk, "what": "testing"})
    body = r.content.decode()
    assert "【1号楼1单元】101室 张*、陈* 未采样" in body
    assert "【1号楼1单元】102室 王* 未采样" in body
    assert "【1号楼2单元】201室 李* 未采样" in body
    assert "共 3 户" in body and "张伟" not in body and "刘洋" not in body
    assert 'id="copy-btn"' in body and "navigator.clipboard" in body
    log = AccessLog.objects.get(kind="view", object_repr__contains="群发名单")
    assert log.rows == 3 and log.scope_path == world.grid1.path


def test_building_list_and_text(world):
    make_round(world)
    result = calls.call_list("testing", world.users.commander, world.b1.scope_path)
    lines = result.text("【1号楼】未采样名单").splitlines()
    assert lines[0].startswith("【1号楼】未采样名单（第3轮核酸检测），共 3 户")
    assert lines[1:] == [
        "【1号楼1单元】101室 张*、陈* 未采样",
        "【1号楼1单元】102室 王* 未采样",
        "【1号楼2单元】201室 李* 未采样",
    ]


def test_no_round_says_so(world, client_for):
    r = client_for(world.users.grid_leader).get(reverse("command:calls"))
    assert "当前没有进行中的核酸检测轮次" in r.content.decode()


def test_support_list(world):
    make_request(world.h102)
    result = calls.call_list("support", world.users.commander, world.grid1.path)
    assert [line.text() for line in result.lines] == ["【1号楼1单元】102室 王* 生活物资未送达"]


def test_canvass_list(world):
    from wangge.canvass.tests.conftest import make_campaign

    make_campaign(world)
    result = calls.call_list("canvass", world.users.commander, world.grid1.path)
    assert "【1号楼1单元】101室 张* 未排查" in [line.text() for line in result.lines]


def test_no_smartphone_phone_only_for_those_covering(world, client_for):
    SpecialGroup.objects.create(person=world.li, kind=SpecialGroup.Kind.NO_SMARTPHONE)
    url = reverse("command:calls")
    leader = client_for(world.users.grid_leader).get(
        url, {"area": world.grid1.pk, "what": "no_smartphone"}
    )
    assert "13800000004" in leader.content.decode() and "李娜" in leader.content.decode()
    assert AccessLog.objects.filter(fields="name,phone").count() == 1
    volunteer = client_for(world.users.volunteer).get(
        url, {"area": world.grid1.pk, "what": "no_smartphone"}
    )
    body = volunteer.content.decode()
    assert "13800000004" not in body and "138****0004" in body and "李*" in body


def test_outsider_gets_404_and_empty_api(world, client_for):
    from wangge.accounts.models import ApiToken
    from wangge.api.tests.helpers import ApiClient

    make_round(world)
    c = client_for(world.users.outsider)
    assert c.get(reverse("command:calls"), {"area": world.grid1.pk}).status_code == 404
    assert c.get(reverse("command:calls"), {"building": world.b1.pk}).status_code == 404
    _, key = ApiToken.issue(world.users.outsider, "t")
    body = ApiClient(key).get("/api/command/calls", {"area": world.grid1.pk}).json()
    assert body["count"] == 0


def test_api_calls(world):
    from wangge.accounts.models import ApiToken
    from wangge.api.tests.helpers import ApiClient

    make_round(world)
    _, key = ApiToken.issue(world.users.grid_leader, "t")
    body = ApiClient(key).get("/api/command/calls", {"area": world.grid1.pk}).json()
    assert body["count"] == 3 and body["lines"][0]["text"] == "【1号楼1单元】101室 张*、陈* 未采样"
