"""The results API (post results; summary, missing, positives and retest lists) and the
`wangge testing missing` command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.core.models import AccessLog
from wangge.testing.models import Tube

from .results_data import scene  # noqa: F401


def api(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def base(scene) -> str:  # noqa: F811
    return f"/api/testing/rounds/{scene.round.pk}"


def test_post_results_counts_and_item_errors(scene):  # noqa: F811
    c = api(scene.w.users.commander)
    items = [
        {"barcode": "P1", "result": "阳性", "at": "2022-04-10T14:00:00+08:00"},
        {"barcode": "N1", "result": "negative"},
        {"barcode": "NOPE", "result": "negative"},
        {"barcode": "X1", "result": "也许"},
    ]
    r = c.post(f"{base(scene)}/results", items)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["read"], body["imported"], body["updated"], body["rejected"]) == (4, 2, 0, 2)
    errors = {e["index"]: e for e in body["errors"]}
    assert errors[2]["barcode"] == "NOPE" and "没有该试管条码" in errors[2]["reason"]
    assert "无法识别的检测结果" in errors[3]["reason"]
    assert Tube.objects.get(pk=scene.p1.pk).result == "positive"
    again = c.post(f"{base(scene)}/results", items[:2]).json()
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 2, 2)


def test_post_results_refusals(scene):  # noqa: F811
    w = scene.w
    items = [{"barcode": "P1", "result": "阴性"}]
    assert api(w.users.grid_leader).post(f"{base(scene)}/results", items).status_code == 403
    assert api(w.users.outsider).post(f"{base(scene)}/results", items).status_code == 404
    bad = api(w.users.commander).post(f"{base(scene)}/results", {"barcode": "P1"})
    assert bad.status_code == 422


def test_summary_missing_positives_retests(scene):  # noqa: F811
    w = scene.w
    c = api(w.users.commander)
    c.post(f"{base(scene)}/results", [{"barcode": "P1", "result": "阳性"}])
    summary = c.get(f"{base(scene)}/summary").json()
    g1 = summary["grids"][0]
    assert (g1["name"], g1["leader_name"], g1["leader_phone"]) == (
        "第一网格",
        "赵网格",
        "13700000001",
    )
    assert (
        g1["community"] == "兴华社区"
        and g1["counts"]["not_yet"] == 1
        and g1["counts"]["retest"] == 2
    )
    assert g1["buildings"][0]["leader_name"] == "钱楼长"
    assert summary["total"]["expected"] == 5
    missing = c.get(f"{base(scene)}/missing").json()
    assert missing["count"] == 1
    (item,) = missing["items"]
    assert item["name"] == "陈静" and item["room"] == "101" and item["unit"] == "1"
    assert item["id_number"].startswith("2202**") and item["phone"] == "138****0002"
    assert item["grid_leader"] == "赵网格" and item["grid"] == "兴华社区 第一网格"
    assert c.get(f"{base(scene)}/missing", {"grid": w.grid2.pk}).json()["count"] == 0
    retests = c.get(f"{base(scene)}/retests").json()
    assert {i["name"] for i in retests["items"]} == {"张伟", "王芳"}
    assert all(i["retest_pending"] and i["positive_tubes"] == ["P1"] for i in retests["items"])
    positives = c.get(f"{base(scene)}/positives").json()
    assert positives["single"] == [] and len(positives["pool"]) == 2
    # A grid leader of grid1 sees grid1 only; outsiders get 404.
    mine = api(w.users.grid_leader).get(f"{base(scene)}/summary").json()
    assert [g["name"] for g in mine["grids"]] == ["第一网格"]
    for path in ("summary", "missing", "positives", "retests"):
        assert api(w.users.outsider).get(f"{base(scene)}/{path}").status_code == 404
    assert c.get(f"{base(scene)}/missing", {"page": 9}).status_code == 404


def run_missing(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("testing", "missing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_missing_csv(scene):  # noqa: F811
    w = scene.w
    out, err = run_missing("--round", str(scene.round.pk))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "网格",
        "楼栋",
        "单元",
        "户号",
        "姓名",
        "身份证号",
        "联系电话",
        "网格长",
        "网格长电话",
    ]
    assert rows[1] == [
        "兴华社区 第一网格",
        "阳光小区 1号楼",
        "1",
        "101",
        "陈静",
        w.zhang_wife.id_number[:4] + "*" * 10 + w.zhang_wife.id_number[-4:],
        "138****0002",
        "赵网格",
        "13700000001",
    ]
    assert len(rows) == 2 and "exported=1" in err
    log = AccessLog.objects.get(kind="export")
    assert log.actor is None and log.rows == 1


def test_cli_missing_area_and_xlsx(scene, tmp_path):  # noqa: F811
    w = scene.w
    scene.x1.samples.all().delete()  # liu (grid2) not sampled after all
    out, _ = run_missing("--round", str(scene.round.pk), "--area", w.grid2.code)
    assert [r[4] for r in csv.reader(io.StringIO(out))][1:] == ["刘洋"]
    target = tmp_path / "missing.xlsx"
    out, _ = run_missing(
        "--round", str(scene.round.pk), "--format", "xlsx", "--output", str(target)
    )
    assert "exported=2" in out
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert sorted(r[4] for r in rows[2:]) == ["刘洋", "陈静"]
    with pytest.raises(CommandError):
        run_missing("--round", "987654", "--format", "csv")
    with pytest.raises(CommandError):
        run_missing("--round", str(scene.round.pk), "--format", "xlsx")
    with pytest.raises(CommandError):
        run_missing("--round", str(scene.round.pk), "--area", "nowhere")
