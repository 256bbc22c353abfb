"""Daily follow-up pages (每日随访): "my follow-ups today" on a phone (or a grid's, or all in the
user's scope, for a worker covering for a colleague), recording one follow-up and one order's
follow-up history day by day (logged). The overdue list is in views_followups_overdue.py, the
commander's list of fevers and symptoms with the handling in views_alerts.py; both use the
helpers here.

Names are masked in lists; the record form and an order's history show the person in full and
log the access. A follow-up outside the user's reach is a 404; one the user may see but not
record is a 403."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, RECORD, VIEW, covers
from wangge.core.services import field_errors
from wangge.places.models import Area, Household
from wangge.places.paging import paginate

from . import services_followups as fu
from .forms_followups import NEEDS_SUGGESTIONS, RecordForm
from .models import ControlOrder
from .models_followups import FollowUp, Symptom

FOLLOWUP_RELATED = (
    "order__person",
    "order__order_type",
    "order__household__building__estate",
    "order__household__unit",
    "order__worker",
    "assignee",
    "recorded_by",
)


# --- helpers ----------------------------------------------------------------------------------


def _id(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def chosen_grid(request: HttpRequest, action: str = VIEW) -> Area | None:
    """The grid named by ?grid= (404 outside the user's scope)."""
    grid_id = _id(request, "grid")
    if grid_id is None:
        return None
    grids = Area.objects.for_user(request.user, action).filter(level=Area.Level.GRID)
    return get_object_or_404(grids, pk=grid_id)


def symptom_labels(codes: list[str]) -> str:
    labels = dict(Symptom.choices)
    return "、".join(str(labels.get(code, code)) for code in codes)


def _in_turn(f: FollowUp) -> tuple:
    """Due time, then the temperature before the symptoms asked at the same time."""
    return (f.due_at, f.kind != FollowUp.Kind.TEMPERATURE, f.pk)


def decorate(f: FollowUp, now: dt.datetime) -> FollowUp:
    f.is_overdue = fu.is_overdue(f, now)
    f.done_other_day = f.done_at is not None and timezone.localdate(f.done_at) != f.day
    f.symptom_text = symptom_labels(f.symptoms)
    f.masked_name = mask_name(f.order.person.name)
    return f


def open_alert_count(user) -> int:
    return fu.visible_alerts(user).filter(handled_at__isnull=True).count()


# --- my follow-ups ----------------------------------------------------------------------------


@dataclass
class PersonBlock:
    order: ControlOrder
    masked_name: str
    days_remaining: int
    followups: list[FollowUp] = field(default_factory=list)


@dataclass
class HouseholdBlock:
    household: Household | None
    rank: int  # 0 overdue, 1 pending, 2 all done
    people: list[PersonBlock] = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.household.address if self.household else ""


def _today_q(today: dt.date, now: dt.datetime) -> Q:
    """Today's follow-ups (pending ones only of orders in force), and earlier ones overdue."""
    active = Q(order__status=ControlOrder.Status.ACTIVE)
    return (Q(day=today) & (active | Q(done_at__isnull=False))) | (
        Q(day__lt=today) & fu.overdue_q(now)
    )


def _households(qs: QuerySet[FollowUp], now: dt.datetime) -> list[tuple]:
    """(household key, rank, [order ids]) sorted overdue first, then pending, then done."""
    rows = (
        qs.order_by()
        .values("order_id", "order__household_id", "order__person_id")
        .annotate(
            n_overdue=Count("pk", filter=fu.overdue_q(now)),
            n_pending=Count("pk", filter=Q(done_at__isnull=True)),
        )
    )
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = (
            ("h", row["order__household_id"])
            if row["order__household_id"]
            else ("p", row["order__person_id"])
        )
        rank = 0 if row["n_overdue"] else 1 if row["n_pending"] else 2
        group = groups.setdefault(key, {"rank": 2, "orders": []})
        group["rank"] = min(group["rank"], rank)
        group["orders"].append((row["order__person_id"], row["order_id"]))
    out = [(key, g["rank"], [o for _p, o in sorted(g["orders"])]) for key, g in groups.items()]
    return sorted(out, key=lambda line: (line[1], line[0]))


def _blocks(
    qs: QuerySet[FollowUp], households: list[tuple], now: dt.datetime, here: str
) -> list[HouseholdBlock]:
    order_ids = [o for _key, _rank, orders in households for o in orders]
    today = timezone.localdate(now)
    back = urlencode({"next": here})
    by_order: dict[int, list[FollowUp]] = defaultdict(list)
    for f in qs.filter(order_id__in=order_ids).select_related(*FOLLOWUP_RELATED):
        decorate(f, now)
        f.show_day = f.day != today
        f.link = f"{reverse('control:followup_record', args=[f.pk])}?{back}"
        by_order[f.order_id].append(f)
    blocks = []
    for _key, rank, orders in households:
        people = []
        for order_id in orders:
            found = sorted(by_order.get(order_id, []), key=_in_turn)
            if not found:
                continue
            order = found[0].order
            people.append(
                PersonBlock(order, found[0].masked_name, order.days_remaining(today), found)
            )
        if people:
            blocks.append(HouseholdBlock(people[0].order.household, rank, people))
    return blocks


@login_required
def my_followups(request: HttpRequest) -> HttpResponse:
    """Today's follow-ups assigned to the user (or of a grid with ?grid=, or everything the user
    may record with ?all=1), by household, overdue first; earlier overdue ones included."""
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    grid = chosen_grid(request, RECORD)
    show_all = grid is None and request.GET.get("all") == "1"
    qs = fu.recordable(user)
    if grid is not None:
        qs = qs.within(grid.path)
    elif not show_all:
        qs = qs.filter(assignee=user)
    qs = qs.filter(_today_q(today, now))
    counts = qs.aggregate(
        total=Count("pk", filter=Q(day=today)),
        done=Count("pk", filter=Q(day=today, done_at__isnull=False)),
        overdue=Count("pk", filter=fu.overdue_q(now)),
    )
    page = paginate(request, _households(qs, now))
    here = request.get_full_path()
    page.object_list = _blocks(qs, list(page.object_list), now, here)
    return render(
        request,
        "control/followups/my_followups.html",
        {
            "page": page,
            "counts": counts,
            "pending": counts["total"] - counts["done"],
            "today": today,
            "grid": grid,
            "show_all": show_all,
            "grids": Area.objects.for_user(user, RECORD).filter(level=Area.Level.GRID),
            "open_alerts": open_alert_count(user),
            "fever_at": fu.FEVER_AT,
        },
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    home = reverse("control:my_followups")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return home


@login_required
def followup_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one follow-up. A double submit (same client UUID) or a second record of a done
    follow-up keeps the first record and says so."""
    user = request.user
    followup = get_object_or_404(fu.visible(user).select_related(*FOLLOWUP_RELATED), pk=pk)
    if not fu.may_record(user, followup):
        raise PermissionDenied(_("您没有记录随访的权限"))
    person = followup.order.person
    form = RecordForm(request.POST or None, followup=followup)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved, created = fu.record(
                followup,
                actor=user,
                temperature=data["temperature"],
                symptoms=data["symptoms"],
                needs=data["needs"],
                note=data["note"],
                client_uuid=data["client_uuid"],
            )
        except ValidationError as exc:
            form.add_service_errors(field_errors(exc))
        else:
            _say_recorded(request, saved, created, person.name)
            return redirect(_next_url(request))
    record_access(user, "view", person, fields="name,phone,address")
    decorate(followup, timezone.now())
    return render(
        request,
        "control/followups/followup_record.html",
        {
            "followup": followup,
            "person": person,
            "order": followup.order,
            "form": form,
            "next": _next_url(request),
            "needs_suggestions": NEEDS_SUGGESTIONS,
            "active": followup.order.status == ControlOrder.Status.ACTIVE,
            "fever_at": fu.FEVER_AT,
        },
    )


def _say_recorded(request: HttpRequest, saved: FollowUp, created: bool, name: str) -> None:
    who = mask_name(name)
    if not created:
        messages.info(
            request,
            _("%(name)s 的%(label)s已于 %(at)s 记录，本次提交未重复保存")
            % {
                "name": who,
                "label": saved.label,
                "at": timezone.localtime(saved.done_at).strftime("%m-%d %H:%M"),
            },
        )
        return
    messages.success(
        request, _("已记录 %(name)s 的%(label)s") % {"name": who, "label": saved.label}
    )
    alert = fu.alert_of(saved)
    if alert is not None:
        messages.warning(
            request,
            _("%(name)s %(detail)s，已上报指挥长（健康预警），请等待处置安排")
            % {"name": who, "detail": alert.detail},
        )


# --- one order's history ----------------------------------------------------------------------


@login_required
def order_followups(request: HttpRequest, pk: int) -> HttpResponse:
    """One order's follow-ups day by day (values, who recorded when; pending ones) and its
    alerts. Shows the person in full: logged."""
    user = request.user
    orders = fu.visible_orders(user).select_related(
        "person", "order_type", "household__building__estate", "household__unit", "worker"
    )
    order = get_object_or_404(orders, pk=pk)
    now = timezone.now()
    today = timezone.localdate(now)
    active = order.status == ControlOrder.Status.ACTIVE
    followups = order.followups.select_related("recorded_by", "assignee").order_by("due_at", "pk")
    days: dict[dt.date, list[FollowUp]] = defaultdict(list)
    for f in sorted(followups, key=_in_turn):
        f.order = order
        days[f.day].append(decorate(f, now))
        can_record = f.done_at is None and f.day <= today and active and fu.may_record(user, f)
        f.link = reverse("control:followup_record", args=[f.pk]) if can_record else ""
    alerts = list(order.alerts.select_related("handled_by").order_by("-created_at", "-pk"))
    record_access(user, "view", order, fields="name,address,temperature,symptoms")
    recorded = sum(1 for fs in days.values() for f in fs if f.done_at)
    # Days to come are all alike: one line for them unless something was recorded there.
    later = [d for d, fs in days.items() if d > today and not any(f.done_at for f in fs)]
    return render(
        request,
        "control/followups/order_followups.html",
        {
            "order": order,
            "person": order.person,
            "days": sorted((d, fs) for d, fs in days.items() if d not in later),
            "later": (min(later), max(later), len(later)) if later else None,
            "later_rounds": days[min(later)] if later else [],
            "alerts": alerts,
            "today": today,
            "days_remaining": order.days_remaining(today),
            "recorded": recorded,
            "overdue": sum(1 for fs in days.values() for f in fs if f.is_overdue),
            "total": sum(len(fs) for fs in days.values()),
            "active": active,
            "can_handle": covers(user, order.scope_path, CHANGE),
            "fever_at": fu.FEVER_AT,
        },
    )
