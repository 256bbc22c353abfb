"""Importing the registry from the sheets workers keep (xlsx and csv)."""

from __future__ import annotations

import pytest

from wangge.core.imports import ImportFormatError
from wangge.core.models import ChangeLog
from wangge.core.normalize import id_check_digit
from wangge.people.imports import import_registry
from wangge.people.models import Person, Residence, SpecialGroup
from wangge.places.models import Area, Building, Household

from .sheets import bad_check, id18, id_with_x, write_csv, write_xlsx

TRAD_HEADER = [
    "樓號",
    "單元",
    "樓層",
    "戶號",
    "戶主姓名",
    "現居人數",
    "姓名",
    "身份證號",
    "聯繫電話",
    "與戶主關係",
    "特殊人群",
]
ZHAO, SUN = id18(11, "19700101"), id_with_x()
SON15 = "220204100101123"  # a legacy 15-digit number: born 1910-01-01
SON18 = SON15[:6] + "19" + SON15[6:] + id_check_digit(SON15[:6] + "19" + SON15[6:])
QIAN_BAD = bad_check(id18(12, "19800202"))


def worker_sheet(tmp_path, zhang_id):
    """Title row, a blank row, traditional headers on row 3, a household merged over 3 rows."""
    rows = [
        TRAD_HEADER,
        # rows 4-6: one household, its cells merged over its three persons
        ["", "", "", "", "", "", "趙剛", ZHAO, "13912340001", "戶主", ""],
        ["", "", "", "", "", "", "孫麗", SUN.lower(), "１３９１２３４０００２", "妻子", "孕婦"],
        ["", "", "", "", "", "", "趙小明", SON15, "", "兒子", "網課學生、行動不便"],
        [],
        ["3", "1", 4, "401", "錢多", 1, "錢多", QIAN_BAD, "13912340004", "戶主", ""],
        ["3", "1", 4, "402", "李四", 1, "李四", id18(13, "19900303"), "12345", "戶主", ""],
        ["3", "1", 5, "501", "王五", 2, "", id18(14, "19910404"), "13912340005", "", ""],
        ["3", "1", 5, "502", "周六", 1, "周六", ZHAO, "13912340006", "戶主", ""],
        ["1", "1", 1, "101", "張偉", 2, "張偉", zhang_id, "13800000001", "戶主", ""],
        ["3", "2", 1, "102", "孫七", 0, "", "", "", "", ""],
    ]
    merges = [
        (3, 0, 5, 0, "3"),
        (3, 1, 5, 1, "1"),
        (3, 2, 5, 2, 3),
        (3, 3, 5, 3, "301"),
        (3, 4, 5, 4, "趙剛"),
        (3, 5, 5, 5, 3),
    ]
    return write_xlsx(
        tmp_path / "登记表.xlsx", rows, merges=merges, title="兴华社区第一网格人口登记表"
    )


def errors_by_row(report):
    return {e.row: e for e in report.errors}


def test_worker_sheet_counts_errors_and_data(world, tmp_path):
    path = worker_sheet(tmp_path, world.zhang.id_number)
    report = import_registry(path, area=world.grid1, actor=world.users.admin)

    assert (report.read, report.imported, report.updated, report.rejected) == (9, 4, 1, 4)
    assert report.imported + report.updated + report.rejected == report.read
    assert report.unchanged == 1  # 张伟 is already there, as written
    errors = errors_by_row(report)
    # title on row 1, blank row 2, header row 3, persons 4-6, blank row 7
    assert sorted(errors) == [8, 9, 10, 11]
    assert errors[8].column == "身份證號" and "校验位" in errors[8].reason
    assert errors[8].value == QIAN_BAD
    assert errors[9].column == "聯繫電話" and errors[9].value == "12345"
    assert errors[10].column == "姓名" and "姓名不能为空" in errors[10].reason
    assert errors[11].column == "身份證號" and "第4行" in errors[11].reason

    zhao = Person.objects.get(id_number=ZHAO)
    sun = Person.objects.get(id_number=SUN)
    son = Person.objects.get(id_number=SON18)
    assert (zhao.name, sun.name, son.name) == ("赵刚", "孙丽", "赵小明")
    assert sun.phone == "13912340002" and sun.id_number.endswith("X")
    hh = Household.objects.get(unit__building__number="3", unit__number="1", room="301")
    assert hh.building.area == world.grid1 and hh.floor == 3 and hh.people_count == 3
    assert hh.householder_name == "赵刚"
    assert hh.scope_path == hh.unit.scope_path
    assert zhao.scope_path == hh.scope_path
    relations = dict(Residence.objects.filter(household=hh).values_list("person__name", "relation"))
    assert relations == {"赵刚": "householder", "孙丽": "member", "赵小明": "member"}
    assert set(son.special_groups.values_list("kind", flat=True)) == {"online_school", "immobile"}
    assert list(sun.special_groups.values_list("kind", flat=True)) == ["pregnant"]
    assert Household.objects.filter(
        room="102", unit__building__number="3", householder_name="孙七"
    ).exists()
    # nothing of a rejected row was written
    assert not Household.objects.filter(room__in=["401", "402", "501", "502"]).exists()
    assert not Person.objects.filter(name__in=["钱多", "李四", "周六"]).exists()


