"""Benchmark: import a generated registry .xlsx, beside the time to merely parse it.

    .venv/bin/python bench/import_registry.py [--rows 100000] [--keep FILE.xlsx]

Generates a realistic registry sheet (45 grids of 8 buildings × 4 units × 15 floors × 2 rooms,
1–4 persons per household, valid ID numbers and phones), then measures in the same run:

  parse_seconds   python-calamine reading the sheet into a list of rows (median of 3)
  import_seconds  `import_registry` of the same file into an empty database (parse included)
  reimport_seconds the same file again (every row matched, nothing changes)

The database is a fresh SQLite file in a temporary directory unless WANGGE_DATABASE_URL is set
(then it must point to an empty PostgreSQL database). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力鹏宇浩然欣怡子涵"
RELATIONS = ["配偶", "子女", "父母", "孙子女", "兄弟姐妹"]
SPECIAL = [
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "独居老人",
    "行动不便",
    "慢性病",
    "孕产妇",
    "网课学生",
    "无智能手机",
    "透析、慢性病",
]
HEADER = [
    "社区",
    "网格",
    "小区",
    "楼号",
    "单元",
    "楼层",
    "户号",
    "户主姓名",
    "现居人数",
    "姓名",
    "身份证号",
    "联系电话",
    "与户主关系",
    "特殊人群",
]


def generate(path: Path, rows: int, seed: int = 20220315) -> int:
    import xlsxwriter

    from wangge.core.normalize import id_check_digit

    rnd = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("人口登记")
    ws.write_row(0, 0, ["北京路街道人口登记表"])
    ws.write_row(1, 0, HEADER)
    r, n, serial = 2, 0, 0
    grid = 0
    while n < rows:
        grid += 1
        community = f"第{(grid - 1) // 5 + 1}社区"
        estate = f"{'阳光和平幸福锦绣丰泽'[grid % 5 * 2 : grid % 5 * 2 + 2]}小区{grid}"
        for building in range(1, 9):
            for unit in range(1, 5):
                for floor in range(1, 16):
                    for door in (1, 2):
                        size = rnd.choice((1, 2, 2, 3, 3, 4))
                        head = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
                        for i in range(size):
                            if n >= rows:
                                break
                            serial += 1
                            born = 1940 + serial % 70
                            first17 = (
                                f"2202{serial % 90 + 10:02d}{born}"
                                f"{serial % 12 + 1:02d}{serial % 28 + 1:02d}"
                                f"{serial // 1260 % 1000:03d}"
                            )
                            name = (
                                head
                                if i == 0
                                else (head[0] + rnd.choice(GIVEN) + rnd.choice(GIVEN))
                            )
                            ws.write_row(
                                r,
                                0,
                                [
                                    community,
                                    f"第{grid}网格",
                                    estate,
                                    f"{building}号楼",
                                    str(unit),
                                    floor,
                                    f"{floor}{door:02d}",
                                    head,
                                    size,
                                    name,
                                    first17 + id_check_digit(first17),
                                    f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}",
                                    "户主" if i == 0 else rnd.choice(RELATIONS),
                                    rnd.choice(SPECIAL),
                                ],
                            )
                            r += 1
                            n += 1
                        if n >= rows:
                            break
                    if n >= rows:
                        break
                if n >= rows:
                    break
            if n >= rows:
                break
    book.close()
    return n


def bare_parse(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return len(rows)


def machine() -> dict:
    info = {"python": platform.python_version(), "nproc": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", default="", help="keep the generated sheet at this path")
    parser.add_argument("--profile", default="", help="write a cProfile of the import here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wangge-bench-"))
    os.environ.setdefault("WANGGE_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from wangge.core.audit import channel_var, new_request_id
    from wangge.core.models import ChangeLog
    from wangge.people.imports import import_registry
    from wangge.people.models import Person
    from wangge.places.models import Household
    from wangge.places.services import ensure_area_path

    sheet = Path(args.keep) if args.keep else tmp / "registry.xlsx"
    written = generate(sheet, args.rows)
    call_command("migrate", verbosity=0)
    channel_var.set("cli")
    new_request_id()
    street = ensure_area_path("吉林市/船营区/北京路街道", actor=None)

    parse_times = []
    for _ in range(3):
        t = time.perf_counter()
        bare_parse(sheet)
        parse_times.append(time.perf_counter() - t)
    parse_seconds = statistics.median(parse_times)

    t = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(import_registry, sheet, area=street, create_areas=True)
        profiler.dump_stats(args.profile)
    else:
        report = import_registry(sheet, area=street, create_areas=True)
    import_seconds = time.perf_counter() - t

    t = time.perf_counter()
    again = import_registry(sheet, area=street, create_areas=True)
    reimport_seconds = time.perf_counter() - t

    print(
        json.dumps(
            {
                "rows": written,
                "file_mb": round(sheet.stat().st_size / 1e6, 1),
                "parse_seconds": round(parse_seconds, 3),
                "import_seconds": round(import_seconds, 3),
                "ratio": round(import_seconds / parse_seconds, 2),
                "reimport_seconds": round(reimport_seconds, 3),
                "reimport_ratio": round(reimport_seconds / parse_seconds, 2),
                "rows_per_second": round(written / import_seconds),
                "import": report.line,
                "reimport": again.line,
                "reimport_unchanged": again.unchanged,
                "persons": Person.objects.count(),
                "households": Household.objects.count(),
                "change_log_rows": ChangeLog.objects.count(),
                "db": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "machine": machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
