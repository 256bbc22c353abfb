"""Person pages: list with search and filters, detail (masked; audited reveal), create, edit."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.models import ChangeLog
from wangge.core.scope import CHANGE, EXPORT, VIEW, covers, scope_paths
from wangge.places.models import Area, Household

from . import services
from .filters import person_search_q
from .forms import PersonCreateForm, PersonForm, add_service_errors
from .models import Person, Residence, SpecialGroup
from .views import paginate, require_change

# (value, label, youngest age, oldest age or None)
AGE_BANDS = [
    ("0-6", gettext_lazy("0–6岁"), 0, 6),
    ("7-17", gettext_lazy("7–17岁"), 7, 17),
    ("18-59", gettext_lazy("18–59岁"), 18, 59),
    ("60-79", gettext_lazy("60–79岁"), 60, 79),
    ("80+", gettext_lazy("80岁及以上"), 80, None),
]
MASKED_HISTORY_FIELDS = {"id_number", "phone"}


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date | None, today: dt.date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band_q(value: str, today: dt.date) -> Q | None:
    for key, _label, low, high in AGE_BANDS:
        if key == value:
            q = Q(birth_date__lte=years_before(today, low))
            if high is not None:
                q &= Q(birth_date__gt=years_before(today, high + 1))
            return q
    return None


def current_residences() -> Prefetch:
    return Prefetch(
        "residences",
        queryset=Residence.objects.filter(until__isnull=True)
        .select_related("household__building__estate", "household__unit")
        .order_by("-living", "-registered", "id"),
        to_attr="current_residences",
    )


def filtered_persons(request: HttpRequest):
    """The persons list for the request's search and filters, and the filter values used."""
    user = request.user
    qs = Person.objects.for_user(user, VIEW)
    get = request.GET
    areas = Area.objects.for_user(user, VIEW).order_by("path")
    f = {k: (get.get(k) or "").strip() for k in ("q", "area", "group", "relation", "sex", "age")}
    area = None
    if f["area"].isdigit():
        area = areas.filter(pk=int(f["area"])).first()
        if area is not None:
            qs = qs.within(area.path)
    if f["q"]:
        qs = qs.filter(person_search_q(f["q"]))
    if f["group"] in SpecialGroup.Kind.values:
        qs = qs.filter(Exists(SpecialGroup.objects.filter(person=OuterRef("pk"), kind=f["group"])))
    if f["relation"] in Residence.Relation.values:
        qs = qs.filter(
            Exists(
                Residence.objects.filter(
                    person=OuterRef("pk"), relation=f["relation"], until__isnull=True
                )
            )
        )
    if f["sex"] in ("M", "F"):
        qs = qs.filter(sex=f["sex"])
    band = age_band_q(f["age"], timezone.localdate())
    if band is not None:
        qs = qs.filter(band)
    return qs, f, area, areas


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    qs, f, area, areas = filtered_persons(request)
    qs = (
        qs.select_related("home_area")
        .prefetch_related(current_residences(), "special_groups")
        .order_by("scope_path", "id")
    )
    page = paginate(request, qs)
    today = timezone.localdate()
    for person in page:
        person.age = age_on(person.birth_date, today)
        living = [r for r in person.current_residences if r.living]
        person.main_residence = (living or person.current_residences or [None])[0]
    return render(
        request,
        "people/person_list.html",
        {
            "page": page,
            "filters": f,
            "area": area,
            "areas": list(areas),
            "groups": SpecialGroup.Kind.choices,
            "relations": Residence.Relation.choices,
            "sexes": [("M", _("男")), ("F", _("女"))],
            "age_bands": [(k, label) for k, label, _lo, _hi in AGE_BANDS],
            "can_export": bool(scope_paths(request.user, EXPORT)),
            "can_change": bool(scope_paths(request.user, CHANGE)),
            "filtered": any(f.values()),
        },
    )


