"""The review queue (待核对): the next open pair side by side — two merged people, or a merged
person and a registry person — with what each record says (name, sex, ID and phone masked,
address, birth, the sources and rows that named them, the registry household) and the evidence
the linkage weighed; buttons 同一人 / 不是同一人 / 稍后再定. Pairs put aside come back at the
end of the queue.

Pairs are read through `for_user(user, VIEW)` (outside: 404); deciding and revealing the full ID
number and phone need CHANGE over the pair (else 403); a reveal is logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wangge.core.audit import record_access
from wangge.core.mask import mask_id, mask_phone
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.people.models import Person, Residence

from .forms_review import DecisionForm
from .models import ContactPerson, MatchPair
from .services_merged import describe, household_label, provenance, queue, queue_counts

ROWS_SHOWN = 10
DONE = {
    "merged": gettext_lazy("已确认为同一人，已合并"),
    "distinct": gettext_lazy("已确认不是同一人"),
    "later": gettext_lazy("已放到队尾，稍后再定"),
}
EVIDENCE_LABELS = {
    "name": gettext_lazy("姓名"),
    "name_py": gettext_lazy("姓名拼音"),
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("电话"),
    "birth": gettext_lazy("出生日期"),
    "address": gettext_lazy("住址"),
    "sex": gettext_lazy("性别"),
}


def _shown(value: str, mask, revealed: bool) -> str:
    return value if revealed else mask(value)


def contact_side(cp: ContactPerson, revealed: bool) -> dict:
    """A merged person as a card: what the lists say of them."""
    (cp,) = describe([cp])
    rows = list(provenance(cp)[:ROWS_SHOWN])
    return {
        "registry": False,
        "pk": cp.pk,
        "name": cp.name,
        "sex": cp.sex_label,
        "birth": cp.birth,
        "id_number": _shown(cp.id_number, mask_id, revealed),
        "phone": _shown(cp.phone, mask_phone, revealed),
        "address": cp.address,
        "kind": cp.get_kind_display(),
        "named": cp.named,
        "rows": rows,
        "rows_more": max(cp.rows_count - len(rows), 0),
        "household": household_label(cp.household) if cp.household_id else "",
        "first_day": cp.first_day,
    }


def registry_side(person: Person, revealed: bool) -> dict:
    """A registry person as a card: the registry's record and the household they live in."""
    res = (
        Residence.objects.filter(person=person, until__isnull=True)
        .select_related("household__building__area", "household__building__estate")
        .select_related("household__unit")
        .order_by("-living", "-registered", "pk")
        .first()
    )
    hh = res.household if res else None
    return {
        "registry": True,
        "pk": person.pk,
        "name": person.name,
        "sex": person.get_sex_display() if person.sex else "",
        "birth": person.birth_date,
        "id_number": _shown(person.id_number or "", mask_id, revealed),
        "phone": _shown(person.phone, mask_phone, revealed),
        "address": hh.address if hh else "",
        "kind": _("登记人员"),
        "named": [],
        "rows": [],
        "rows_more": 0,
        "household": household_label(hh),
        "first_day": None,
    }


def evidence(pair: MatchPair) -> list[tuple[str, str]]:
    return [(str(EVIDENCE_LABELS.get(k, k)), str(v)) for k, v in (pair.evidence or {}).items()]


def _render(request: HttpRequest, pair: MatchPair | None, revealed: bool = False, status=200):
    user = request.user
    context = {"pair": pair, "counts": queue_counts(user), "revealed": revealed}
    if pair is not None:
        right = (
            contact_side(pair.right, revealed)
            if pair.right_id
            else registry_side(pair.right_person, revealed)
        )
        context.update(
            left=contact_side(pair.left, revealed),
            right=right,
            evidence=evidence(pair),
            score=round(pair.score * 100),
            can_decide=covers(user, pair.scope_path, CHANGE),
            form=DecisionForm(),
        )
    return render(request, "tracing/review/review.html", context, status=status)


def _pair(request: HttpRequest, pk: int) -> MatchPair:
    return get_object_or_404(
        MatchPair.objects.for_user(request.user, VIEW).select_related(
            "left", "right", "right_person"
        ),
        pk=pk,
    )


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The next open pair (or ?pair=<id>, one of the user's open pairs)."""
    pairs = queue(request.user)
    ref = request.GET.get("pair", "")
    if ref:
        if not (ref.isascii() and ref.isdigit()):
            raise Http404
        pair = get_object_or_404(pairs, pk=int(ref))
    else:
        pair = pairs.first()
    return _render(request, pair)


@login_required
@require_POST
def review_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair with full ID numbers and phones, for a user who may decide it; logged."""
    pair = _pair(request, pk)
    if not covers(request.user, pair.scope_path, CHANGE):
        raise PermissionDenied(_("您没有查看完整信息的权限"))
    record_access(request.user, "view", pair, fields="id_number,phone")
    return _render(request, pair, revealed=True)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    pair = _pair(request, pk)
    if not covers(user, pair.scope_path, CHANGE):
        raise PermissionDenied(_("您没有核对该配对的权限"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(f"{_review_url()}?pair={pair.pk}")
    if pair.status not in (MatchPair.Status.PENDING, MatchPair.Status.LATER):
        messages.info(request, _("该配对已由他人核对"))
        return redirect(_review_url())
    from .services_decisions import decide

    decision = form.cleaned_data["decision"]
    try:
        decide(pair, actor=user, decision=decision)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"{_review_url()}?pair={pair.pk}")
    messages.success(request, str(DONE[decision]))
    return redirect(_review_url())


def _review_url() -> str:
    from django.urls import reverse

    return reverse("tracing:review")
