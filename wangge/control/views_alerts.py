"""Health alerts (健康预警): the commander's list of fevers and symptoms raised by follow-ups,
open first, and handling one. Names and room numbers are masked. An alert outside the user's
reach is a 404; one the user may see but not handle is a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.people.forms import add_service_errors
from wangge.places.models import Area, Household
from wangge.places.paging import paginate

from . import services_followups as fu
from .forms_followups import HANDLING_SUGGESTIONS, HandleForm
from .models_followups import Alert
from .views_followups import chosen_grid, open_alert_count

ALERT_RELATED = (
    "person",
    "order__order_type",
    "order__household__building__estate",
    "order__household__unit",
    "followup__recorded_by",
    "handled_by",
)


# --- helpers ----------------------------------------------------------------------------------


def masked_address(household: Household | None) -> str:
    """The household's address with the room number masked (阳光小区 1号楼1单元1**室)."""
    if household is None:
        return ""
    room = household.room
    masked = room[:1] + "*" * max(len(room) - 1, 0)
    text = _("%(building)s%(unit)s单元%(room)s室") % {
        "building": household.building.label,
        "unit": household.unit.number,
        "room": masked,
    }
    estate = household.building.estate.name if household.building.estate_id else ""
    return f"{estate} {text}" if estate else text


# --- alerts -----------------------------------------------------------------------------------


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """Fevers and symptoms: open first, newest first; ?status=open|handled, ?grid=."""
    user = request.user
    grid = chosen_grid(request)
    qs = fu.visible_alerts(user)
    if grid is not None:
        qs = qs.within(grid.path)
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.filter(handled_at__isnull=True)
    elif status == "handled":
        qs = qs.filter(handled_at__isnull=False)
    else:
        status = ""
    qs = (
        qs.select_related(*ALERT_RELATED)
        .annotate(is_open=ExpressionWrapper(Q(handled_at__isnull=True), BooleanField()))
        .order_by("-is_open", "-created_at", "-pk")
    )
    page = paginate(request, qs)
    page.object_list = rows = list(page.object_list)
    for a in rows:
        a.masked_name = mask_name(a.person.name)
        a.masked_address = masked_address(a.order.household)
        a.can_handle = a.handled_at is None and covers(user, a.scope_path, CHANGE)
        a.worker = _alert_worker(a)
    return render(
        request,
        "control/followups/alert_list.html",
        {
            "page": page,
            "status": status,
            "grid": grid,
            "grids": Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID),
            "open_alerts": open_alert_count(user),
        },
    )


def _alert_worker(alert: Alert) -> str:
    if alert.followup_id and alert.followup.recorded_by_id:
        return str(alert.followup.recorded_by)
    return alert.order.worker_name


@login_required
def alert_handle(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    alert = get_object_or_404(fu.visible_alerts(user).select_related(*ALERT_RELATED), pk=pk)
    if not covers(user, alert.scope_path, CHANGE):
        raise PermissionDenied(_("您没有处置预警的权限"))
    form = HandleForm(request.POST or None)
    if request.method == "POST" and alert.handled_at is None and form.is_valid():
        try:
            fu.handle_alert(alert, actor=user, handling=form.cleaned_data["handling"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已记录对 %(name)s 的处置：%(handling)s")
                % {"name": mask_name(alert.person.name), "handling": alert.handling},
            )
            return redirect("control:alert_list")
    alert.masked_name = mask_name(alert.person.name)
    alert.masked_address = masked_address(alert.order.household)
    alert.worker = _alert_worker(alert)
    return render(
        request,
        "control/followups/alert_handle.html",
        {
            "alert": alert,
            "form": form,
            "suggestions": HANDLING_SUGGESTIONS,
            "handled": alert.handled_at is not None,
        },
    )