def test_reimport_changes_nothing(world, tmp_path):
    path = worker_sheet(tmp_path, world.zhang.id_number)
    import_registry(path, area=world.grid1, actor=world.users.admin)
    logs = ChangeLog.objects.count()
    persons, households = Person.objects.count(), Household.objects.count()
    again = import_registry(path, area=world.grid1, actor=world.users.admin)
    assert (again.read, again.imported, again.updated, again.rejected) == (9, 0, 5, 4)
    assert again.unchanged == 5
    assert ChangeLog.objects.count() == logs
    assert (Person.objects.count(), Household.objects.count()) == (persons, households)


def test_change_log_for_every_created_and_changed_object(world, tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["楼号", "单元", "户号", "姓名", "身份证号", "联系电话", "特殊人群"],
            ["1", "1", "101", "张伟", world.zhang.id_number, "13811112222", "独居老人"],
            ["7", "1", "101", "新人", id18(21), "", ""],
        ],
    )
    import_registry(path, area=world.grid1, actor=world.users.admin)
    change = ChangeLog.objects.get(
        model="people.person", action="update", object_id=str(world.zhang.pk)
    )
    assert change.before == {"phone": "13800000001"}
    assert change.after == {"phone": "13811112222"}
    assert change.actor == world.users.admin
    created = set(ChangeLog.objects.filter(action="create").values_list("model", flat=True))
    assert {
        "places.building",
        "places.unit",
        "places.household",
        "people.person",
        "people.residence",
        "people.specialgroup",
    } <= created
    person_log = ChangeLog.objects.get(model="people.person", action="create")
    assert person_log.after["name"] == "新人" and person_log.after["id_number"] == id18(21)
    world.zhang.refresh_from_db()
    assert world.zhang.phone_tail == "2222"


def test_csv_utf8_and_gb18030(world, tmp_path):
    rows = [
        ["楼栋", "单元号", "房号", "户主", "人数", "名字", "证件号码", "电话", "关系"],
        ["2", "1", "301", "马云", "2", "马云", id18(31), "13912345678", "户主"],
        ["", "", "", "", "", "马化腾", id18(32), "", "配偶"],
    ]
    for encoding in ("utf-8-sig", "gb18030"):
        path = write_csv(tmp_path / f"r-{encoding}.csv", rows, encoding)
        report = import_registry(path, area=world.grid2, actor=world.users.admin)
        assert report.read == 2 and report.rejected == 0
    hh = Household.objects.get(unit__building=world.b2, room="301")
    assert hh.people_count == 2 and hh.householder_name == "马云"
    assert set(hh.residences.values_list("person__name", flat=True)) == {"马云", "马化腾"}


def test_household_only_sheet_and_address_column(world, tmp_path):
    path = write_xlsx(
        tmp_path / "h.xlsx",
        [
            ["地址", "户名", "现居人数", "联系电话"],
            ["阳光小区1号楼2单元602室", "赵一", "3", "0432-62345678"],
            ["1栋2单元", "赵二", "1", ""],
        ],
    )
    report = import_registry(path, area=world.grid1, actor=world.users.admin)
    assert (report.imported, report.rejected) == (1, 1)
    hh = Household.objects.get(unit=world.u12, room="602")
    assert (hh.floor, hh.people_count, hh.phone) == (6, 3, "0432-62345678")
    assert report.errors[0].row == 3 and report.errors[0].column == "地址"


