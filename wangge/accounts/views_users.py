"""User administration for administrators (MANAGE) and superusers: users and role assignments.

A user outside the administrator's scope is a 404; a user they can see but not change (one who
also holds roles elsewhere) is a 403 on the write pages.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.scope import MANAGE, covers, path_q, scope_paths
from wangge.people.forms import add_service_errors
from wangge.people.views import paginate
from wangge.places.models import Area

from . import services
from .forms import AssignmentForm, SetPasswordForm, UserCreateForm, UserEditForm
from .models import RoleAssignment, User


def manager_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_superuser or scope_paths(request.user, MANAGE)):
            raise PermissionDenied(_("只有系统管理员可以管理用户"))
        return view(request, *args, **kwargs)

    return wrapper


def _roles_prefetch() -> Prefetch:
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.select_related(
            "area", "building__estate", "unit__building__estate"
        ),
    )


def _visible_user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(
        services.visible_users(request.user).prefetch_related(_roles_prefetch()), pk=pk
    )


def _within(request: HttpRequest) -> Area | None:
    ref = request.GET.get("within") or ""
    if not ref.isdigit():
        return None
    return Area.objects.for_user(request.user, MANAGE).filter(pk=int(ref)).first()


@manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    qs = services.visible_users(request.user)
    query = (request.GET.get("q") or "").strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(display_name__contains=query)
            | Q(phone__endswith=query)
        )
    qs = qs.prefetch_related(_roles_prefetch()).order_by("username")
    return render(
        request, "accounts/user_list.html", {"page": paginate(request, qs), "query": query}
    )


@manager_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, user=request.user, within=_within(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.create_user(
                    username=data["username"],
                    password=data["password1"],
                    actor=request.user,
                    display_name=data["display_name"],
                    phone=data["phone"],
                )
                if data.get("role"):
                    services.grant_role(
                        user, role=data["role"], actor=request.user, **data["place"].as_kwargs()
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("用户已创建"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", _form_context(form, None))


def _form_context(form, target) -> dict:
    place = form.fields.get("place")
    return {
        "form": form,
        "target": target,
        "lists_buildings": place.lists_buildings() if place else True,
        "within": place.within if place else None,
        "areas": list(place.querysets["a"]) if place and not place.lists_buildings() else [],
    }


@manager_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _visible_user(request, pk)
    roles = list(target.role_assignments.all())
    for role in roles:
        role.can_revoke = covers(request.user, role.scope_path, MANAGE)
    assignment_form = AssignmentForm(user=request.user, within=_within(request))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "roles": roles,
            "can_manage": services.can_manage_user(request.user, target),
            **_form_context(assignment_form, target),
            "assignment_form": assignment_form,
        },
    )


@manager_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Display name, phone, active flag; and a password reset (a separate form on the page)."""
    target = _visible_user(request, pk)
    if not services.can_manage_user(request.user, target):
        raise PermissionDenied(_("该用户在您的管辖范围之外也有角色，不能由您修改"))
    initial = {
        "display_name": target.display_name,
        "phone": target.phone,
        "is_active": target.is_active,
    }
    form = UserEditForm(initial=initial)
    password_form = SetPasswordForm()
    if request.method == "POST" and request.POST.get("form") == "password":
        password_form = SetPasswordForm(request.POST)
        if password_form.is_valid():
            try:
                services.set_password(
                    target, password_form.cleaned_data["password1"], actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(password_form, exc)
            else:
                messages.success(request, _("密码已重置"))
                return redirect("accounts:user_detail", pk=target.pk)
    elif request.method == "POST":
        form = UserEditForm(request.POST)
        if form.is_valid():
            try:
                services.update_user(target, form.cleaned_data, actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
                target.refresh_from_db()
            else:
                messages.success(request, _("已保存"))
                return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_edit.html",
        {"target": target, "form": form, "password_form": password_form},
    )


@manager_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    target = _visible_user(request, pk)
    form = AssignmentForm(request.POST, user=request.user, within=_within(request))
    if form.is_valid():
        try:
            services.grant_role(
                target,
                role=form.cleaned_data["role"],
                actor=request.user,
                **form.cleaned_data["place"].as_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("角色已分配"))
            return redirect("accounts:user_detail", pk=target.pk)
    roles = list(target.role_assignments.all())
    for role in roles:
        role.can_revoke = covers(request.user, role.scope_path, MANAGE)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "roles": roles,
            "can_manage": services.can_manage_user(request.user, target),
            **_form_context(form, target),
            "assignment_form": form,
        },
        status=400,
    )


@manager_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one role assignment (pk of the assignment), inside the administrator's scope."""
    qs = RoleAssignment.objects.select_related("user")
    q = path_q(scope_paths(request.user, MANAGE), "scope_path")
    if q is not None:
        qs = qs.filter(q)
    assignment = get_object_or_404(qs, pk=pk)
    services.revoke_role(assignment, actor=request.user)
    messages.success(request, _("角色已撤销"))
    return redirect("accounts:user_detail", pk=assignment.user_id)
