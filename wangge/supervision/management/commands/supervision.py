"""`wangge supervision <subcommand>`: supervision from the command line.

    wangge supervision findings [--area <area>] [--status open|overdue] --format csv|xlsx
                                [--output FILE]

`findings`: the findings still open (--status open, the default: overdue ones first) or only
those past their deadline (--status overdue), one row each: the area, the target, the item and
the problem, the severity, the owner with the phone masked, the deadline, how many hours late,
how many times sent back. --area takes an area's code, its id, its path of names or a path
prefix. CSV goes to stdout unless --output is given; .xlsx goes to --output, or to stdout when
stdout is not a terminal. Runs as the system (no user) on channel "cli"; the export is logged
in the access log with its row count.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import channel_var, new_request_id, record_access
from wangge.core.cli_export import add_export_arguments, area_option, report, write_rows
from wangge.core.exports import XlsxColumn
from wangge.core.mask import mask_phone
from wangge.supervision import services_inspections as svc


def columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("编号"), 8),
        XlsxColumn(_("区域"), 14),
        XlsxColumn(_("督查对象"), 20),
        XlsxColumn(_("督查时间"), 17),
        XlsxColumn(_("检查内容"), 24),
        XlsxColumn(_("问题描述"), 30),
        XlsxColumn(_("严重程度"), 8),
        XlsxColumn(_("责任人"), 10),
        XlsxColumn(_("责任人电话"), 14, text=True),
        XlsxColumn(_("整改时限"), 17),
        XlsxColumn(_("超期小时"), 8),
        XlsxColumn(_("退回次数"), 8),
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def lines(prefix: str, status: str, now):
    qs = svc.overdue_findings(now) if status == "overdue" else svc.open_findings()
    if prefix:
        qs = qs.within(prefix)
    late_first = Case(
        When(deadline__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    qs = qs.select_related("inspection__area", "item").order_by(
        late_first, "scope_path", "deadline", "pk"
    )
    for f in qs.iterator(chunk_size=500):
        late = (now - f.deadline).total_seconds() / 3600 if f.deadline < now else 0
        yield [
            f.pk,
            f.inspection.area.name,
            f.inspection.target_name,
            _when(f.inspection.inspected_at),
            f.item.text if f.item_id else "",
            f.description,
            f.get_severity_display(),
            f.owner_name,
            mask_phone(f.owner_phone),
            _when(f.deadline),
            int(late),
            f.reopened,
        ]


class Command(BaseCommand):
    help = "Supervision: `findings` lists the findings open or overdue, one row each."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        findings = sub.add_parser("findings", help="findings still open or overdue, one row each")
        add_export_arguments(findings)
        findings.add_argument("--status", choices=("open", "overdue"), default="open")

    def handle(self, *args, **options):
        channel_var.set("cli")
        new_request_id()
        prefix = area_option(options)
        status = options["status"]
        title = _("督查问题超期未整改") if status == "overdue" else _("督查问题待整改")
        now = timezone.now()
        count = write_rows(
            self, options, columns=columns(), lines=lines(prefix, status, now), title=title
        )
        record_access(
            None,
            "export",
            title,
            fields="owner_name,owner_phone_masked",
            rows=count,
            scope_path=prefix,
        )
        report(self, options, count)
