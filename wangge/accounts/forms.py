"""Forms for sign-in, users, role assignments and API tokens."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import MANAGE
from wangge.people.forms import style_fields
from wangge.people.place_choice import PlaceChoiceField

from .roles import Role


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username"}
        )
        style_fields(self)


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class UserCreateForm(PasswordPairMixin):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录用，字母、数字或 @/./+/-/_")
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    role = forms.ChoiceField(
        label=_("角色"), choices=[("", "---------"), *Role.choices], required=False
    )

    def __init__(self, *args, user, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = PlaceChoiceField(
            user=user,
            action=MANAGE,
            within=within,
            kinds="abu",
            required=False,
            label=_("角色范围"),
        )
        self.order_fields(
            ["username", "display_name", "phone", "password1", "password2", "role", "place"]
        )
        style_fields(self)

    def clean(self):
        data = super().clean()
        if bool(data.get("role")) != bool(data.get("place")):
            self.add_error("place", _("分配角色时请同时选择角色和范围"))
        return data


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    is_active = forms.BooleanField(
        label=_("账号有效"), required=False, help_text=_("停用后该用户不能登录，接口令牌也失效")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class SetPasswordForm(PasswordPairMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("新密码")
        self.fields["password2"].label = _("再次输入新密码")
        style_fields(self)


class OwnPasswordForm(SetPasswordForm):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.order_fields(["old_password", "password1", "password2"])
        style_fields(self)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("原密码不正确"))
        return value


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def __init__(self, *args, user, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = PlaceChoiceField(
            user=user, action=MANAGE, within=within, kinds="abu", label=_("范围")
        )
        style_fields(self)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"), max_length=100, help_text=_("例如：采样点扫码枪、数据对接")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
