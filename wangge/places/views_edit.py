"""Create and edit pages for areas, estates, buildings, units and households.

Forms validate; the services write (audited). The parent object must be in the user's CHANGE
scope, and the written object is checked to still be in scope inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, MANAGE
from wangge.core.services import field_errors, update_object

from . import services
from .crumbs import area_crumbs, building_crumbs, estate_crumbs, household_crumbs
from .forms import AreaForm, BuildingForm, EstateForm, HouseholdForm, UnitForm
from .models import Area, Building, Estate, Household


class _OutOfScope(Exception):
    pass


def _write(form, user, write: Callable[[], object]):
    """Run a service write; its ValidationErrors go onto the form. The result must stay in the
    user's CHANGE scope, else everything is rolled back."""
    try:
        with transaction.atomic():
            obj = write()
            if not type(obj).objects.for_user(user, CHANGE).filter(pk=obj.pk).exists():
                raise _OutOfScope
    except ValidationError as exc:
        form.add_service_errors(field_errors(exc))
        return None
    except _OutOfScope:
        form.add_error(None, _("保存后的对象不在您的管理范围内，未保存"))
        return None
    return obj


def _form_page(request, form, title: str, crumbs, cancel_url: str):
    return render(
        request,
        "places/form.html",
        {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel_url},
    )


@login_required
def area_create(request, parent_pk: int):
    """New communities and grids change who sees what: only admins (MANAGE) create them."""
    parent = get_object_or_404(Area.objects.for_user(request.user, MANAGE), pk=parent_pk)
    if parent.level >= Area.Level.GRID:
        raise Http404
    level = Area.Level(parent.level + 1)
    form = AreaForm(request.POST or None)
    if form.is_valid():
        cd = form.cleaned_data

        def create():
            area = services.create_area(
                name=cd["name"], level=level, parent=parent, code=cd["code"], actor=request.user
            )
            if cd["wechat_group"]:
                update_object(area, {"wechat_group": cd["wechat_group"]}, actor=request.user)
            return area

        if area := _write(form, request.user, create):
            messages.success(
                request, _("已新增%(level)s：%(name)s") % {"level": level.label, "name": area.name}
            )
            return redirect("places:area_detail", area.pk)
    title = _("新增%(level)s") % {"level": level.label}
    return _form_page(
        request,
        form,
        title,
        area_crumbs(request.user, parent),
        reverse("places:area_detail", args=[parent.pk]),
    )


def _estate_save(request, form, estate: Estate | None, area: Area):
    cd = form.cleaned_data
    if estate is None:
        return _write(
            form, request.user, lambda: services.create_estate(area=area, actor=request.user, **cd)
        )

    def update():
        update_object(estate, cd, actor=request.user)
        return estate

    return _write(form, request.user, update)


@login_required
def estate_create(request, area_pk: int):
    area = get_object_or_404(Area.objects.for_user(request.user, CHANGE), pk=area_pk)
    form = EstateForm(request.POST or None)
    if form.is_valid() and (estate := _estate_save(request, form, None, area)):
        messages.success(request, _("已新增小区：%(name)s") % {"name": estate.name})
        return redirect("places:estate_detail", estate.pk)
    return _form_page(
        request,
        form,
        _("新增小区"),
        area_crumbs(request.user, area),
        reverse("places:area_detail", args=[area.pk]),
    )


@login_required
def estate_edit(request, pk: int):
    estate = get_object_or_404(Estate.objects.for_user(request.user, CHANGE), pk=pk)
    fields = ["name", "address", "gates", "property_company", "property_phone"]
    form = EstateForm(request.POST or None, initial={f: getattr(estate, f) for f in fields})
    if form.is_valid() and _estate_save(request, form, estate, estate.area):
        messages.success(request, _("小区信息已保存"))
        return redirect("places:estate_detail", estate.pk)
    return _form_page(
        request,
        form,
        _("编辑小区"),
        estate_crumbs(request.user, estate),
        reverse("places:estate_detail", args=[estate.pk]),
    )


