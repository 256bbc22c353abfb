"""`wangge demo`: build the demo street (祥鹿街道, 45 grids, 39,303 people) and its demo users."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.demo.build import build_demo
from wangge.core.demo.plan import DEFAULT_SEED, DemoError

LEVELS = [
    ("communities", gettext_lazy("社区")),
    ("grids", gettext_lazy("网格")),
    ("zones", gettext_lazy("指挥区")),
    ("estates", gettext_lazy("小区")),
    ("buildings", gettext_lazy("楼栋")),
    ("units", gettext_lazy("单元")),
    ("households", gettext_lazy("住户")),
    ("vacant", gettext_lazy("其中空置")),
    ("persons", gettext_lazy("人员")),
    ("special_groups", gettext_lazy("特殊人群标记")),
    ("leaders", gettext_lazy("五长及指挥长")),
]


class Command(BaseCommand):
    help = gettext_lazy(
        "生成演示街道（祥鹿街道：45个网格、22个指挥区、348栋楼、1324个单元、21345户、39303人）"
        "及每个角色一个演示账号。同一 --seed 生成的数据完全相同。数据库中已有区域或人员时拒绝执行；"
        "加 --force 则先删除全部区域、小区、楼栋、单元、住户、人员、负责人、角色分配和演示账号"
        "（其他账号与审计日志保留）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=gettext_lazy("随机种子（默认 %(default)s）"),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=gettext_lazy("规模系数（默认 1.0 即报道中的街道；测试可用 0.02）"),
        )
        parser.add_argument(
            "--force", action="store_true", help=gettext_lazy("清空现有登记数据后重建")
        )

    def handle(self, *args, seed: int, scale: float, force: bool, **options):
        def log(msg: str) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(msg)

        try:
            result = build_demo(seed=seed, scale=scale, force=force, log=log)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                _("演示街道“%(street)s”已建成，用时 %(s).1f 秒（种子 %(seed)d，规模 %(scale)s）")
                % {"street": result.street.name, "s": result.seconds, "seed": seed, "scale": scale}
            )
        )
        for key, label in LEVELS:
            self.stdout.write(f"  {label}: {counts.get(key, 0)}")
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(_("以下为演示账号，密码公开，仅供试用，切勿用于正式环境："))
        )
        rows = [(_("用户名"), _("密码"), _("角色"), _("姓名"), _("范围"))]
        rows += [(u.username, u.password, u.role, u.name, u.place) for u in result.users]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(4)]
            self.stdout.write("  ".join([*cells, row[4]]))


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
