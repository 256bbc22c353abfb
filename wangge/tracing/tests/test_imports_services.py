"""import_file on real files: every sheet, the field's mess normalised, every rejection with its
row and reason, the mapping learnt per source, re-import updating, provenance and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.core.imports import ImportFormatError
from wangge.core.models import ChangeLog
from wangge.tracing.imports import NeedsMapping, parse_day
from wangge.tracing.models import Batch, ContactRow, ListKind
from wangge.tracing.services_imports import get_or_create_source, import_file, update_mapping

from .fixtures_imports import (
    CDC_EXPECTED,
    CHEN_ID,
    LI_ID,
    OLD_ID15,
    X_ID,
    ZHANG_ID,
    cdc_workbook,
    gbk_csv,
    odd_workbook,
    town_workbook,
)

DAY = dt.date(2022, 4, 3)


@pytest.fixture
def cdc(world):
    return get_or_create_source(world.street, "市疾控", actor=world.users.commander)


def run(source, data, name="名单.xlsx", actor=None, **kw):
    kw.setdefault("kind", ListKind.CLOSE)
    kw.setdefault("day", DAY)
    return import_file(data, name, source=source, actor=actor, **kw)


def test_every_sheet_is_a_batch_and_counts_add_up(world, cdc):
    batches = run(cdc, cdc_workbook(), "疾控.xlsx", world.users.commander)
    assert [b.sheet_name for b in batches] == ["密接", "次密接"]  # the empty sheet is skipped
    for batch in batches:
        want = CDC_EXPECTED[batch.sheet_name]
        assert batch.rows_read == want["read"]
        assert batch.rows_imported == want["imported"]
        assert batch.rows_imported + batch.rows_rejected == batch.rows_read
        got = [(e["row"], e["reason"]) for e in batch.rejects]
        assert len(got) == len(want["rejected"])
        for (row, reason), (want_row, want_reason) in zip(got, want["rejected"], strict=True):
            assert row == want_row and want_reason in reason
        assert batch.rows.count() == batch.rows_imported
        assert batch.scope_path == world.street.path
        assert batch.status == Batch.Status.IMPORTED
    assert batches[0].rejects[0]["column"] == "密接姓名"
    assert batches[0].rejects[1]["column"] == "证件号码、手机号"


def test_rows_are_normalised(world, cdc):
    close = run(cdc, cdc_workbook(), actor=world.users.commander)[0]
    rows = {r.row_number: r for r in close.rows.all()}
    zhang = rows[3]
    assert (zhang.name, zhang.id_number, zhang.phone) == ("张伟", ZHANG_ID, "13800000001")
    assert zhang.id_valid and zhang.sex == "M" and zhang.birth_date == dt.date(1980, 1, 1)
    assert zhang.contact_date == dt.date(2022, 4, 1) and zhang.exposure == "同餐"
    chen = rows[4]  # traditional characters, full-width digits
    assert (chen.name, chen.id_number, chen.id_valid) == ("陈大文", LI_ID, True)
    assert chen.contact_date == dt.date(2022, 4, 2)
    assert rows[5].id_number == X_ID and rows[5].id_valid and rows[5].sex == "F"
    old = rows[6]  # 15 digits → 18
    assert len(old.id_number) == 18 and old.id_number.startswith(OLD_ID15[:6] + "1980")
    assert old.id_valid and old.phone == ""
    bad = rows[9]  # invalid ID kept, flagged; the phone makes the row
    assert not bad.id_valid and bad.id_number and bad.phone == "13800000033"
    # provenance: batch, row number and every raw cell as written
    assert zhang.batch == close and zhang.raw["密接姓名"] == "张 伟"
    assert chen.raw["密接姓名"] == "陳大文" and chen.raw["序号"] == "2"
    assert zhang.scope_path == world.street.path


def test_reimport_updates_never_duplicates(world, cdc):
    data = cdc_workbook()
    first = run(cdc, data, actor=world.users.commander)
    ContactRow.objects.filter(batch=first[0], row_number=3).update(link="id")
    again = run(cdc, data, actor=world.users.commander, day=dt.date(2022, 4, 4))
    assert [b.pk for b in again] == [b.pk for b in first]
    assert Batch.objects.count() == 2
    assert ContactRow.objects.count() == sum(b.rows_imported for b in first)
    assert ContactRow.objects.get(batch=first[0], row_number=3).link == "id"  # untouched
    assert Batch.objects.get(pk=first[0].pk).day == dt.date(2022, 4, 4)
    assert ChangeLog.objects.filter(model="tracing.batch", action="create").count() == 2


def test_changed_row_is_unlinked(world, cdc):
    from wangge.tracing.models import ContactPerson

    batch = run(cdc, town_workbook())[0]
    row = batch.rows.get()
    person = ContactPerson.objects.create(
        name=row.name, kind="close", first_day=DAY, last_day=DAY, scope_path=batch.scope_path
    )
    batch.rows.update(entity=person, link="new")
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.LINKED)
    run(cdc, town_workbook())  # unchanged: stays linked
    assert batch.rows.get().entity == person
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.LINKED
    batch.rows.update(name="旧名")  # as if the sheet had said otherwise before
    run(cdc, town_workbook())
    row = batch.rows.get()
    assert (row.name, row.entity, row.link) == ("周八", None, "")
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.IMPORTED


def test_mapping_is_learnt_per_source(world, cdc):
    run(cdc, cdc_workbook(), actor=world.users.commander)
    cdc.refresh_from_db()
    assert cdc.mapping["密接姓名"] == "name" and cdc.mapping["证件号码"] == "id_number"
    with pytest.raises(NeedsMapping) as caught:
        run(cdc, odd_workbook())
    assert caught.value.headers == ["人员", "号码", "住处"]
    assert caught.value.guess == {}
    assert Batch.objects.filter(sheet_name="名单").count() == 0  # nothing written
    chosen = {"人员": "name", "号码": "id_number", "住处": "address"}
    batch = run(cdc, odd_workbook(), mapping=chosen)[0]
    assert batch.rows_read == 2 and batch.rows_imported == 1
    assert batch.rejects[0]["row"] == 3
    cdc.refresh_from_db()
    assert cdc.mapping["人员"] == "name"
    # tomorrow's sheet with the same headers imports without asking
    tomorrow = odd_workbook([["冯十一", CHEN_ID, ""]])
    assert run(cdc, tomorrow, day=DAY + dt.timedelta(days=1))[0].rows_imported == 1
    # another source has not learnt it
    town = get_or_create_source(world.street, "某镇", actor=None)
    with pytest.raises(NeedsMapping):
        run(town, odd_workbook())


def test_edit_mapping(world, cdc):
    update_mapping(cdc, {"人员": "name", "号码": "phone"}, actor=world.users.commander)
    cdc.refresh_from_db()
    assert cdc.mapping == {"人员": "name", "号码": "phone"}
    with pytest.raises(ValidationError):
        update_mapping(cdc, {"人员": "salary"}, actor=world.users.commander)


def test_gbk_csv(world, cdc):
    batch = run(cdc, gbk_csv(), "名单.csv")[0]
    assert (batch.rows_read, batch.rows_imported, batch.rows_rejected) == (2, 1, 1)
    assert batch.rejects[0]["row"] == 4 and batch.sheet_name == ""
    assert batch.rows.get().name == "钱一"


def test_bad_files(world, cdc):
    with pytest.raises(ImportFormatError):
        run(cdc, b"not a workbook", "a.xlsx")
    with pytest.raises(ImportFormatError):
        run(cdc, b"x", "a.pdf")
    with pytest.raises(ValidationError):
        run(cdc, town_workbook(), kind="bogus")


def test_scope(world, cdc):
    with pytest.raises(PermissionDenied):
        run(cdc, town_workbook(), actor=world.users.outsider)
    with pytest.raises(PermissionDenied):
        get_or_create_source(world.street, "公安", actor=world.users.volunteer)
    assert get_or_create_source(world.street, " 市疾控 ", actor=None) == cdc


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-04-01", dt.date(2022, 4, 1)),
        ("2022/4/1 10:30", dt.date(2022, 4, 1)),
        ("2022年4月1日10时", dt.date(2022, 4, 1)),
        ("20220401", dt.date(2022, 4, 1)),
        (dt.datetime(2022, 4, 1, 8), dt.date(2022, 4, 1)),  # noqa: DTZ001
        ("昨天", None),
        ("", None),
    ],
)
def test_parse_day(text, day):
    assert parse_day(text) == day


def test_chen_is_second_sheet(world, cdc):
    second = run(cdc, cdc_workbook())[1]
    assert second.rows.get(row_number=2).id_number == CHEN_ID
