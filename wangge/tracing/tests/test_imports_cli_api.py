"""`wangge tracing import` and the batches API: import, report, mapping, scope."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from wangge.accounts.models import ApiToken
from wangge.tracing.models import Batch, Source
from wangge.tracing.services_imports import get_or_create_source, import_file

from .fixtures_imports import LI_ID, cdc_workbook, odd_workbook, town_workbook


def run_cli(*args):
    out, err = StringIO(), StringIO()
    call_command("tracing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_import(world, tmp_path):
    path = tmp_path / "疾控.xlsx"
    path.write_bytes(cdc_workbook())
    out, _err = run_cli(
        "import",
        str(path),
        "--source",
        "市疾控",
        "--kind",
        "close",
        "--day",
        "2022-04-03",
        "--area",
        world.street.code,
    )
    assert "[密接]: batch=" in out and "read=7 imported=5 rejected=2" in out
    assert "row 7 [密接姓名] 姓名为空" in out and "linked: exact=" in out
    assert Source.objects.get(name="市疾控").area == world.street
    # again, without --area (the source is known): updates, no duplicates
    run_cli("import", str(path), "--source", "市疾控", "--kind", "close", "--day", "2022-04-03")
    assert Batch.objects.count() == 2


def test_cli_mapping_and_errors(world, tmp_path):
    odd = tmp_path / "名单.xlsx"
    odd.write_bytes(odd_workbook())
    base = ["import", str(odd), "--source", "隔离点", "--kind", "site_roster"]
    with pytest.raises(CommandError, match="1 file"):
        run_cli(*base, "--area", world.street.code)
    out, _ = run_cli(*base, "--map", "人员=name", "--map", "号码=id_number", "--map", "住处=")
    assert "imported=1 rejected=1" in out
    assert run_cli(*base)[0].count("imported=1") == 1  # remembered
    with pytest.raises(CommandError, match="unknown source"):
        run_cli("import", str(odd), "--source", "无此来源", "--kind", "close")
    with pytest.raises(CommandError, match="HEADER=FIELD"):
        run_cli(*base, "--map", "人员=salary")
    with pytest.raises(CommandError, match="--day"):
        run_cli(*base, "--day", "4/3")


def api(user) -> Client:
    _, key = ApiToken.issue(user, "t")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, content, name="a.xlsx", **fields):
    data = {"source": "公安分局", "kind": "secondary", "day": "2022-04-03", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post("/api/tracing/batches", data)


def test_api_upload_and_report(world):
    c = api(world.users.commander)
    r = post(c, cdc_workbook())
    assert r.status_code == 422 and "区域" in str(r.json())
    r = post(c, cdc_workbook(), area=str(world.street.pk))
    assert r.status_code == 201, r.content
    body = r.json()
    assert [b["rows_read"] for b in body["batches"]] == [7, 2]
    pk = body["batches"][0]["id"]
    report = c.get(f"/api/tracing/batches/{pk}").json()
    assert [e["row"] for e in report["rejects"]] == [7, 8]
    assert report["mapping"]["密接姓名"] == "name"
    listed = c.get("/api/tracing/batches", {"day": "2022-04-03"}).json()
    assert listed["count"] == 2
    # unknown headers: 409 with the headers; then again with a mapping
    r = post(c, odd_workbook(), "b.xlsx")
    assert r.status_code == 409 and r.json()["headers"] == ["人员", "号码", "住处"]
    mapping = json.dumps({"人员": "name", "号码": "id_number"})
    r = post(c, odd_workbook(), "b.xlsx", mapping=mapping)
    assert r.status_code == 201 and r.json()["batches"][0]["rows_imported"] == 1
    assert post(c, b"junk", "c.xlsx").status_code == 422
    assert post(c, town_workbook(), mapping="[1]").status_code == 422


def test_api_scope(world):
    source = get_or_create_source(world.street, "公安分局", actor=None)
    batch = import_file(
        town_workbook([["吴九", LI_ID, "", ""]]),
        "t.xlsx",
        source=source,
        kind="close",
        day=__import__("datetime").date(2022, 4, 3),
        actor=None,
    )[0]
    out = api(world.users.outsider)
    assert out.get(f"/api/tracing/batches/{batch.pk}").status_code == 404
    assert out.get("/api/tracing/batches").json()["count"] == 0
    # the outsider cannot reach the street's source: a new one needs their own area
    assert post(out, town_workbook(), area=str(world.street.pk)).status_code == 422
    assert post(api(world.users.volunteer), town_workbook()).status_code == 403
