"""The day's figures exported: the .xlsx download (logged; refused to a volunteer, another
street's checkpoint a 404) and `wangge checkpoints report` as csv and xlsx, for an area."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.checkpoints import gate as g
from wangge.checkpoints import passes
from wangge.checkpoints.models import Checkpoint
from wangge.checkpoints.tests.roster import gate_shift
from wangge.core.models import AccessLog

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate(), dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    noon = at(12)
    monkeypatch.setattr(timezone, "now", lambda: noon)


@pytest.fixture
def recorded(world, gate, cards):
    """Two exits of household 101 at the east gate (one refused on quota), and a far gate in
    another street with one passage."""
    gate_shift(gate, at(6), at(14))
    t = passes.token(cards[world.h101.pk])
    g.record(gate, actor=world.users.commander, direction="out", token=t, at=at(8))
    g.record(gate, actor=world.users.commander, direction="out", token=t, at=at(9))
    far = Checkpoint.objects.create(name="远方路口", kind="road", area=world.other_street)
    g.record(far, actor=world.users.outsider, direction="in", id_number="x", at=at(10))
    return gate, far


def _sheet(response) -> list[list]:
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_export_is_logged(world, recorded, client_for):
    gate, far = recorded
    c = client_for(world.users.commander)
    r = c.get(reverse("checkpoints:report_export"), {"checkpoint": gate.pk})
    assert r.status_code == 200
    rows = _sheet(r)
    assert rows[1][:4] == ["日期", "卡口", "所属区域", "统计范围"]
    day_row = rows[2]
    assert day_row[1] == "阳光小区东门" and day_row[3] == "全天"
    head = rows[1]
    assert day_row[head.index("人员出")] == 1 and day_row[head.index("超额拒绝")] == 1
    assert any(str(r[3]).startswith("班次") for r in rows[2:])
    assert {r[1] for r in rows[2:]} == {"阳光小区东门"}
    log = AccessLog.objects.filter(kind="export").latest("at")
    assert log.actor == world.users.commander and log.rows == len(rows) - 2
    # Without ?checkpoint: every checkpoint of the user's scope, not another street's.
    assert "远方路口" not in {r[1] for r in _sheet(c.get(reverse("checkpoints:report_export")))}


def test_who_may_export(world, recorded, client_for):
    gate, far = recorded
    volunteer = client_for(world.users.volunteer)
    assert volunteer.get(reverse("checkpoints:report_export")).status_code == 403
    outsider = client_for(world.users.outsider)
    assert (
        outsider.get(reverse("checkpoints:report_export"), {"checkpoint": gate.pk}).status_code
        == 404
    )
    assert outsider.get(reverse("checkpoints:checkpoint_report", args=[gate.pk])).status_code == 404
    assert "阳光小区东门" not in outsider.get(reverse("checkpoints:board")).content.decode()
    # The report page offers the export only to those who may export.
    page = reverse("checkpoints:checkpoint_report", args=[gate.pk])
    assert (
        reverse("checkpoints:report_export")
        in client_for(world.users.commander).get(page).content.decode()
    )
    assert not AccessLog.objects.filter(kind="export").exists()


def test_cli_csv_and_xlsx(world, recorded, tmp_path):
    out = io.StringIO()
    day = timezone.localdate().isoformat()
    call_command("checkpoints", "report", "--date", day, stdout=out, stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:2] == ["日期", "卡口"]
    assert {r[1] for r in rows[1:]} == {"阳光小区东门", "远方路口"}
    out = io.StringIO()
    call_command(
        "checkpoints",
        "report",
        "--date",
        day,
        "--area",
        world.street.code,
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert {r[1] for r in rows[1:]} == {"阳光小区东门"}
    whole = next(r for r in rows[1:] if r[3] == "全天")
    assert whole[rows[0].index("人员出")] == "1" and whole[rows[0].index("超额拒绝")] == "1"
    target = tmp_path / "day.xlsx"
    out = io.StringIO()
    call_command(
        "checkpoints",
        "report",
        "--date",
        day,
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=out,
    )
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert {r[1] for r in sheet[2:]} == {"阳光小区东门", "远方路口"}
    assert "exported=" in out.getvalue()
    assert AccessLog.objects.filter(kind="export", actor=None).count() == 3
    # Another day: no passages, one line per checkpoint.
    out = io.StringIO()
    call_command("checkpoints", "report", "--date", "2000-01-01", stdout=out, stderr=io.StringIO())
    assert len(list(csv.reader(io.StringIO(out.getvalue())))) == 3


def test_cli_bad_input(world, recorded):
    with pytest.raises(CommandError, match="bad --date"):
        call_command("checkpoints", "report", "--date", "2026-13-40")
    with pytest.raises(CommandError, match="unknown area"):
        call_command("checkpoints", "report", "--area", "nowhere")
    with pytest.raises(CommandError):
        call_command("checkpoints", "report", "--format", "pdf")
