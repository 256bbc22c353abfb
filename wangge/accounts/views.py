"""Sign-in (rate limited), sign-out, the user's own profile, password and API tokens.
User administration is in views_users.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.core.scope import CHANGE, EXPORT, IMPORT, MANAGE, VIEW, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Area

from . import services
from .forms import LoginForm, OwnPasswordForm, TokenForm
from .models import ApiToken

BLOCKED_MESSAGE = gettext_lazy("登录失败次数过多，请15分钟后再试")


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:45]


class LoginView(auth_views.LoginView):
    """Django's sign-in, refusing attempts (429) after too many recent failures."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if services.login_blocked(request.POST.get("username", ""), client_ip(request)):
            form = self.get_form_class()(request)
            form.initial = {"username": request.POST.get("username", "")}
            context = self.get_context_data(form=form, blocked_message=BLOCKED_MESSAGE)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(int(services.LOGIN_WINDOW.total_seconds()))
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        services.record_login_failure(
            self.request.POST.get("username", ""), client_ip(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        services.clear_login_failures(form.get_user().get_username())
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass


ACTION_LABELS = [
    (VIEW, gettext_lazy("查看")),
    (CHANGE, gettext_lazy("修改")),
    (EXPORT, gettext_lazy("导出")),
    (IMPORT, gettext_lazy("导入")),
    (MANAGE, gettext_lazy("管理用户")),
]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = list(
        user.role_assignments.select_related("area", "building__estate", "unit__building__estate")
    )
    actions = []
    for action, label in ACTION_LABELS:
        paths = scope_paths(user, action)
        if paths:
            actions.append({"label": label, "areas": _scope_labels(paths)})
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": roles,
            "actions": actions,
            "token_count": user.api_tokens.count(),
            "can_manage": bool(scope_paths(user, MANAGE)),
        },
    )


def _scope_labels(paths: list[str]) -> list[str]:
    """Readable names for scope paths: the area's full name (plus building/unit when deeper)."""
    if "" in paths:
        return [_("全部")]
    labels = []
    for path in paths:
        area_part = path.split("b", 1)[0]
        ids = [int(p) for p in area_part.strip("/").split("/") if p.isdigit()]
        area = Area.objects.filter(pk=ids[-1]).first() if ids else None
        label = area.full_name() if area else path
        if "b" in path:
            label = f"{label} · {_('部分楼栋/单元')}"
        labels.append(label)
    return labels


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = OwnPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, form.cleaned_data["password1"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens. A new key is shown on this response only, never again."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.issue_token(
                request.user, form.cleaned_data["name"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm()
    tokens = request.user.api_tokens.order_by("-created_at")
    response = render(
        request, "accounts/token_list.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.revoke_token(token, actor=request.user)
    messages.success(request, _("令牌已撤销"))
    return redirect("accounts:token_list")
