"""Exporting the registry in the import's columns: the round trip, scope and the access log."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog, ChangeLog
from wangge.people.exports import export_registry
from wangge.people.imports import import_registry
from wangge.people.models import SpecialGroup

from .sheets import id18, write_xlsx
from .test_import import worker_sheet


def read_rows(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_export_columns_unmasked_and_logged(world, client_for):
    client = client_for(world.users.admin)
    response = client.get(reverse("registry:export"), {"area": world.street.pk})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = read_rows(download(response))
    assert "人口登记表" in rows[0][0]
    header = rows[1]
    assert header[:8] == ["街道", "社区", "网格", "小区", "楼号", "单元", "楼层", "户号"]
    assert header[8:] == [
        "户主姓名",
        "现居人数",
        "户联系电话",
        "姓名",
        "身份证号",
        "联系电话",
        "与户主关系",
        "特殊人群",
    ]
    data = {r[11]: r for r in rows[2:]}
    assert set(data) == {"张伟", "陈静", "王芳", "李娜", "刘洋"}
    wang = data["王芳"]
    assert wang[:8] == ["北京路街道", "兴华社区", "第一网格", "阳光小区", "1", "1", 1.0, "102"]
    assert wang[12] == world.wang.id_number and wang[13] == "13800000003"
    assert wang[14] == "户主" and wang[15] == "独居老人"
    assert data["陈静"][14] == "家庭成员"
    log = AccessLog.objects.get(kind="export", actor=world.users.admin)
    assert log.rows == 5 and log.scope_path == world.street.path and "id_number" in log.fields


def test_export_reimports_to_no_change(world, tmp_path):
    import_registry(
        worker_sheet(tmp_path, world.zhang.id_number), area=world.grid1, actor=world.users.admin
    )
    SpecialGroup.objects.create(person=world.li, kind="dialysis")
    path = tmp_path / "export.xlsx"
    count = export_registry(world.street, path, user=world.users.admin)
    logs = ChangeLog.objects.count()
    for area in (world.street, world.community, world.district):
        report = import_registry(path, area=area, actor=world.users.admin)
        assert report.read == count and report.rejected == 0, report.errors[:3]
        assert report.imported == 0 and report.updated == report.unchanged == count
    assert ChangeLog.objects.count() == logs


def test_edited_export_updates(world, tmp_path):
    path = tmp_path / "export.xlsx"
    export_registry(world.grid2, path)
    rows = read_rows(path.read_bytes())
    header, body = rows[1], rows[2:]
    body[0][header.index("联系电话")] = "13611112222"
    body.append(
        [
            "",
            "",
            "第二网格",
            "阳光小区",
            "2",
            "1",
            1,
            "101",
            "",
            "",
            "",
            "刘小洋",
            id18(77),
            "",
            "子女",
            "",
        ]
    )
    edited = write_xlsx(tmp_path / "edited.xlsx", [header, *body])
    report = import_registry(edited, area=world.grid2, actor=world.users.admin)
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 0)
    world.liu.refresh_from_db()
    assert world.liu.phone == "13611112222"


def test_scope_of_exports(world, client_for):
    url = reverse("registry:export")
    outsider = client_for(world.users.outsider)
    assert outsider.get(url, {"area": world.street.pk}).status_code == 404
    assert outsider.get(url, {"area": world.grid1.pk}).status_code == 404
    own = read_rows(download(outsider.get(url, {"area": world.other_street.pk})))
    assert [r[11] for r in own[2:]] == ["吴敏"]
    assert (
        client_for(world.users.building_leader).get(url, {"area": world.grid1.pk}).status_code
        == 404
    )
    leader = client_for(world.users.grid_leader)
    assert leader.get(url, {"area": world.grid2.pk}).status_code == 404
    mine = read_rows(download(leader.get(url, {"area": world.grid1.pk})))
    assert {r[11] for r in mine[2:]} == {"张伟", "陈静", "王芳", "李娜"}
    assert leader.get(url, {"area": "x"}).status_code == 404
    assert leader.get(url).status_code == 302


def test_template_download(world, client_for):
    response = client_for(world.users.admin).get(reverse("registry:template"))
    rows = read_rows(download(response))
    assert rows[1][:4] == ["街道", "社区", "网格", "小区"]


def test_export_command(world, tmp_path):
    out = io.StringIO()
    target = tmp_path / "out.xlsx"
    call_command("export_registry", "--area", world.grid1.code, "--output", str(target), stdout=out)
    assert out.getvalue().startswith("exported=4 ")
    assert len(read_rows(target.read_bytes())) == 6
    log = AccessLog.objects.get(kind="export")
    assert log.actor is None and log.rows == 4
    call_command(
        "export_registry", "--area", "吉林市/船营区/北京路街道", "--output", str(target), stdout=out
    )
    assert len(read_rows(target.read_bytes())) == 7
    with pytest.raises(CommandError):
        call_command("export_registry", "--area", "nowhere", "--output", str(target))
