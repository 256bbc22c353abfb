"""The upload pages: several files at once, the mapping page (asked once, remembered), the
batches and their report, the rejected rows download, the sources and their mapping, scope."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wangge.core.models import AccessLog
from wangge.tracing.models import Batch, ContactRow, Source
from wangge.tracing.services_imports import get_or_create_source, import_file

from .fixtures_imports import CHEN_ID, ZHANG_ID, cdc_workbook, gbk_csv, odd_workbook, town_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, *files, **fields):
    data = {"kind": "close", "day": "2022-04-03", **fields}
    data["files"] = [SimpleUploadedFile(name, content, XLSX) for name, content in files]
    return client.post(reverse("tracing:upload"), data, follow=True)


def test_upload_page(world, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("tracing:upload"))
    assert r.status_code == 200 and "上传并导入" in r.content.decode()
    assert client_for(world.users.volunteer).get(reverse("tracing:upload")).status_code == 403


def test_upload_several_files_with_new_source(world, client_for):
    c = client_for(world.users.commander)
    r = upload(
        c,
        ("疾控.xlsx", cdc_workbook()),
        ("镇.csv", gbk_csv()),
        new_source="市疾控",
        area=world.street.pk,
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "读取 7 行，导入 5 行，拒绝 2 行" in body
    source = Source.objects.get(name="市疾控")
    assert source.area == world.street
    assert Batch.objects.filter(source=source).count() == 3
    assert r.redirect_chain[-1][0].startswith(reverse("tracing:batch_list"))
    # the new rows were linked at once (services_linkage.link_pending)
    assert "比对结果" in body
    assert not ContactRow.objects.filter(entity__isnull=True).exists()
    assert set(Batch.objects.values_list("status", flat=True)) == {Batch.Status.LINKED}


def test_upload_errors_are_clear(world, client_for):
    c = client_for(world.users.commander)
    r = upload(c, ("a.pdf", b"x"))
    body = r.content.decode()
    assert "只支持" in body and "请选择名单来源" in body
    r = upload(c, ("坏.xlsx", b"not excel"), new_source="公安", area=world.street.pk)
    assert "无法读取该文件" in r.content.decode()
    assert not Batch.objects.exists()


def test_unknown_headers_ask_once(world, client_for):
    source = get_or_create_source(world.street, "某隔离点", actor=None)
    c = client_for(world.users.commander)
    r = upload(c, ("名单.xlsx", odd_workbook()), source=source.pk)
    body = r.content.decode()
    assert r.status_code == 200 and "指定各列对应的字段" in body and "人员" in body
    assert not Batch.objects.exists()
    token = c.session["tracing_pending_upload"]["token"]
    bad = c.post(reverse("tracing:upload"), {"pending": token, "h0": "address"})
    assert "请指定哪一列是姓名" in bad.content.decode()
    r = c.post(
        reverse("tracing:upload"),
        {"pending": token, "h0": "name", "h1": "id_number", "h2": "address"},
        follow=True,
    )
    batch = Batch.objects.get()
    assert r.redirect_chain[-1][0] == reverse("tracing:batch_detail", args=[batch.pk])
    assert (batch.rows_imported, batch.rows_rejected) == (1, 1)
    source.refresh_from_db()
    assert source.mapping["人员"] == "name"
    # the next sheet from the same source imports without asking
    r = upload(c, ("名单2.xlsx", odd_workbook([["冯十一", CHEN_ID, ""]])), source=source.pk)
    assert "指定各列对应的字段" not in r.content.decode()
    assert Batch.objects.count() == 2 and Batch.objects.filter(rows_imported=1).count() == 2
    # an expired token
    r = c.post(reverse("tracing:upload"), {"pending": "nope", "h0": "name"}, follow=True)
    assert "已失效" in r.content.decode()


def test_batch_pages(world, client_for):
    source = get_or_create_source(world.street, "市疾控", actor=None)
    close, _second = import_file(
        cdc_workbook(), "疾控.xlsx", source=source, kind="close", day=_day(), actor=None
    )
    c = client_for(world.users.commander)
    r = c.get(reverse("tracing:batch_list"), {"day": "2022-04-03", "kind": "close"})
    assert r.status_code == 200 and "疾控.xlsx" in r.content.decode()
    empty = c.get(reverse("tracing:batch_list"), {"day": "2022-04-09"}).content.decode()
    assert "没有符合条件的批次" in empty
    r = c.get(reverse("tracing:batch_detail", args=[close.pk]))
    body = r.content.decode()
    assert "张伟" in body and ZHANG_ID not in body and "138****0001" in body
    assert "姓名为空" in body and "身份证号有误" in body
    assert c.get(reverse("tracing:batch_detail", args=[close.pk]), {"q": "0001"}).status_code == 200
    r = c.get(reverse("tracing:batch_rejects", args=[close.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["行号", "列", "内容", "原因"] and [x[0] for x in rows[1:]] == ["7", "8"]
    assert AccessLog.objects.filter(kind="export", object_id=str(close.pk)).exists()
    r = c.get(reverse("tracing:batch_rejects", args=[close.pk]), {"format": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith(XLSX)
    assert (
        c.get(reverse("tracing:batch_rejects", args=[close.pk]), {"format": "pdf"}).status_code
        == 404
    )


def test_source_pages(world, client_for):
    source = get_or_create_source(world.street, "市疾控", actor=None)
    import_file(town_workbook(), "镇.xlsx", source=source, kind="close", day=_day(), actor=None)
    c = client_for(world.users.commander)
    assert "市疾控" in c.get(reverse("tracing:source_list")).content.decode()
    url = reverse("tracing:source_detail", args=[source.pk])
    r = c.get(url)
    assert r.status_code == 200 and "家庭住址" in r.content.decode()
    form = r.context["form"]
    data = {name: form.fields[name].initial for name in form.fields}
    key = next(n for n, k in form.keys if k == "家庭住址")
    data[key] = ""
    assert c.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.mapping["家庭住址"] == ""
    # a volunteer sees nothing; an outsider gets 404
    assert client_for(world.users.outsider).get(url).status_code == 404
    assert client_for(world.users.outsider).post(url, data).status_code == 404


def test_outsider_sees_no_batch(world, client_for):
    source = get_or_create_source(world.street, "市疾控", actor=None)
    batch = import_file(
        town_workbook(), "镇.xlsx", source=source, kind="close", day=_day(), actor=None
    )[0]
    c = client_for(world.users.outsider)
    for name in ("tracing:batch_detail", "tracing:batch_rejects"):
        assert c.get(reverse(name, args=[batch.pk])).status_code == 404
    assert "镇.xlsx" not in c.get(reverse("tracing:batch_list")).content.decode()
    assert ContactRow.objects.count() == 1


def _day():
    import datetime as dt

    return dt.date(2022, 4, 3)