def test_building_needs_a_grid(world, tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            ["网格", "楼号", "单元", "户号", "姓名"],
            ["第二网格", "2", "1", "101", "刘洋"],
            ["第九网格", "9", "1", "101", "不存在"],
        ],
    )
    report = import_registry(path, area=world.community, actor=world.users.admin)
    assert (report.updated, report.rejected) == (1, 1)
    assert report.errors[0].row == 3 and report.errors[0].column == "网格"
    assert "第九网格" in report.errors[0].reason
    no_grid = write_xlsx(
        tmp_path / "g.xlsx", [["楼号", "单元", "户号", "姓名"], ["9", "1", "101", "无网格"]]
    )
    report = import_registry(no_grid, area=world.community, actor=world.users.admin)
    assert report.rejected == 1 and report.errors[0].column == "网格"
    assert "楼栋必须属于网格" in report.errors[0].reason


def test_rows_outside_the_target_area_are_rejected(world, tmp_path):
    path = write_xlsx(
        tmp_path / "o.xlsx",
        [
            ["网格", "楼号", "单元", "户号", "姓名"],
            ["第二网格", "2", "1", "101", "刘洋"],
        ],
    )
    report = import_registry(path, area=world.grid1, actor=world.users.admin)
    assert report.rejected == 1 and "不在导入区域" in report.errors[0].reason


def test_person_registered_outside_scope_is_not_touched(world, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["楼号", "单元", "户号", "姓名", "身份证号", "联系电话"],
            ["1", "1", "101", "吴敏", world.other_person.id_number, "13999999999"],
        ],
    )
    report = import_registry(path, area=world.grid1, actor=world.users.admin)
    assert report.rejected == 1 and report.errors[0].column == "身份证号"
    world.other_person.refresh_from_db()
    assert world.other_person.phone == "13800000009"


def test_unknown_relation_special_group_and_count(world, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx",
        [
            ["楼号", "单元", "户号", "现居人数", "姓名", "与户主关系", "特殊人群"],
            ["1", "1", "103", "三", "甲", "户主", ""],
            ["1", "1", "104", "1", "乙", "老板", ""],
            ["1", "1", "105", "1", "丙", "户主", "外星人"],
            ["", "1", "106", "1", "丁", "户主", ""],
        ],
    )
    report = import_registry(path, area=world.grid1, actor=world.users.admin)
    errors = errors_by_row(report)
    assert report.rejected == 3 and report.imported == 1
    assert errors[2].column == "现居人数"
    assert errors[3].column == "与户主关系" and "老板" in errors[3].reason
    assert errors[4].column == "特殊人群" and "外星人" in errors[4].reason


def test_missing_building_in_first_row(world, tmp_path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        [
            ["楼号", "单元", "户号", "姓名"],
            ["", "1", "106", "丁"],
        ],
    )
    report = import_registry(path, area=world.grid1, actor=world.users.admin)
    assert report.rejected == 1 and report.errors[0].column == "楼号"
    assert report.errors[0].row == 2


def test_unreadable_files(world, tmp_path):
    junk = tmp_path / "x.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(ImportFormatError):
        import_registry(junk, area=world.grid1)
    no_header = write_xlsx(tmp_path / "n.xlsx", [["甲", "乙"], ["1", "2"]])
    with pytest.raises(ImportFormatError):
        import_registry(no_header, area=world.grid1)
    no_place = write_xlsx(tmp_path / "np.xlsx", [["姓名", "身份证号"], ["甲", id18(5)]])
    with pytest.raises(ImportFormatError, match="楼号"):
        import_registry(no_place, area=world.grid1)


def test_names_path_areas_are_created_when_allowed(db, tmp_path):
    path = write_xlsx(
        tmp_path / "new.xlsx",
        [
            ["社区", "网格", "小区", "楼号", "单元", "户号", "姓名", "身份证号"],
            ["兴华社区", "第一网格", "阳光小区", "1", "1", "101", "张三", id18(1)],
            ["兴华社区", "第二网格", "阳光小区", "2", "1", "101", "李四", id18(2)],
        ],
    )
    street = Area.objects.create(name="北京路街道", code="S1", level=Area.Level.STREET)
    refused = import_registry(path, area=street, create_areas=False)
    assert refused.rejected == 2
    report = import_registry(path, area=street, create_areas=True)
    assert report.imported == 2
    grid = Area.objects.get(name="第二网格")
    assert grid.level == Area.Level.GRID and grid.parent.name == "兴华社区"
    assert Building.objects.get(number="2").area == grid
    assert Building.objects.filter(estate__name="阳光小区").count() == 2
    assert SpecialGroup.objects.count() == 0


