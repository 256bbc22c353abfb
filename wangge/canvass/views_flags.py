"""Flagged people (排查发现) on the web: the list per grid for the commander (names masked), its
filters and .xlsx export (masked, logged), and the decision on a flag — a measure with a reason
when it differs from the one the rule proposed (services.decide_flag), for users who may change
the flag's household. The measure itself is carried out by the control orders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, EXPORT, VIEW, covers, scope_paths, split_path
from wangge.core.services import field_errors
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.crumbs import Crumb
from wangge.places.models import Area
from wangge.places.paging import paginate

from .forms_flags import DecideForm, FlagFilterForm, code_label
from .models import Flag
from .queries import visible_campaigns
from .services import decide_flag

EXPORT_COLUMNS = (
    (gettext_lazy("网格"), 14),
    (gettext_lazy("住址"), 28),
    (gettext_lazy("姓名"), 8),
    (gettext_lazy("来源"), 20),
    (gettext_lazy("原因类别"), 12),
    (gettext_lazy("原因"), 30),
    (gettext_lazy("建议措施"), 12),
    (gettext_lazy("决定措施"), 12),
    (gettext_lazy("决定理由"), 24),
    (gettext_lazy("决定人"), 10),
    (gettext_lazy("决定时间"), 16),
    (gettext_lazy("发现时间"), 16),
)


@dataclass
class FlagRow:
    flag: Flag
    grid: Area | None
    leader: tuple[str, str] = ("", "")

    @property
    def masked_name(self) -> str:
        return mask_name(self.flag.person_name)

    @property
    def code_label(self) -> str:
        return code_label(self.flag.code)

    @property
    def address(self) -> str:
        flag = self.flag
        if flag.household_id:
            return flag.household.address
        if flag.arrival_id:
            return flag.arrival.address or flag.arrival.area.name
        return ""

    @property
    def source(self) -> str:
        flag = self.flag
        if flag.campaign_id:
            return flag.campaign.name
        if flag.arrival_id:
            return _("返来人员 %(date)s 自 %(origin)s") % {
                "date": flag.arrival.arrived_on.strftime("%Y-%m-%d"),
                "origin": flag.arrival.origin,
            }
        return ""

    @property
    def grid_name(self) -> str:
        return self.grid.name if self.grid is not None else _("未分配网格")


def with_related(qs: QuerySet[Flag]) -> QuerySet[Flag]:
    return qs.select_related(
        "campaign",
        "arrival__area",
        "household__building__estate",
        "household__unit",
        "decided_by",
    )


def flag_rows(flags: list[Flag]) -> list[FlagRow]:
    """Rows with their grid and grid leader: two queries for any number of flags."""
    paths = {split_path(f.scope_path)[0] for f in flags}
    areas = {a.path: a for a in Area.objects.filter(path__in=paths)}
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    rows = []
    for flag in flags:
        grid = areas.get(split_path(flag.scope_path)[0])
        rows.append(FlagRow(flag, grid, grid_leaders.get(grid.pk, ("", "")) if grid else ("", "")))
    return rows


def filter_form(request: HttpRequest, action: str = VIEW) -> FlagFilterForm:
    user = request.user
    codes = (
        Flag.objects.for_user(user, action).order_by("code").values_list("code", flat=True)
    ).distinct()
    return FlagFilterForm(
        request.GET,
        user=user,
        campaigns=visible_campaigns(user).order_by("-starts_on", "-pk"),
        codes=list(codes),
    )


def filtered_flags(form: FlagFilterForm, user, action: str = VIEW) -> QuerySet[Flag]:
    """The user's flags matching the form (none when the form is invalid)."""
    qs = Flag.objects.for_user(user, action)
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data["campaign"] is not None:
        qs = qs.filter(campaign=data["campaign"])
    if data["area"] is not None:
        qs = qs.within(data["area"].path)
    if data["code"]:
        qs = qs.filter(code=data["code"])
    if data["decided"] == "yes":
        qs = qs.exclude(measure="")
    elif data["decided"] == "no":
        qs = qs.filter(measure="")
    if q := data["q"].strip():
        qs = qs.filter(Q(person_name__icontains=q) | Q(person__name__icontains=q))
    return qs