@login_required
def building_create(request):
    initial = {}
    if (grid := request.GET.get("grid", "")).isdigit():
        initial["area"] = int(grid)
    if (estate := request.GET.get("estate", "")).isdigit():
        initial["estate"] = int(estate)
    form = BuildingForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["area"].queryset.exists():
        raise Http404
    if form.is_valid():
        cd = form.cleaned_data
        building = _write(
            form, request.user, lambda: services.create_building(actor=request.user, **cd)
        )
        if building:
            messages.success(request, _("已新增楼栋：%(name)s") % {"name": building})
            return redirect("places:building_detail", building.pk)
    return _form_page(request, form, _("新增楼栋"), [], reverse("places:building_list"))


@login_required
def building_edit(request, pk: int):
    building = get_object_or_404(
        Building.objects.for_user(request.user, CHANGE).select_related("estate", "area"), pk=pk
    )
    fields = ["area", "estate", "number", "name", "floors", "address"]
    initial = {f: getattr(building, f) for f in fields}
    form = BuildingForm(request.POST or None, user=request.user, initial=initial, instance=building)
    if form.is_valid():

        def update():
            services.update_building(building, form.cleaned_data, actor=request.user)
            return building

        if _write(form, request.user, update):
            messages.success(request, _("楼栋信息已保存"))
            return redirect("places:building_detail", building.pk)
    return _form_page(
        request,
        form,
        _("编辑楼栋"),
        building_crumbs(request.user, building, link_self=True),
        reverse("places:building_detail", args=[building.pk]),
    )


@login_required
def unit_create(request, building_pk: int):
    building = get_object_or_404(
        Building.objects.for_user(request.user, CHANGE).select_related("estate", "area"),
        pk=building_pk,
    )
    form = UnitForm(request.POST or None)
    if form.is_valid() and _write(
        form,
        request.user,
        lambda: services.create_unit(building=building, actor=request.user, **form.cleaned_data),
    ):
        messages.success(request, _("单元已新增"))
        return redirect("places:building_detail", building.pk)
    return _form_page(
        request,
        form,
        _("新增单元"),
        building_crumbs(request.user, building, link_self=True),
        reverse("places:building_detail", args=[building.pk]),
    )


@login_required
def household_create(request, building_pk: int):
    building = get_object_or_404(
        Building.objects.for_user(request.user, CHANGE).select_related("estate", "area"),
        pk=building_pk,
    )
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit", "").isdigit() else {}
    form = HouseholdForm(
        request.POST or None, user=request.user, building=building, initial=initial
    )
    if form.is_valid():
        cd = form.cleaned_data
        household = _write(
            form, request.user, lambda: services.create_household(actor=request.user, **cd)
        )
        if household:
            messages.success(request, _("住户已新增"))
            return redirect("places:household_detail", household.pk)
    return _form_page(
        request,
        form,
        _("新增住户"),
        building_crumbs(request.user, building, link_self=True),
        reverse("places:building_detail", args=[building.pk]),
    )


@login_required
def household_edit(request, pk: int):
    household = get_object_or_404(
        Household.objects.for_user(request.user, CHANGE).select_related(
            "building__estate", "building__area", "unit"
        ),
        pk=pk,
    )
    fields = [
        "unit",
        "room",
        "floor",
        "householder_name",
        "people_count",
        "phone",
        "vacant",
        "notes",
    ]
    form = HouseholdForm(
        request.POST or None,
        user=request.user,
        building=household.building,
        initial={f: getattr(household, f) for f in fields},
    )
    if form.is_valid():

        def update():
            services.update_household(household, form.cleaned_data, actor=request.user)
            return household

        if _write(form, request.user, update):
            messages.success(request, _("住户信息已保存"))
            return redirect("places:household_detail", household.pk)
    return _form_page(
        request,
        form,
        _("编辑住户"),
        household_crumbs(request.user, household),
        reverse("places:household_detail", args=[household.pk]),
    )
