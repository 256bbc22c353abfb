"""Today's temperature rounds at a central quarantine site (集中隔离点): everyone staying with
today's follow-ups of their order, who is overdue, and entering a reading from the site's grid
(services_followups.record decides, and raises the alerts)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.mask import mask_name
from wangge.core.scope import RECORD, VIEW, covers

from . import services_followups
from . import services_site_access as site_access
from .forms_sites import ReadingForm
from .models_followups import FollowUp, Symptom
from .models_sites import Site, Stay
from .views_site_common import annotate_stay, get_site, open_stays, rights


@dataclass
class ReadingRow:
    stay: Stay
    followups: list[FollowUp]


def readings_today(site: Site, now: dt.datetime | None = None):
    """(rows per person staying, labels of today's rounds, overdue follow-ups): today's
    follow-ups of the orders of everyone staying at the site now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stays = [annotate_stay(s, today) for s in open_stays(site)]
    order_ids = [s.order_id for s in stays if s.order_id]
    by_order: dict[int, list[FollowUp]] = defaultdict(list)
    labels: dict[str, dt.datetime] = {}
    for f in FollowUp.objects.filter(order_id__in=order_ids, day=today).order_by("due_at", "pk"):
        f.overdue = f.done_at is None and f.due_at < now
        f.fever = f.temperature is not None and f.temperature >= services_followups.FEVER_AT
        f.retry_key = uuid.uuid4()
        by_order[f.order_id].append(f)
        labels.setdefault(f.label, (f.due_at, f.kind != FollowUp.Kind.TEMPERATURE))
    for followups in by_order.values():
        followups.sort(key=lambda f: labels[f.label])
    rows = [ReadingRow(s, by_order.get(s.order_id, [])) for s in stays]
    overdue = [(row.stay, f) for row in rows for f in row.followups if f.overdue]
    return rows, sorted(labels, key=labels.get), overdue


@login_required
def site_readings(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    site = get_site(request, pk, RECORD if request.method == "POST" else VIEW)
    if request.method == "POST":
        form = ReadingForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写体温，如 36.5"))
            return redirect("control:site_readings", pk=site.pk)
        data = form.cleaned_data
        open_orders = Stay.objects.filter(
            site=site, checked_out_at__isnull=True, order__isnull=False
        ).values("order_id")
        followup = get_object_or_404(
            FollowUp.objects.filter(order_id__in=open_orders).select_related("order__person"),
            pk=data["followup"],
        )
        try:
            followup, created = services_followups.record(
                followup,
                actor=user,
                temperature=data["temperature"],
                symptoms=data["symptoms"],
                note=data["note"],
                client_uuid=data["client_uuid"],
            )
        except PermissionDenied:
            messages.error(request, _("您没有录入该人员随访的权限"))
        except ValidationError as exc:
            messages.error(
                request,
                _("%(name)s %(label)s：%(errors)s")
                % {
                    "name": mask_name(followup.order.person.name),
                    "label": followup.label,
                    "errors": "；".join(exc.messages),
                },
            )
        else:
            name = mask_name(followup.order.person.name)
            if not created:
                messages.info(
                    request,
                    _("%(name)s %(label)s 已录入过") % {"name": name, "label": followup.label},
                )
            elif hasattr(followup, "alert"):
                messages.warning(
                    request,
                    _("%(name)s %(label)s 已录入，出现异常，已推送健康预警")
                    % {"name": name, "label": followup.label},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s %(label)s 已录入") % {"name": name, "label": followup.label},
                )
        return redirect(
            reverse("control:site_readings", args=[site.pk]) + f"#stay-{followup.order_id}"
        )
    rows, labels, overdue = readings_today(site)
    # Who may record is services_followups.may_record's call: asked once for the site (the
    # same answer for everyone staying), then per person for the grid's own workers.
    sample = next((f for row in rows for f in row.followups), None)
    site_wide = (
        sample is not None
        and site_access.may(user, site, RECORD)
        and services_followups.may_record(user, sample)
    )
    for row in rows:
        for f in row.followups:
            f.can_record = site_wide or covers(user, f.scope_path, RECORD)
    return render(
        request,
        "control/sites/site_readings.html",
        {
            "site": site,
            "rows": rows,
            "labels": labels,
            "overdue": overdue,
            "symptoms": Symptom.choices,
            "today": timezone.localdate(),
            "tab": "readings",
            **rights(user, site),
        },
    )
