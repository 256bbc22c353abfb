"""Forms for persons, residences and leaders. Choices are always limited to the user's scope."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import CHANGE
from wangge.core.services import field_errors
from wangge.places.models import Area, Household

from .models import LeaderAssignment, Person, Residence, SpecialGroup
from .place_choice import PlaceChoiceField

PERSON_FIELDS = ("name", "id_number", "sex", "birth_date", "phone", "has_smartphone", "notes")


CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


def style_fields(form: forms.Form) -> forms.Form:
    """Give widgets their Bootstrap classes (templates render fields with people/_field.html)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, CHECK_WIDGETS):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "")
        if css not in classes.split():
            widget.attrs["class"] = f"{classes} {css}".strip()
    return form


def add_service_errors(
    form: forms.Form, exc: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form, under the field it names when there is one
    (`rename`: the service's field name → the form's, where they differ)."""
    for field, messages in field_errors(exc).items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, messages)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=40,
        required=False,
        help_text=_("填写身份证号后，性别和出生日期自动识别"),
    )
    sex = forms.ChoiceField(label=_("性别"), choices=Person.Sex.choices, required=False)
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    has_smartphone = forms.BooleanField(label=_("有智能手机"), required=False, initial=True)
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)
    special_groups = forms.MultipleChoiceField(
        label=_("特殊人群"),
        choices=SpecialGroup.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def person_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in PERSON_FIELDS}
        data["sex"] = data["sex"] or ""
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        initial = {k: getattr(person, k) for k in PERSON_FIELDS}
        initial["id_number"] = person.id_number or ""
        initial["special_groups"] = [g.kind for g in person.special_groups.all()]
        return initial


class PersonCreateForm(PersonForm):
    """A new person, added to a household (fixed by ?household=) or entered under an area."""

    household = forms.ModelChoiceField(
        label=_("住户"), queryset=Household.objects.none(), required=False, widget=forms.HiddenInput
    )
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("尚未落到具体住户时，先登记到区域"),
    )
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=Residence.Relation.choices, initial=Residence.Relation.MEMBER
    )
    registered = forms.BooleanField(label=_("户籍在此"), required=False, initial=True)
    living = forms.BooleanField(label=_("实际居住"), required=False, initial=True)

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.for_user(user, CHANGE)
        style_fields(self)
        self.fields["area"].queryset = Area.objects.for_user(user, CHANGE).order_by("path")
        self.fixed_household = household
        if household is not None:
            self.fields["household"].initial = household.pk
            del self.fields["area"]
        else:
            for name in ("household", "relation", "registered", "living"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.fixed_household is None and not data.get("area"):
            self.add_error("area", _("请选择所属区域"))
        return data


class ResidenceForm(forms.Form):
    """Add a person to a(nother) household: chosen among search results within scope."""

    household = forms.ModelChoiceField(
        label=_("住户"),
        queryset=Household.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择住户"), "invalid_choice": _("请选择住户")},
    )
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=Residence.Relation.choices, initial=Residence.Relation.TENANT
    )
    registered = forms.BooleanField(label=_("户籍在此"), required=False, initial=False)
    living = forms.BooleanField(label=_("实际居住"), required=False, initial=True)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.for_user(user, CHANGE)
        style_fields(self)


class ResidenceEndForm(forms.Form):
    until = forms.DateField(label=_("迁出日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate()
        style_fields(self)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until > timezone.localdate():
            raise ValidationError(_("迁出日期不能晚于今天"))
        return until


ROLE_PLACE_KINDS = {
    LeaderAssignment.Role.STREET: "a",
    LeaderAssignment.Role.ROAD: "a",
    LeaderAssignment.Role.GRID: "a",
    LeaderAssignment.Role.BUILDING: "b",
    LeaderAssignment.Role.UNIT: "u",
    LeaderAssignment.Role.COMMANDER: "az",
    LeaderAssignment.Role.DEPUTY: "az",
}


class LeaderForm(forms.Form):
    role = forms.ChoiceField(label=_("职务"), choices=LeaderAssignment.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    label = forms.CharField(
        label=_("负责范围说明"),
        max_length=100,
        required=False,
        help_text=_("路(巷)长负责的道路名称等"),
    )
    organisation = forms.CharField(label=_("派出单位"), max_length=100, required=False)
    active = forms.BooleanField(label=_("在岗"), required=False, initial=True)

    def __init__(self, *args, user, within: Area | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = PlaceChoiceField(
            user=user, action=CHANGE, within=within, label=_("负责地点")
        )
        self.order_fields(["role", "name", "phone", "place"])
        style_fields(self)

    def clean(self):
        data = super().clean()
        place, role = data.get("place"), data.get("role")
        if place is None or not role:
            return data
        kind = "u" if place.unit else "b" if place.building else "z" if place.command_zone else "a"
        if kind not in ROLE_PLACE_KINDS[role]:
            self.add_error(
                "place",
                _(
                    "所选职务与负责地点不匹配：楼栋长对应楼栋，单元长对应单元，"
                    "街长、路长、网格长对应区域"
                ),
            )
        elif role == LeaderAssignment.Role.GRID and place.area.level != Area.Level.GRID:
            self.add_error("place", _("网格长的负责地点应为网格"))
        return data

    def leader_data(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("role", "name", "phone", "label", "organisation", "active")
        }
