"""Lab result import (xlsx/csv), manual entry, the change log, and what a positive pool sets off:
the retest list, single-tube positives listed apart, and the grid leader's notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wangge.core.models import ChangeLog
from wangge.core.models_imports import ImportJob
from wangge.core.normalize import NormalizationError
from wangge.people.tests.sheets import write_csv, write_xlsx
from wangge.testing.imports import import_result_items, import_results
from wangge.testing.models import Notice, Tube
from wangge.testing.services_results import parse_result, parse_time, record_result
from wangge.testing.whoisleft import person_list

from .results_data import make_tube, scene  # noqa: F401

HEADER = ["试管条码", "检测结果", "检测时间"]


def sheet(tmp_path, rows, name="结果.xlsx", **kw):
    return write_xlsx(tmp_path / name, [HEADER, *rows], **kw)


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_result_words():
    assert parse_result("阴性") == parse_result("阴") == parse_result("Negative") == "negative"
    assert parse_result("阳性") == parse_result("阳") == parse_result("弱阳") == "positive"
    assert parse_result("positive") == "positive"
    assert parse_result(" 无效 ") == "invalid"
    with pytest.raises(NormalizationError, match="无法识别的检测结果"):
        parse_result("待定")
    assert parse_time("2022/4/10 14:30").hour == 14
    assert parse_time("2022年4月10日 9时05分").minute == 5
    assert timezone.localtime(parse_time("2022-04-10T06:30:00+00:00")).hour == 14
    with pytest.raises(NormalizationError):
        parse_time("昨天下午")


def test_import_with_a_positive_pool_and_a_bad_row(scene, tmp_path):  # noqa: F811
    w, rnd = scene.w, scene.round
    path = sheet(
        tmp_path,
        [
            ["p1", "阳性", "2022-04-10 14:30"],
            ["N1", "阴", "2022/4/10 14:31"],
            ["", "", ""],
            ["NOPE-9", "阴性", "2022-04-10 14:32"],
        ],
        title="某检测机构 结果回报",
    )
    report = import_results(path, rnd=rnd, actor=w.users.commander)
    assert (report.read, report.imported, report.updated, report.rejected) == (3, 2, 0, 1)
    (error,) = report.errors
    assert (error.row, error.column, error.value) == (7, "试管条码", "NOPE-9")
    assert "没有该试管条码" in error.reason
    scene.p1.refresh_from_db()
    assert scene.p1.result == Tube.Result.POSITIVE
    at = timezone.localtime(scene.p1.result_at)
    assert (at.hour, at.minute) == (14, 30)
    # Everyone of the positive pool is on the retest list; the negative pool is not.
    assert names(person_list(rnd, w.users.commander, "retest")) == {"张伟", "王芳"}
    assert not names(person_list(rnd, w.users.commander, "single_positive"))
    # The change log has the before/after of each result.
    log = ChangeLog.objects.get(model="testing.tube", object_id=str(scene.p1.pk))
    assert log.before["result"] == "" and log.after["result"] == "positive"
    assert log.actor == w.users.commander
    # One notice, to grid1, with the barcode, people, building/unit and the grid leader.
    (notice,) = Notice.objects.all()
    assert notice.area == w.grid1 and notice.tube == scene.p1 and notice.read_at is None
    for part in ("P1", "2 人", "1号楼", "1单元", "赵网格", "13700000001"):
        assert part in notice.text


def test_same_file_again_changes_nothing(scene, tmp_path):  # noqa: F811
    w, rnd = scene.w, scene.round
    path = sheet(tmp_path, [["P1", "阳性", "2022-04-10 14:30"], ["N1", "阴性", ""]])
    import_results(path, rnd=rnd, actor=w.users.commander)
    logs, notices = ChangeLog.objects.count(), Notice.objects.count()
    report = import_results(path, rnd=rnd, actor=w.users.commander)
    assert (report.read, report.imported, report.updated, report.unchanged) == (2, 0, 2, 2)
    assert report.rejected == 0
    assert (ChangeLog.objects.count(), Notice.objects.count()) == (logs, notices)


def test_a_different_result_is_an_update_logged_with_before_and_after(scene, tmp_path):  # noqa: F811
    w, rnd = scene.w, scene.round
    import_results(sheet(tmp_path, [["N1", "阴性", "2022-04-10 14:30"]]), rnd=rnd, actor=None)
    path = write_csv(
        tmp_path / "更正.csv", [["条码", "结果", "报告时间"], ["N1", "弱阳", "2022-04-10 18:00"]]
    )
    report = import_results(path, rnd=rnd, actor=w.users.commander)
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 0)
    log = ChangeLog.objects.filter(object_id=str(scene.n1.pk)).latest("id")
    assert (log.before["result"], log.after["result"]) == ("negative", "positive")
    assert names(person_list(rnd, w.users.commander, "retest")) == {"李娜"}


def test_duplicate_barcode_and_unreadable_cells_are_rejected(scene, tmp_path):  # noqa: F811
    rnd = scene.round
    path = sheet(
        tmp_path,
        [["P1", "阴性", ""], ["P1", "阴性", ""], ["N1", "待定", ""], ["X1", "阴性", "明天"]],
    )
    report = import_results(path, rnd=rnd, actor=None)
    assert (report.read, report.imported, report.rejected) == (4, 1, 3)
    reasons = {e.row: e.reason for e in report.errors}
    assert "与第2行重复" in reasons[3]
    assert "无法识别的检测结果" in reasons[4]
    assert "无法识别的时间" in reasons[5]


def test_missing_columns_is_a_clear_error(scene, tmp_path):  # noqa: F811
    from wangge.core.imports import ImportFormatError

    path = write_xlsx(tmp_path / "x.xlsx", [["试管条码", "时间"], ["P1", "2022-04-10"]])
    with pytest.raises(ImportFormatError, match="检测结果"):
        import_results(path, rnd=scene.round, actor=None)


def test_single_tube_positive_is_listed_apart_and_retest_clears(scene):  # noqa: F811
    w, rnd, boss = scene.w, scene.round, scene.w.users.commander
    record_result(scene.p1, "positive", actor=boss)
    # zhang's single-tube retest (closed later) comes back negative: no longer pending.
    s1 = make_tube(rnd, "S1", [w.zhang], capacity=1, minutes=120)
    assert names(person_list(rnd, boss, "retest")) == {"王芳"}
    record_result(s1, "negative", actor=boss)
    # wang's retest is positive: a single-tube positive, listed apart.
    s2 = make_tube(rnd, "S2", [w.wang], capacity=1, minutes=130)
    record_result(s2, "positive", actor=boss)
    assert not names(person_list(rnd, boss, "retest"))
    assert names(person_list(rnd, boss, "single_positive")) == {"王芳"}
    assert names(person_list(rnd, boss, "pool_positive")) == {"张伟", "王芳"}
    assert "单管" in Notice.objects.get(tube=s2).text


def test_manual_entry_checks_scope_and_choices(scene):  # noqa: F811
    w = scene.w
    with pytest.raises(ValidationError):
        record_result(scene.n1, "maybe", actor=w.users.commander)
    with pytest.raises(PermissionDenied):
        record_result(scene.n1, "negative", actor=w.users.outsider)
    with pytest.raises(PermissionDenied):
        record_result(scene.n1, "negative", actor=w.users.volunteer)  # view only
    assert record_result(scene.n1, "negative", actor=w.users.grid_leader) is True
    assert record_result(scene.n1, "negative", actor=w.users.grid_leader) is False


def test_api_items_use_the_same_checks(scene):  # noqa: F811
    items = [
        {"barcode": "p1", "result": "positive", "at": dt.datetime(2022, 4, 10, 15, 0)},
        {"barcode": "GHOST", "result": "阴性", "at": None},
    ]
    report = import_result_items(scene.round, items, actor=None)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.errors[0].row == 2


def test_upload_page_imports_and_shows_the_report(scene, tmp_path, client_for):  # noqa: F811
    w, rnd = scene.w, scene.round
    path = sheet(tmp_path, [["P1", "阳性", ""], ["BAD", "阴性", ""]])
    c = client_for(w.users.commander)
    url = reverse("testing:results_import", args=[rnd.pk])
    assert c.get(url).status_code == 200
    with path.open("rb") as fh:
        r = c.post(url, {"file": fh})
    job = ImportJob.objects.get(kind="lab_results")
    assert r.status_code == 302 and r["Location"] == reverse("testing:results_job", args=[job.pk])
    page = c.get(r["Location"]).content.decode()
    assert 'data-count="imported">1<' in page and 'data-count="rejected">1<' in page
    assert "BAD" in page
    errors = c.get(reverse("testing:results_job_errors", args=[job.pk, "xlsx"]))
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd")
    csv_errors = c.get(reverse("testing:results_job_errors", args=[job.pk, "csv"]))
    assert "BAD" in csv_errors.content.decode("utf-8-sig")
    # A grid leader sees the round but may not import into it.
    leader = client_for(w.users.grid_leader)
    assert leader.get(url).status_code == 200
    with path.open("rb") as fh:
        assert leader.post(url, {"file": fh}).status_code == 403


def test_barcode_lookup_and_manual_form(scene, client_for):  # noqa: F811
    w, rnd = scene.w, scene.round
    c = client_for(w.users.grid_leader)
    url = reverse("testing:results_import", args=[rnd.pk])
    r = c.get(url, {"barcode": " n1 "})
    edit = reverse("testing:result_edit", args=[scene.n1.pk])
    assert r.status_code == 302 and r["Location"] == edit
    assert "没有找到" in c.get(url, {"barcode": "ZZZ"}, follow=True).content.decode()
    r = c.post(edit, {"result": "positive", "at": "2022-04-10T16:00"})
    assert r.status_code == 302
    scene.n1.refresh_from_db()
    assert scene.n1.result == "positive" and timezone.localtime(scene.n1.result_at).hour == 16
    assert c.post(edit, {"result": "bogus"}).status_code == 200  # the form shows the error


def test_large_files_run_as_a_background_job(scene, tmp_path, client_for, settings):  # noqa: F811
    from django.core.files.base import ContentFile

    from wangge.core.tasks import execute_import_job

    settings.IMPORT_BACKGROUND_ROWS = 1
    w, rnd = scene.w, scene.round
    path = sheet(tmp_path, [["P1", "阴性", ""], ["N1", "阴性", ""]])
    c = client_for(w.users.commander)
    with path.open("rb") as fh:
        r = c.post(reverse("testing:results_import", args=[rnd.pk]), {"file": fh})
    job = ImportJob.objects.get(kind="lab_results")
    assert r.status_code == 302 and job.status == ImportJob.Status.QUEUED
    assert execute_import_job(job.pk).status == ImportJob.Status.DONE
    job.refresh_from_db()
    assert (job.read, job.imported, job.rejected) == (2, 2, 0) and not job.file
    # The job runner is registered for the task backend.
    again = ImportJob.objects.create(
        kind="lab_results",
        original_name="x.xlsx",
        area=w.street,
        user=w.users.commander,
        scope_path=w.street.path,
        options={"round": rnd.pk},
    )
    again.file.save("x.xlsx", ContentFile(path.read_bytes()))
    assert execute_import_job(again.pk).unchanged == 2
