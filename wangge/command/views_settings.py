"""日报设置: the cut-off time of the daily report, kept by an admin (MANAGE) or a street's
commander; every other user gets 404. A change is written to the change log and applies from
the next report made."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangge.people.forms import add_service_errors

from . import services_reports as svc
from .forms_reports import SettingsForm
from .models import ReportSettings


@login_required
def report_settings(request: HttpRequest) -> HttpResponse:
    if not svc.may_configure(request.user):
        raise Http404
    current = ReportSettings.get()
    form = SettingsForm(request.POST or None, initial={"cut_off": current.cut_off})
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = svc.save_settings(form.cleaned_data["cut_off"], actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已将日报截止时间设为 %(time)s") % {"time": saved.cut_off.strftime("%H:%M")},
                )
                return redirect("command:settings")
        return render(
            request, "command/reports/settings.html", {"form": form, "current": current}, status=400
        )
    return render(request, "command/reports/settings.html", {"form": form, "current": current})
