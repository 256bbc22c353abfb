"""`wangge workforce hours|left` (CSV to stdout, .xlsx to a file, --area, logged) and the hours
API (`GET /api/workforce/hours`, `GET /api/workforce/left`), scoped to the caller."""

from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.core.models import AccessLog
from wangge.workforce.tests.fixtures_hours import DAY1, DAY2, at, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(world):
    return build(world)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("workforce", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_hours_csv(world, roster):
    out, err = run("hours", "--from", DAY1.isoformat(), "--to", DAY2.isoformat())
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["姓名", "类别"]
    got = {r[0]: r for r in rows[1:]}
    assert got["李干部"][4] == "2" and float(got["李干部"][5]) == pytest.approx(14.17, abs=0.01)
    assert got["陈志愿"][6] == "1" and got["合计"][4] == "5"
    assert err.strip() == "exported=4"
    log = AccessLog.objects.get(kind="export", actor=None)
    assert log.rows == 3
    out, _ = run("hours", "--area", world.grid2.code, "--from", "2022-04-01", "--to", "2022-04-02")
    assert [r[0] for r in csv.reader(io.StringIO(out))][1:] == ["合计"]


def test_cli_hours_xlsx_and_errors(world, roster, tmp_path):
    target = tmp_path / "hours.xlsx"
    args = ("--from", "2022-04-01", "--to", "2022-04-01", "--format", "xlsx")
    out, _ = run("hours", "--area", world.street.code, *args, "--output", str(target))
    assert out.strip() == f"exported=4 file={target}"
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert {r[0] for r in sheet[2:]} == {"李干部", "王干部", "陈志愿", "合计"}
    with pytest.raises(CommandError, match="unknown area"):
        run("hours", "--area", "no-such-area")
    with pytest.raises(CommandError, match="not a date"):
        run("hours", "--from", "04/01")
    with pytest.raises(CommandError, match="after"):
        run("hours", "--from", "2022-04-02", "--to", "2022-04-01")


def test_cli_left(world, roster, tmp_path):
    with mock.patch("django.utils.timezone.now", return_value=at(DAY2, "08:20")):
        out, err = run("left", "--area", world.grid1.code)
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0][0] == "事项"
        kinds = [r[0] for r in rows[1:]]
        assert kinds == ["岗位缺员", "未到岗"]  # s4 tomorrow short of one; 赵社工 not in
        assert "赵社工" in rows[2][5] and rows[2][6] == "136****0004"
        assert rows[2][7:] == ["赵网格", "13700000001"]
        out, _ = run("left", "--what", "absent")
        assert len(list(csv.reader(io.StringIO(out)))) == 2
        target = tmp_path / "left.xlsx"
        run("left", "--format", "xlsx", "--output", str(target))
        sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
        assert len(sheet) == 4
    assert AccessLog.objects.filter(kind="export", actor=None).count() == 3


def api_for(user) -> ApiClient:
    _token, key = ApiToken.issue(user, "test")
    return ApiClient(key)


def test_api_hours(world, roster):
    api = api_for(world.users.commander)
    r = api.get("/api/workforce/hours", {"since": "2022-04-01", "until": "2022-04-02"})
    assert r.status_code == 200
    data = r.json()
    got = {w["name"]: w for w in data["workers"]}
    assert got["李干部"]["person_times"] == 2 and got["李干部"]["hours"] == pytest.approx(14.17)
    assert got["陈志愿"]["open"] == 1 and got["陈志愿"]["posts"] == ["卡口一", "采样点一"]
    assert data["total"] == {"workers": 3, "person_times": 5, "hours": 24.67, "open": 1}
    r = api.get(
        "/api/workforce/hours", {"since": "2022-04-01", "until": "2022-04-02", "kind": "cadre"}
    )
    assert {w["name"] for w in r.json()["workers"]} == {"李干部", "王干部"}
    r = api.get("/api/workforce/hours", {"since": "2022-04-02", "until": "2022-04-01"})
    assert r.status_code == 422
    assert r.json()["detail"]["since"] == ["开始日期不能晚于结束日期"]
    assert api.get("/api/workforce/hours", {"kind": "x"}).status_code == 422
    r = api.get(
        "/api/workforce/hours",
        {"since": "2022-04-01", "until": "2022-04-02", "area": world.other_grid.pk},
    )
    assert r.json()["workers"] == []
    outsider = api_for(world.users.outsider)
    r = outsider.get("/api/workforce/hours", {"since": "2022-04-01", "until": "2022-04-02"})
    assert r.json()["workers"] == [] and "李干部" not in r.content.decode()


def test_api_left(world, roster):
    api = api_for(world.users.commander)
    with mock.patch("django.utils.timezone.now", return_value=at(DAY2, "08:20")):
        data = api.get("/api/workforce/left").json()
        outsider = api_for(world.users.outsider).get("/api/workforce/left").json()
    assert [g["shift_id"] for g in data["understaffed"]] == [roster.s4.pk]
    assert data["understaffed"][0]["missing"] == 1
    (absent,) = data["absent"]
    assert absent["name"] == "赵社工" and absent["phone_masked"] == "136****0004"
    assert absent["late_minutes"] == 20 and absent["leader_name"] == "赵网格"
    assert outsider["understaffed"] == [] and outsider["absent"] == []