def per_grid(qs: QuerySet[Flag]) -> list[tuple[Area | None, int, int]]:
    """(grid, flagged, undecided) for each grid: one grouped query, one for the grids."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        qs.order_by()
        .values("scope_path")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(measure="")))
        .values_list("scope_path", "n", "open")
    )
    for path, n, undecided in rows:
        line = counts[split_path(path)[0]]
        line[0] += n
        line[1] += undecided
    areas = {a.path: a for a in Area.objects.filter(path__in=list(counts))}
    out = [(areas.get(path), n, undecided) for path, (n, undecided) in counts.items()]
    return sorted(out, key=lambda line: line[0].code if line[0] else "")


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    """Flagged people in the user's scope, by grid with the grid leader; names masked."""
    user = request.user
    form = filter_form(request)
    qs = filtered_flags(form, user)
    page = paginate(request, with_related(qs).order_by("scope_path", "-created_at", "-pk"))
    campaign = form.cleaned_data.get("campaign") if form.is_valid() else None
    ctx = {
        "form": form,
        "page": page,
        "rows": flag_rows(list(page.object_list)),
        "grids": per_grid(qs),
        "campaign": campaign,
        "tab": "flags",
        "can_export": bool(scope_paths(user, EXPORT)),
        "can_decide": bool(scope_paths(user, CHANGE)),
    }
    return render(request, "canvass/flags/flag_list.html", ctx)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(reverse("canvass:flag_list")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("canvass:flag_list")


@login_required
def flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The commander's decision on a flag: a measure, and a reason when it differs from the
    proposed one. Needs CHANGE on the flag's place (404 otherwise)."""
    user = request.user
    flag = get_object_or_404(with_related(Flag.objects.for_user(user, CHANGE)), pk=pk)
    form = DecideForm(request.POST or None, flag=flag)
    if request.method == "POST" and form.is_valid():
        try:
            decide_flag(
                flag,
                measure=form.cleaned_data["measure"],
                note=form.cleaned_data["decision_note"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_service_errors(field_errors(exc))
        else:
            messages.success(
                request,
                _("已对 %(name)s 作出决定：%(measure)s")
                % {"name": mask_name(flag.person_name), "measure": flag.get_measure_display()},
            )
            return redirect(_next_url(request))
    (row,) = flag_rows([flag])
    ctx = {
        "flag": flag,
        "row": row,
        "form": form,
        "next": _next_url(request),
        "crumbs": [
            Crumb(_("排查发现"), reverse("canvass:flag_list")),
            Crumb(_("决定措施"), None),
        ],
        "can_see_person": bool(flag.person_id) and covers(user, flag.scope_path, VIEW),
    }
    return render(request, "canvass/flags/flag_decide.html", ctx)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_line(row: FlagRow) -> list[str]:
    flag = row.flag
    decided_by = str(flag.decided_by) if flag.decided_by_id else ""
    return [
        row.grid_name,
        row.address,
        row.masked_name,
        row.source,
        row.code_label,
        flag.reason,
        flag.get_proposed_display(),
        flag.get_measure_display(),
        flag.decision_note,
        decided_by,
        _when(flag.decided_at),
        _when(flag.created_at),
    ]


@login_required
def flag_export(request: HttpRequest) -> HttpResponse:
    """The filtered flag list as .xlsx (EXPORT scope): names masked; logged."""
    user = request.user
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    form = filter_form(request, EXPORT)
    flags = list(
        with_related(filtered_flags(form, user, EXPORT)).order_by("scope_path", "-created_at")
    )
    title = _("排查发现人员 %(date)s") % {"date": timezone.localdate().strftime("%Y-%m-%d")}
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=[XlsxColumn(str(label), width) for label, width in EXPORT_COLUMNS],
        rows=(export_line(row) for row in flag_rows(flags)),
        title=title,
        sheet_name=_("排查发现"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name_masked,address,reason,measure",
        rows=count,
        scope_path=form.cleaned_data["area"].path
        if form.is_valid() and form.cleaned_data["area"]
        else scope_paths(user, EXPORT)[0],
    )
    return response
