"""Benchmark: the printed paperwork of control orders (notice, commitment form, door sign) as
one PDF, beside the HTML it is drawn from.

    .venv/bin/python bench/control_documents.py [--orders 1,50,200] [--repeat 3]

Builds, in a fresh SQLite file, one street with one grid, an estate, and --orders households
of one person each, everyone placed under home quarantine by the services (so each order has
its follow-ups scheduled, as in use). Then, for each selection size N, measures in the same
run (median of --repeat):

  html   documents.render_html for N orders × 3 kinds: the pages' HTML (queries + templates)
  pdf    documents.render_pdf for the same selection: HTML drawn to PDF by WeasyPrint

and prints pages, seconds, pages per second of the PDF, the PDF's size, and pdf ÷ html. The
view refuses selections over 200 orders (600 pages): this shows what that costs. Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_registry import machine  # noqa: E402

KINDS = ("notice", "commitment", "door_sign")


def build(n: int):
    from wangge.accounts.models import RoleAssignment, User
    from wangge.accounts.roles import Role
    from wangge.control.models import OrderType
    from wangge.control.services import place_orders
    from wangge.core.normalize import id_check_digit
    from wangge.people.models import Person, Residence
    from wangge.places.models import Area, Building, Estate, Household, Unit

    city = Area.objects.create(name="吉林市", code="2202", level=Area.Level.CITY)
    district = Area.objects.create(name="船营区", code="220204", level=2, parent=city)
    street = Area.objects.create(name="北京路街道", code="220204001", level=3, parent=district)
    community = Area.objects.create(name="兴华社区", code="220204001001", level=4, parent=street)
    grid = Area.objects.create(name="第一网格", code="220204001001001", level=5, parent=community)
    estate = Estate.objects.create(name="阳光小区", area=community)
    commander = User.objects.create_user("bench_commander", display_name="指挥长")
    RoleAssignment.objects.create(user=commander, role=Role.COMMANDER, area=street)
    people = []
    per_building = 36
    for b in range(n // per_building + 1):
        building = Building.objects.create(area=grid, estate=estate, number=str(b + 1), floors=6)
        unit = Unit.objects.create(building=building, number="1")
        for i in range(min(per_building, n - b * per_building)):
            hh = Household.objects.create(
                building=building, unit=unit, floor=i // 6 + 1, room=f"{i // 6 + 1}0{i % 6 + 1}"
            )
            seq = len(people) + 1
            first17 = f"22020419800101{seq % 1000:03d}"
            person = Person.objects.create(
                name=f"张{seq}",
                id_number=first17 + id_check_digit(first17),
                phone=f"138{seq:08d}",
                scope_path=hh.scope_path,
            )
            Residence.objects.create(person=person, household=hh, relation="householder")
            people.append(person)
    result = place_orders(
        people,
        OrderType.objects.get(code="home_quarantine"),
        actor=commander,
        source="manual",
        reason="密接",
        worker_name="赵网格",
        worker_phone="13700000001",
    )
    assert not result.refused, result.refused[:3]
    return result.placed


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", default="1,50,200")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(x) for x in args.orders.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="wangge-bench-"))
    os.environ["WANGGE_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from wangge.control import documents
    from wangge.control.models import ControlOrder

    call_command("migrate", verbosity=0)
    build(max(sizes))
    today = timezone.localdate()
    pks = list(ControlOrder.objects.order_by("pk").values_list("pk", flat=True))
    runs = []
    for n in sizes:

        def orders(n=n):
            return ControlOrder.objects.filter(pk__in=pks[:n]).select_related(*documents.RELATED)

        html_s, _html = timed(
            lambda: documents.render_html(orders(), KINDS, at_day=today), args.repeat
        )
        pdf_s, pdf = timed(lambda: documents.render_pdf(orders(), KINDS, at_day=today), args.repeat)
        pages = n * len(KINDS)
        runs.append(
            {
                "orders": n,
                "pages": pages,
                "seconds": {"html": round(html_s, 4), "pdf": round(pdf_s, 3)},
                "pdf_pages_per_second": round(pages / pdf_s, 1),
                "pdf_kb": round(len(pdf) / 1024, 1),
                "ratio_pdf_to_html": round(pdf_s / html_s, 1),
            }
        )
    print(json.dumps({"machine": machine(), "repeat": args.repeat, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