def person_history(person: Person, limit: int = 50) -> list[dict]:
    """Change log rows for the person and their residences and special groups, newest first,
    with ID numbers and phones masked."""
    from wangge.core.mask import mask_id, mask_phone

    res_ids = [str(pk) for pk in person.residences.values_list("pk", flat=True)]
    # Special groups are created and deleted, never updated: their rows carry the person id.
    groups = Q(model="people.specialgroup") & (
        Q(after__person_id=person.pk) | Q(before__person_id=person.pk)
    )
    rows = (
        ChangeLog.objects.filter(
            Q(model="people.person", object_id=str(person.pk))
            | Q(model="people.residence", object_id__in=res_ids)
            | groups
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    labels = {
        f.attname: f.verbose_name
        for m in (Person, Residence, SpecialGroup)
        for f in m._meta.concrete_fields
    }
    masks = {"id_number": mask_id, "phone": mask_phone}
    out = []
    for row in rows:
        before, after = row.before or {}, row.after or {}
        changes = []
        for key in list(dict.fromkeys([*before, *after])):
            if key in {"id", "created_at", "updated_at", "name_initials", "phone_tail", "id_tail"}:
                continue
            old, new = before.get(key), after.get(key)
            if key in masks:
                old, new = masks[key](old), masks[key](new)
            changes.append({"field": labels.get(key, key), "before": old, "after": new})
        out.append({"row": row, "changes": changes})
    return out


def detail_context(request: HttpRequest, person: Person, revealed: bool = False) -> dict:
    user = request.user
    residences = list(
        person.residences.select_related("household__building__estate", "household__unit").order_by(
            "until", "-living", "id"
        )
    )
    for res in residences:
        res.household_url = ""
        if covers(user, res.scope_path, VIEW):
            try:
                res.household_url = reverse("places:household_detail", args=[res.household_id])
            except NoReverseMatch:
                pass
        res.can_change = covers(user, res.scope_path, CHANGE)
    return {
        "person": person,
        "revealed": revealed,
        "age": age_on(person.birth_date, timezone.localdate()),
        "residences": residences,
        "groups": list(person.special_groups.all()),
        "leader_roles": list(
            person.leader_roles.select_related(
                "area", "building__estate", "unit__building__estate", "command_zone"
            )
        ),
        "history": person_history(person),
        "can_change": covers(user, person.scope_path, CHANGE),
    }


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.for_user(request.user, VIEW).select_related("home_area"), pk=pk
    )
    return render(request, "people/person_detail.html", detail_context(request, person))


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number and phone to a user whose scope covers the person; logged."""
    person = get_object_or_404(Person.objects.for_user(request.user, VIEW), pk=pk)
    record_access(request.user, "view", person, fields="id_number,phone")
    if getattr(request, "htmx", False):
        return render(request, "people/_identity.html", {"person": person, "revealed": True})
    return render(
        request, "people/person_detail.html", detail_context(request, person, revealed=True)
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有新增人员的权限"))
    household = None
    ref = request.GET.get("household") or request.POST.get("household")
    if ref:
        household = get_object_or_404(
            Household.objects.for_user(user, VIEW).select_related("building__estate", "unit"),
            pk=int(ref) if str(ref).isdigit() else 0,
        )
        require_change(user, household)
    initial = {}
    area_ref = request.GET.get("area")
    if area_ref and area_ref.isdigit():
        initial["area"] = int(area_ref)
    form = PersonCreateForm(request.POST or None, user=user, household=household, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = create_with_residence(form, household, user)
                if not Person.objects.for_user(user, CHANGE).filter(pk=person.pk).exists():
                    raise PermissionDenied(_("新增的人员不在您的管辖范围内"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("people:person_detail", pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "household": household, "person": None}
    )


def create_with_residence(form: PersonCreateForm, household: Household | None, user) -> Person:
    data = form.cleaned_data
    home_area = household.building.area if household is not None else data["area"]
    person = services.create_person(actor=user, home_area=home_area, **form.person_data())
    if household is not None:
        services.add_residence(
            person=person,
            household=household,
            actor=user,
            relation=data["relation"],
            registered=data["registered"],
            living=data["living"],
        )
    services.set_special_groups(person, set(data["special_groups"]), actor=user)
    return person


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = get_object_or_404(Person.objects.for_user(user, VIEW), pk=pk)
    require_change(user, person)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.update_person(person, form.person_data(), actor=user)
                    services.set_special_groups(
                        person, set(form.cleaned_data["special_groups"]), actor=user
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
                person.refresh_from_db()
            else:
                return redirect("people:person_detail", pk=person.pk)
    else:
        form = PersonForm(initial=PersonForm.initial_for(person))
        # The form shows the full ID number and phone: that is an unmasked view.
        record_access(user, "view", person, fields="id_number,phone")
    return render(
        request, "people/person_form.html", {"form": form, "person": person, "household": None}
    )
