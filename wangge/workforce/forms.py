"""Forms of the workforce registry: a worker, an organisation, linking a worker to an account,
a recruitment post, deciding a sign-up, and the public volunteer sign-up form.

The forms parse input; phones, ID numbers and names are normalised and checked by the
services, whose errors are put back on the field they name (people.forms.add_service_errors).
Every dropdown is limited to the user's scope."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import User
from wangge.accounts.roles import Role
from wangge.core.scope import CHANGE, VIEW
from wangge.places.forms import BootstrapForm
from wangge.places.models import Area, Estate

from .models import Organization, Post, Worker
from .services import LINKABLE_ROLES

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CHECKS = {"class": "form-check-input"}


def skills_field(label=None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label or _("技能"),
        choices=Worker.Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKS),
    )


def _areas(user, action=CHANGE):
    return Area.objects.for_user(user, action).order_by("path")


class WorkerForm(BootstrapForm):
    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名")}
    )
    phone = forms.CharField(
        label=_("电话"), max_length=40, error_messages={"required": _("请填写联系电话")}
    )
    id_number = forms.CharField(label=_("身份证号"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=Worker.Kind.choices)
    area = forms.ModelChoiceField(
        label=_("服务区域"),
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("所选区域不存在或不在您的管辖范围内")},
    )
    organization = forms.ModelChoiceField(
        label=_("派出单位"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("（无）"),
        error_messages={"invalid_choice": _("所选单位不存在或不在您的管辖范围内")},
    )
    estate = forms.ModelChoiceField(
        label=_("包保小区"),
        queryset=Estate.objects.none(),
        required=False,
        empty_label=_("（无）"),
        error_messages={"invalid_choice": _("所选小区不存在或不在您的管辖范围内")},
    )
    reserve = forms.BooleanField(label=_("机动人员"), required=False)
    skills = skills_field()
    availability = forms.CharField(
        label=_("可服务时间"),
        max_length=200,
        required=False,
        help_text=_("如“工作日晚上、周末全天”"),
    )
    health = forms.ChoiceField(label=_("健康状况"), choices=Worker.Health.choices)
    status = forms.ChoiceField(label=_("状态"), choices=Worker.Status.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user)
        self.fields["organization"].queryset = Organization.objects.touching(user, VIEW)
        self.fields["estate"].queryset = Estate.objects.for_user(user, VIEW).order_by("name")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["id_number"].widget.attrs.update(autocomplete="off")


class OrganizationForm(BootstrapForm):
    name = forms.CharField(
        label=_("单位名称"), max_length=100, error_messages={"required": _("请填写单位名称")}
    )
    kind = forms.ChoiceField(label=_("类型"), choices=Organization.Kind.choices)
    area = forms.ModelChoiceField(
        label=_("登记区域"),
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("所选区域不存在或不在您的管辖范围内")},
    )
    estates = forms.ModelMultipleChoiceField(
        label=_("包保小区"),
        queryset=Estate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKS),
        help_text=_("作为包保单位负责的小区"),
    )
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user)
        self.fields["estates"].queryset = Estate.objects.for_user(user, VIEW).order_by("name")


class LinkForm(BootstrapForm):
    """Link a worker to an existing account, or create one."""

    EXISTING, NEW = "existing", "new"

    mode = forms.ChoiceField(
        label=_("账号"),
        choices=[(EXISTING, _("关联已有账号")), (NEW, _("新建账号"))],
        widget=forms.RadioSelect(attrs=CHECKS),
        initial=NEW,
    )
    user = forms.ModelChoiceField(
        label=_("已有账号"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("请选择账号"),
        error_messages={"invalid_choice": _("所选账号不存在或您无权管理")},
    )
    username = forms.CharField(label=_("新账号用户名"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("初始密码"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(r.value, r.label) for r in LINKABLE_ROLES],
        help_text=_("在该人员的服务区域内分配"),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["username"].widget.attrs.update(autocomplete="off")
        self.fields["password1"].widget.attrs.update(autocomplete="new-password")

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.EXISTING and not data.get("user"):
            self.add_error("user", _("请选择要关联的账号"))
        if data.get("mode") == self.NEW:
            if not (data.get("username") or "").strip():
                self.add_error("username", _("请填写新账号的用户名"))
            if not data.get("password1"):
                self.add_error("password1", _("请设置初始密码"))
        return data


def default_role(worker: Worker) -> str:
    from .services import DEFAULT_ROLE

    return str(DEFAULT_ROLE.get(worker.kind, Role.VOLUNTEER))


class RecruitmentForm(BootstrapForm):
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        help_text=_("如“今天核酸采样严重缺人”"),
        error_messages={"required": _("请填写标题")},
    )
    area = forms.ModelChoiceField(
        label=_("招募区域"),
        queryset=Area.objects.none(),
        empty_label=None,
        help_text=_("报名通过的志愿者登记到该区域"),
        error_messages={"invalid_choice": _("所选区域不存在或不在您的管辖范围内")},
    )
    description = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("集合地点、要求、联系人等"),
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("招募岗位"),
        queryset=Post.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKS),
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=DATETIME, error_messages={"required": _("请填写开始时间")}
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=DATETIME, error_messages={"required": _("请填写结束时间")}
    )
    needed = forms.IntegerField(
        label=_("需要人数"),
        min_value=1,
        max_value=10000,
        initial=10,
        error_messages={"min_value": _("需要人数至少为 1"), "invalid": _("请输入整数")},
    )
    skills = skills_field(_("需要技能"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user)
        self.fields["posts"].queryset = Post.objects.touching(user, VIEW).filter(active=True)
        now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        self.fields["starts_at"].initial = now + dt.timedelta(hours=1)
        self.fields["ends_at"].initial = now + dt.timedelta(hours=7)

    def clean(self):
        data = super().clean()
        s, e = data.get("starts_at"), data.get("ends_at")
        if s and e and e <= s:
            self.add_error("ends_at", _("结束时间应晚于开始时间"))
        return data


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("通过")), ("decline", _("不通过"))])
    reason = forms.CharField(label=_("未通过原因"), max_length=200, required=False)


class SignUpForm(BootstrapForm):
    """The public volunteer sign-up form."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名")}
    )
    phone = forms.CharField(
        label=_("手机号"), max_length=40, error_messages={"required": _("请填写手机号")}
    )
    skills = skills_field(_("我能做的"))
    availability = forms.CharField(
        label=_("可服务时间"),
        max_length=200,
        required=False,
        help_text=_("如“今天全天”“每天晚上 6 点后”"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    healthy = forms.BooleanField(
        label=_("本人承诺：身体健康，健康码为绿码，未处于隔离或居家健康监测期"),
        error_messages={"required": _("请确认本人身体健康、未处于隔离或居家健康监测期")},
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_uuid"].initial = uuid.uuid4
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["name"].widget.attrs.update(autocomplete="name")
