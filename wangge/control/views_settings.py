"""管控设置: the levels of risk designation, the measures with their days, and each measure's
daily follow-ups, on one page for the users who keep them (district or city level). Every
other user gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.people.forms import add_service_errors

from . import services_settings as settings_svc
from .forms_settings import LevelForm, OrderTypeForm, RuleForm
from .models import DesignationLevel, OrderType
from .models_followups import FollowUpRule

SECTIONS = {
    # POST "what": (model, form, service)
    "level": (DesignationLevel, LevelForm, settings_svc.save_level),
    "type": (OrderType, OrderTypeForm, settings_svc.save_order_type),
    "rule": (FollowUpRule, RuleForm, settings_svc.save_rule),
}
SAVED = {
    "level": gettext_lazy("已保存管控等级"),
    "type": gettext_lazy("已保存管控措施"),
    "rule": gettext_lazy("已保存随访规则"),
}


def _forms(bound=None) -> dict:
    """Every form of the page; `bound` = (what, pk, form) replaces the one that was posted."""

    def pick(what, obj, make):
        if bound and bound[0] == what and bound[1] == (obj.pk if obj else None):
            return bound[2]
        return make()

    rules = FollowUpRule.objects.select_related("order_type").order_by(
        "order_type__kind", "order_type_id", "due_time"
    )
    return {
        "levels": [
            (lv, pick("level", lv, lambda lv=lv: LevelForm(instance=lv, prefix=f"level{lv.pk}")))
            for lv in DesignationLevel.objects.all()
        ],
        "new_level": pick("level", None, lambda: LevelForm(prefix="level")),
        "types": [
            (t, pick("type", t, lambda t=t: OrderTypeForm(instance=t, prefix=f"type{t.pk}")))
            for t in OrderType.objects.all()
        ],
        "new_type": pick("type", None, lambda: OrderTypeForm(prefix="type")),
        "rules": [
            (r, pick("rule", r, lambda r=r: RuleForm(instance=r, prefix=f"rule{r.pk}")))
            for r in rules
        ],
        "new_rule": pick("rule", None, lambda: RuleForm(prefix="rule")),
    }


@login_required
def measure_settings(request: HttpRequest) -> HttpResponse:
    if not settings_svc.may_configure(request.user):
        raise Http404
    if request.method != "POST":
        return render(request, "control/settings.html", _forms())
    what = request.POST.get("what", "")
    pk = request.POST.get("pk", "")
    if what == "rule_delete":
        rule = get_object_or_404(FollowUpRule, pk=pk if pk.isdigit() else 0)
        settings_svc.delete_rule(rule, actor=request.user)
        messages.success(request, _("已删除随访规则“%(label)s”") % {"label": rule.label})
        return redirect("control:settings")
    if what not in SECTIONS:
        raise Http404
    model, form_class, save = SECTIONS[what]
    obj = get_object_or_404(model, pk=pk) if pk.isdigit() else None
    prefix = f"{what}{obj.pk}" if obj else what
    # The form checks a copy: the service compares the stored row with the new values.
    form = form_class(
        request.POST, instance=model.objects.get(pk=obj.pk) if obj else None, prefix=prefix
    )
    if form.is_valid():
        try:
            save(obj, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SAVED[what])
            return redirect("control:settings")
    return render(
        request, "control/settings.html", _forms((what, obj.pk if obj else None, form)), status=400
    )
