"""Placing people under measures on the web: one person (?person=), a whole household
(?household=: every member placed, each refusal shown with its reason), or many at once
(order_bulk): the decided flags of the canvass (?flags=), the positive pools of a testing round
(?round=&kind=pool_positive) or a POSTed selection (person=…). Bulk placement first shows who
is about to be placed, then the result: placed N, refused M with each reason.

Placing needs CHANGE: a user without it anywhere (a volunteer) gets 403; a person, household,
flag or round outside the user's scope is 404 or simply not listed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, scope_paths
from wangge.people.forms import add_service_errors
from wangge.people.models import Person
from wangge.places.models import Household

from . import services, services_orders_bulk
from .forms_orders import PlaceForm
from .models import ControlOrder, OrderType
from .services_orders import common_path, workers_for
from .services_orders_bulk import POSITIVE_KINDS, Placement

SEARCH_LIMIT = 20


def _id(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _require_change(user) -> None:
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有下达管控措施的权限"))


def _initial(request: HttpRequest) -> dict:
    """Prefill from the address: ?type=<code> (home quarantine by default), ?source=,
    ?source_ref=, ?reason=."""
    initial = {}
    code = request.GET.get("type", "")
    found = OrderType.objects.filter(code=code).first() if code else None
    # Home quarantine is the measure placed most often: the default.
    found = found or OrderType.objects.filter(kind=OrderType.Kind.HOME_QUARANTINE).first()
    if found is not None:
        initial["order_type"] = found.pk
    if request.GET.get("source") in ControlOrder.Source.values:
        initial["source"] = request.GET["source"]
    for name in ("source_ref", "reason"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:200]
    return initial


def _result(request: HttpRequest, result: Placement, title: str) -> HttpResponse:
    return render(
        request,
        "control/orders/order_result.html",
        {"result": result, "title": title},
    )


def _search(user, text: str) -> list[Person]:
    q = clean_text(text)
    if not q:
        return []
    match = Q(name__contains=q)
    if q.isascii() and q.isalnum():
        match |= Q(id_number__endswith=q.upper()) | Q(phone__endswith=q)
    return list(Person.objects.for_user(user, CHANGE).filter(match).order_by("name")[:SEARCH_LIMIT])


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    """One person (?person=) or a whole household (?household=); without either, a search."""
    user = request.user
    _require_change(user)
    if (person_id := _id(request, "person")) is not None:
        person = get_object_or_404(Person.objects.for_user(user, CHANGE), pk=person_id)
        return _place_person(request, person)
    if (household_id := _id(request, "household")) is not None:
        households = Household.objects.for_user(user, CHANGE).select_related(
            "building__estate", "unit"
        )
        return _place_household(request, get_object_or_404(households, pk=household_id))
    q = request.GET.get("q", "")
    return render(
        request,
        "control/orders/order_create.html",
        {"mode": "search", "q": q, "found": _search(user, q)},
    )


def _place_person(request: HttpRequest, person: Person) -> HttpResponse:
    user = request.user
    form = PlaceForm(
        request.POST or None, workers=workers_for(person.scope_path), initial=_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.place_kwargs()
        kind = kwargs.pop("order_type")
        try:
            order = services.place_order(person, kind, actor=user, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已对 %(name)s 下达%(type)s（%(start)s 至 %(end)s）")
                % {
                    "name": person.name,
                    "type": kind.name,
                    "start": order.starts_on.strftime("%Y-%m-%d"),
                    "end": order.ends_on.strftime("%Y-%m-%d"),
                },
            )
            return redirect("control:order_detail", pk=order.pk)
    return render(
        request,
        "control/orders/order_create.html",
        {
            "mode": "person",
            "person": person,
            "form": form,
            "current": _current(person),
        },
    )


def _current(person: Person):
    return (
        ControlOrder.objects.filter(person=person, status=ControlOrder.Status.ACTIVE)
        .select_related("order_type")
        .order_by("starts_on")
    )


def _place_household(request: HttpRequest, household: Household) -> HttpResponse:
    user = request.user
    candidates = services_orders_bulk.household_candidates(household)
    form = PlaceForm(
        request.POST or None,
        workers=workers_for(household.scope_path),
        initial=_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        if not candidates:
            form.add_error(None, _("这户没有登记在住人员，请先登记人员"))
        else:
            result = services_orders_bulk.place_candidates(
                candidates, actor=user, household=household, **form.place_kwargs()
            )
            return _result(request, result, str(household.address))
    return render(
        request,
        "control/orders/order_create.html",
        {
            "mode": "household",
            "household": household,
            "members": [c.person for c in candidates],
            "form": form,
        },
    )


# --- bulk -------------------------------------------------------------------------------------


def _ids(values) -> list[str]:
    """Ids from repeated parameters, each possibly "1,2,3"."""
    out: list[str] = []
    for value in values:
        out += [v.strip() for v in value.split(",") if v.strip().isdigit()]
    return list(dict.fromkeys(out))


def _round(request: HttpRequest, data):
    from wangge.testing.services_plan import visible_rounds

    value = data.get("round", "")
    if not (value.isascii() and value.isdigit()):
        raise Http404
    rnd = get_object_or_404(visible_rounds(request.user).select_related("area"), pk=int(value))
    kind = data.get("kind") or "pool_positive"
    if kind not in POSITIVE_KINDS:
        raise Http404
    return rnd, kind


def _selection(request: HttpRequest, data) -> dict:
    """Who is about to be placed, from the flags, a round or a selection of people."""
    user = request.user
    if flag_ids := _ids(data.getlist("flags")):
        flags = services_orders_bulk.flags_for(user, flag_ids)
        candidates, refused = services_orders_bulk.flag_candidates(flags)
        return {
            "mode": "flags",
            "candidates": candidates,
            "refused": refused,
            "hidden": [("flags", ",".join(flag_ids))],
            "title": _("排查发现人员"),
        }
    if data.get("round"):
        rnd, kind = _round(request, data)
        return {
            "mode": "round",
            "round": rnd,
            "candidates": services_orders_bulk.positive_candidates(rnd, user, kind),
            "refused": [],
            "hidden": [("round", str(rnd.pk)), ("kind", kind)],
            "title": _("%(round)s 阳性人员") % {"round": rnd},
        }
    person_ids = _ids(data.getlist("person"))
    candidates = services_orders_bulk.selection_candidates(user, person_ids)
    return {
        "mode": "people",
        "candidates": candidates,
        "refused": [],
        "hidden": [("person", pk) for pk in person_ids],
        "title": _("所选人员"),
        "missing": len(person_ids) - len(candidates),
    }


@login_required
def order_bulk(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_change(user)
    data = request.POST if request.method == "POST" else request.GET
    sel = _selection(request, data)
    candidates = sel["candidates"]
    confirm = request.method == "POST" and data.get("confirm") == "1"
    mode = sel["mode"]
    initial = {**_initial(request), **sel.get("initial", {})}
    form = PlaceForm(
        data if confirm else None,
        workers=workers_for(common_path(c.person.scope_path for c in candidates)),
        fixed_type=mode == "flags",
        fixed_source=mode in ("flags", "round"),
        own_reason=mode in ("flags", "round"),
        initial=initial,
    )
    if confirm and form.is_valid():
        if not candidates:
            form.add_error(None, _("没有可下达的人员"))
        else:
            result = services_orders_bulk.place_candidates(
                candidates, actor=user, refused=sel["refused"], **form.place_kwargs()
            )
            return _result(request, result, sel["title"])
    return render(request, "control/orders/order_bulk.html", {"form": form, **sel})
