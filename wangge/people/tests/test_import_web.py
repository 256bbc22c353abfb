"""The upload page, the job page (progress, counts, errors), background jobs and scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wangge.core.models import AccessLog, ChangeLog
from wangge.core.models_imports import ImportJob
from wangge.people.models import Person

from .sheets import bad_check, id18, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def sheet(tmp_path, n=3, bad=True):
    rows = [["楼号", "单元", "户号", "姓名", "身份证号", "联系电话"]]
    for i in range(n):
        rows.append(["5", "1", f"{i // 3 + 1}01", f"居民{i}", id18(100 + i), ""])
    if bad:
        rows.append(["5", "1", "901", "坏号", bad_check(id18(999)), ""])
    path = write_xlsx(tmp_path / "登记.xlsx", rows, title="登记表")
    return SimpleUploadedFile("登记.xlsx", path.read_bytes())


def upload(client, area, f):
    return client.post(reverse("registry:import"), {"file": f, "area": area.pk})


def test_upload_shows_counts_and_errors(world, client_for, tmp_path):
    client = client_for(world.users.admin)
    page = client.get(reverse("registry:import"))
    assert page.status_code == 200 and "导入登记表" in page.content.decode()
    response = upload(client, world.grid1, sheet(tmp_path))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:job", args=[job.pk])
    assert (job.status, job.read, job.imported, job.rejected) == ("done", 4, 3, 1)
    assert not job.file  # the upload is not kept
    html = client.get(response.url).content.decode()
    assert 'data-count="imported">3<' in html and 'data-count="rejected">1<' in html
    assert "身份证号校验位错误" in html
    assert bad_check(id18(999)) not in html  # masked on the page
    assert ChangeLog.objects.filter(channel="import", actor=world.users.admin).exists()

    csv_response = client.get(reverse("registry:job_errors", args=[job.pk, "csv"]))
    body = b"".join(
        csv_response.streaming_content if csv_response.streaming else [csv_response.content]
    ).decode("utf-8-sig")
    assert body.splitlines()[1].startswith(f"7,身份证号,{bad_check(id18(999))},")
    assert "filename*=UTF-8''" in csv_response["Content-Disposition"]
    xlsx = client.get(reverse("registry:job_errors", args=[job.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert AccessLog.objects.filter(kind="export", actor=world.users.admin).count() == 2


def test_rejects_other_file_types(world, client_for):
    client = client_for(world.users.admin)
    response = upload(client, world.grid1, SimpleUploadedFile("a.txt", b"hello"))
    assert response.status_code == 200 and "只支持" in response.content.decode()
    response = upload(client, world.grid1, SimpleUploadedFile("a.xlsx", b"hello"))
    assert response.status_code == 200 and "无法读取" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_big_file_runs_in_background_with_progress(
    world, client_for, tmp_path, settings, monkeypatch
):
    from types import SimpleNamespace

    from wangge.core.tasks import run_import
    from wangge.people import views_registry

    settings.IMPORT_BACKGROUND_ROWS = 5
    client = client_for(world.users.admin)
    seen = []

    def enqueue(job_id):
        seen.append(ImportJob.objects.get(pk=job_id).status)
        return run_import.enqueue(job_id)

    monkeypatch.setattr(views_registry, "run_import", SimpleNamespace(enqueue=enqueue))
    response = upload(client, world.grid1, sheet(tmp_path, n=12))
    assert seen == ["queued"]
    job = ImportJob.objects.get()
    assert (job.status, job.read, job.imported, job.rejected) == ("done", 13, 12, 1)
    assert job.rows_done == job.rows_total == 13 and job.percent == 100
    page = client.get(response.url)
    assert "hx-trigger" not in page.content.decode()  # finished: no more polling


def test_job_page_polls_while_running_and_serves_partial(world, client_for):
    job = ImportJob.objects.create(
        kind="registry",
        original_name="x.xlsx",
        area=world.grid1,
        user=world.users.admin,
        scope_path=world.grid1.path,
        status="running",
        rows_total=200,
        rows_done=50,
    )
    client = client_for(world.users.admin)
    full = client.get(reverse("registry:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in full and "25%" in full and "<html" in full
    partial = client.get(reverse("registry:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "25%" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_outsider_cannot_import_or_see_jobs(world, client_for, tmp_path):
    admin = client_for(world.users.admin)
    upload(admin, world.grid1, sheet(tmp_path))
    job = ImportJob.objects.get()
    outsider = client_for(world.users.outsider)
    assert outsider.get(reverse("registry:job", args=[job.pk])).status_code == 404
    assert outsider.get(reverse("registry:job_errors", args=[job.pk, "csv"])).status_code == 404
    assert job.original_name not in outsider.get(reverse("registry:jobs")).content.decode()
    persons = Person.objects.count()
    response = upload(outsider, world.grid1, sheet(tmp_path))
    assert response.status_code == 200 and ImportJob.objects.count() == 1
    assert Person.objects.count() == persons
    page = outsider.get(reverse("registry:import")).content.decode()
    assert world.grid1.name not in page and world.other_street.name in page


def test_users_without_import_right_are_refused(world, client_for, tmp_path):
    for user in (world.users.grid_leader, world.users.volunteer, world.users.nobody):
        client = client_for(user)
        assert upload(client, world.grid1, sheet(tmp_path)).status_code == 403
        assert client.get(reverse("registry:jobs")).status_code == 403
    assert not ImportJob.objects.exists()
    # a grid leader may export, so the page shows the export form only
    page = client_for(world.users.grid_leader).get(reverse("registry:import"))
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    assert client_for(world.users.volunteer).get(reverse("registry:import")).status_code == 403
