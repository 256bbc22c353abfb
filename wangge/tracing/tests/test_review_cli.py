"""`wangge tracing merged --date D --format csv|xlsx [--output FILE] [--area CODE]`."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog

from .fixtures_review import SUN_ID, scenario

pytestmark = pytest.mark.django_db


def test_merged_csv_to_stdout(world):
    scenario(world)
    out, err = io.StringIO(), io.StringIO()
    call_command("tracing", "merged", "--date", "2022-04-02", stdout=out, stderr=err)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:4] == ["序号", "姓名", "性别", "身份证号"] and len(rows[0]) == 12
    names = {r[1] for r in rows[1:]}
    assert names == {"孙七", "孙7", "张伟", "李娜", "赵六"}
    sun = next(r for r in rows[1:] if r[1] == "孙七")
    assert sun[3] == SUN_ID and sun[10] == "否"
    assert "exported=5" in err.getvalue()
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 5 and log.actor is None


def test_merged_xlsx_to_a_file_for_an_area(world, tmp_path):
    scenario(world)
    target = tmp_path / "merged.xlsx"
    out = io.StringIO()
    call_command(
        "tracing",
        "merged",
        "--date",
        "2022-04-02",
        "--format",
        "xlsx",
        "--output",
        str(target),
        "--area",
        world.grid1.code,
        stdout=out,
    )
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "密接合并名单（2022-04-02）"
    assert rows[1][-1] == "备注"
    assert {r[1] for r in rows[2:]} == {"张伟", "李娜"}
    assert f"exported=2 file={target}" in out.getvalue()


def test_merged_bad_arguments(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("tracing", "merged", "--date", "4月2日", stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown area"):
        call_command(
            "tracing", "merged", "--date", "2022-04-02", "--area", "nowhere", stdout=io.StringIO()
        )
