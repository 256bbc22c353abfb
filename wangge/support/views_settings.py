"""诉求时限设置: the kinds of request with their response deadline and flags, on one page for
the users who keep them (district or city level). Every other user gets 404. Each change is
written to the change log (services_settings)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.people.forms import add_service_errors

from . import services_settings as settings_svc
from .forms_dispatch import KindForm
from .models import SupportKind


def _forms(bound=None) -> dict:
    """Every form of the page; `bound` = (pk, form) replaces the one that was posted."""

    def pick(pk, make):
        return bound[1] if bound and bound[0] == pk else make()

    return {
        "kinds": [
            (k, pick(k.pk, lambda k=k: KindForm(instance=k, prefix=f"kind{k.pk}")))
            for k in SupportKind.objects.all()
        ],
        "new_kind": pick(None, lambda: KindForm(prefix="kind")),
    }


@login_required
def kind_settings(request: HttpRequest) -> HttpResponse:
    if not settings_svc.may_configure(request.user):
        raise Http404
    if request.method != "POST":
        return render(request, "support/dispatch/settings.html", _forms())
    pk = request.POST.get("pk", "")
    kind = get_object_or_404(SupportKind, pk=pk) if pk.isdigit() else None
    prefix = f"kind{kind.pk}" if kind else "kind"
    form = KindForm(
        request.POST,
        instance=SupportKind.objects.get(pk=kind.pk) if kind else None,
        prefix=prefix,
    )
    if form.is_valid():
        try:
            saved = settings_svc.save_kind(kind, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存诉求类型“%(name)s”") % {"name": saved.name})
            return redirect("support:settings")
    return render(
        request,
        "support/dispatch/settings.html",
        _forms((kind.pk if kind else None, form)),
        status=400,
    )