# --- the command --------------------------------------------------------------------------


def run_command(*args):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_registry", *args, stdout=out)
    return out.getvalue()


def test_command_prints_counts_and_writes_report(world, tmp_path):
    path = worker_sheet(tmp_path, world.zhang.id_number)
    report_path = tmp_path / "errors.csv"
    out = run_command(str(path), "--area", world.grid1.code, "--report", str(report_path))
    assert out.strip() == "read=9 imported=4 updated=1 rejected=4"
    lines = report_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "row,column,value,reason"
    assert lines[1].startswith(f"8,身份證號,{QIAN_BAD},")
    log = ChangeLog.objects.filter(model="people.person", action="create").first()
    assert log.channel == "cli" and log.actor is None and log.request_id


def test_command_refuses_missing_file_and_unknown_area(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run_command(str(tmp_path / "missing.xlsx"))
    path = worker_sheet(tmp_path, world.zhang.id_number)
    with pytest.raises(CommandError, match="unknown area"):
        run_command(str(path), "--area", "999999")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError):
        run_command(str(junk), "--area", world.grid1.code)


def test_command_area_path_fills_a_new_installation(db, tmp_path):
    path = write_xlsx(
        tmp_path / "first.xlsx",
        [
            ["网格", "小区", "楼号", "单元", "户号", "户主姓名", "姓名", "身份证号", "与户主关系"],
            ["第一网格", "阳光小区", "1", "1", "101", "张伟", "张伟", id18(1), "户主"],
            ["第二网格", "阳光小区", "2", "1", "101", "刘洋", "刘洋", id18(2), "户主"],
        ],
    )
    out = run_command(str(path), "--area", "吉林市/船营区/北京路街道/兴华社区")
    assert out.strip() == "read=2 imported=2 updated=0 rejected=0"
    community = Area.objects.get(name="兴华社区")
    assert community.level == Area.Level.COMMUNITY
    assert community.full_name() == "吉林市/船营区/北京路街道/兴华社区"
    assert set(community.children.values_list("name", flat=True)) == {"第一网格", "第二网格"}
    assert run_command(str(path), "--area", "吉林市/船营区/北京路街道/兴华社区").strip() == (
        "read=2 imported=0 updated=2 rejected=0"
    )


def test_wangge_cli_maps_hyphenated_command(world, tmp_path, capsys):
    from wangge.cli import main

    path = write_xlsx(
        tmp_path / "c.xlsx", [["楼号", "单元", "户号", "姓名"], ["1", "1", "101", "张伟"]]
    )
    main(["wangge", "import-registry", str(path), "--area", world.grid1.code])
    assert capsys.readouterr().out.strip() == "read=1 imported=0 updated=1 rejected=0"


def test_fast_person_keys_match_fill_derived():
    from wangge.people.import_store import fill_person

    names = [
        "张伟",
        "单雄信",
        "曾国藩",
        "买买提·艾力",
        "Tom Lee",
        "吕布",
        "艾欧",
        "乐乐",
        "重阳",
        "長孫無忌",
        "",
        "𠀀",
    ]
    for name in names:
        for id_number, phone in ((id18(3, "19850607"), "13800001234"), (None, "")):
            fast = Person(name=name, id_number=id_number, phone=phone)
            slow = Person(name=name, id_number=id_number, phone=phone)
            fill_person(fast)
            slow.fill_derived()
            keys = ("name_initials", "phone_tail", "id_tail", "sex", "birth_date")
            assert [getattr(fast, k) for k in keys] == [getattr(slow, k) for k in keys], name


def test_fast_initials_agree_with_pypinyin_on_many_names():
    import random

    from wangge.core.normalize import name_initials
    from wangge.people.import_store import initials

    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘单解仇朴"
    given = (
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力鹏宇浩然欣怡子涵"
        "长重乐行朝传和调奇藏都省少数会率得"
    )
    rnd = random.Random(7)
    for _ in range(3000):
        name = rnd.choice(surnames) + "".join(rnd.choice(given) for _ in range(rnd.randint(1, 2)))
        assert initials(name) == name_initials(name), name


def test_command_exit_status_in_a_shell(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    wangge = Path(sys.executable).with_name("wangge")
    env = {"PATH": "/usr/bin:/bin", "WANGGE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run(
        [str(wangge), "import-registry", str(tmp_path / "missing.xlsx")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0 and "missing.xlsx" in done.stderr
    assert done.stdout == ""
