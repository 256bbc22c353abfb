"""The visit form: method, outcome, note, the campaign's questionnaire (household questions once,
the per-person block once for each person living there and for people not on the list, trips as
rows of place and dates) and, for users who may change the registry, the household's corrections.

Field names: ``q-<key>`` for household questions, ``p<i>-<key>`` for person i's (``p<i>-person``
carries a resident's id, ``p<i>-name`` names a person not on the list), ``<field>-<j>-place``,
``-from``, ``-to`` for trip j. The form only parses what was typed into the answers dictionary;
services.record_visit (answers.clean_answers) judges it, and its errors are put back on the form.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.mask import mask_name
from wangge.core.services import field_errors
from wangge.people.forms import style_fields
from wangge.people.models import Residence

from .answers import MAX_PEOPLE, MAX_TRIPS, choices_of, is_blank
from .models import Campaign, Method, Outcome, Question
from .services import Corrections

K = Question.Kind
TRIP_ROWS = 2  # empty trip rows offered; the page's script adds more
TRIP_PARTS = ("place", "from", "to")
CHOICE_KINDS = (K.YES_NO, K.SELECT_ONE, K.CONTACT, K.ANTIGEN, K.PCR)
MULTIPLE_KINDS = (K.SELECT_MULTIPLE, K.SYMPTOMS)
NEW_PERSON_FIELDS = {"name": "new_name", "id_number": "new_id_number", "phone": "new_phone"}


def question_field(question: Question) -> forms.Field | None:
    """The form field of one question (None for trips, which are rows of three inputs)."""
    kind = question.kind
    label = question.label
    if kind == K.TRAVEL:
        return None
    if kind in CHOICE_KINDS:
        return forms.ChoiceField(
            label=label,
            choices=list(choices_of(question).items()),
            required=False,
            widget=forms.RadioSelect,
        )
    if kind in MULTIPLE_KINDS:
        return forms.MultipleChoiceField(
            label=label,
            choices=list(choices_of(question).items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if kind in (K.INTEGER, K.PEOPLE_COUNT):
        attrs = {"min": 0, "inputmode": "numeric"}
        return forms.CharField(label=label, required=False, widget=forms.NumberInput(attrs=attrs))
    if kind == K.DATE:
        return forms.CharField(
            label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
    return forms.CharField(label=label, required=False, max_length=500)


@dataclass
class Trip:
    index: int
    place: str = ""
    start: str = ""
    end: str = ""


@dataclass
class Asked:
    """One question as the page shows it."""

    question: Question
    name: str
    bound: forms.BoundField | None = None
    trips: list[Trip] = field(default_factory=list)

    @property
    def next_trip(self) -> int:
        return max((t.index for t in self.trips), default=-1) + 1


@dataclass
class PersonBlock:
    index: int
    prefix: str
    label: str
    residence: Residence | None = None
    person_field: forms.BoundField | None = None
    name_field: forms.BoundField | None = None
    moved_out: bool = False
    questions: list[Asked] = field(default_factory=list)


class VisitForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("方式"), widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label=gettext_lazy("结果"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        *,
        campaign: Campaign,
        questions: list[Question],
        residents: list[Residence],
        can_change: bool,
    ) -> None:
        super().__init__(data)
        labels = dict(Method.choices)
        self.fields["method"].choices = [(m, labels[m]) for m in campaign.methods if m in labels]
        self.fields["method"].initial = (
            Method.VISIT if Method.VISIT in campaign.methods else campaign.methods[0]
        )
        self.fields["client_uuid"].initial = uuid.uuid4()
        self.residents = residents
        self.can_change = can_change
        self.household_qs = [q for q in questions if not q.per_person]
        self.person_qs = [q for q in questions if q.per_person]
        self.asks_count = any(q.kind == K.PEOPLE_COUNT for q in self.household_qs)
        if can_change:
            self._add_correction_fields()
        self.household_block = [self._ask(q, "q-") for q in self.household_qs]
        self.blocks: list[PersonBlock] = []
        if self.person_qs:
            for i, res in enumerate(residents):
                self.blocks.append(self._resident_block(i, res))
            for i in self._extra_indices(len(residents)):
                self.blocks.append(self._extra_block(i))
        style_fields(self)

    # --- building the fields -------------------------------------------------------------------

    def _add_correction_fields(self) -> None:
        self.fields["moved_out"] = forms.MultipleChoiceField(
            label=gettext_lazy("已搬离"),
            choices=[(str(r.pk), mask_name(r.person.name)) for r in self.residents],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        if not self.asks_count:
            self.fields["people_count"] = forms.IntegerField(
                label=gettext_lazy("现居人数"), min_value=0, max_value=MAX_PEOPLE, required=False
            )
        self.fields["new_name"] = forms.CharField(
            label=gettext_lazy("姓名"), max_length=50, required=False
        )
        self.fields["new_id_number"] = forms.CharField(
            label=gettext_lazy("身份证号"), max_length=40, required=False
        )
        self.fields["new_phone"] = forms.CharField(
            label=gettext_lazy("联系电话"), max_length=40, required=False
        )
        self.fields["new_relation"] = forms.ChoiceField(
            label=gettext_lazy("与户主关系"),
            choices=Residence.Relation.choices,
            initial=Residence.Relation.TENANT,
            required=False,
        )

    def _ask(self, question: Question, prefix: str) -> Asked:
        name = prefix + question.key
        made = question_field(question)
        if made is None:
            return Asked(question, name, trips=self._trips(name))
        self.fields[name] = made
        return Asked(question, name)

    def _trips(self, name: str) -> list[Trip]:
        if not self.is_bound:
            return [Trip(j) for j in range(TRIP_ROWS)]
        pattern = re.compile(re.escape(name) + r"-(\d+)-(place|from|to)$")
        rows: dict[int, Trip] = {}
        for key in self.data:
            match = pattern.match(key)
            if match and int(match[1]) < 100:
                trip = rows.setdefault(int(match[1]), Trip(int(match[1])))
                value = str(self.data.get(key, "")).strip()
                setattr(trip, {"place": "place", "from": "start", "to": "end"}[match[2]], value)
        return [rows[j] for j in sorted(rows)][:MAX_TRIPS] or [Trip(j) for j in range(TRIP_ROWS)]

    def _resident_block(self, i: int, res: Residence) -> PersonBlock:
        prefix = f"p{i}-"
        self.fields[prefix + "person"] = forms.IntegerField(
            required=False, widget=forms.HiddenInput, initial=res.person_id
        )
        moved = self.is_bound and str(res.pk) in self.data.getlist("moved_out")
        block = PersonBlock(i, prefix, mask_name(res.person.name), res, moved_out=moved)
        block.questions = [self._ask(q, prefix) for q in self.person_qs]
        return block

    def _extra_indices(self, first: int) -> list[int]:
        found = set()
        if self.is_bound:
            for key in self.data:
                match = re.fullmatch(r"p(\d+)-name", key)
                if match and first <= int(match[1]) < first + MAX_PEOPLE:
                    found.add(int(match[1]))
        return sorted(found) or [first]

    def _extra_block(self, i: int) -> PersonBlock:
        prefix = f"p{i}-"
        self.fields[prefix + "name"] = forms.CharField(
            label=gettext_lazy("姓名"), max_length=50, required=False
        )
        block = PersonBlock(i, prefix, "")
        block.questions = [self._ask(q, prefix) for q in self.person_qs]
        return block

    def bind_blocks(self) -> None:
        """Give each question its bound field (after errors were added, for the template)."""
        for asked in self._all_asked():
            if asked.name in self.fields:
                asked.bound = self[asked.name]
        for block in self.blocks:
            if block.residence is not None:
                block.person_field = self[block.prefix + "person"]
            else:
                block.name_field = self[block.prefix + "name"]

    @property
    def has_field_errors(self) -> bool:
        return any(key != "__all__" for key in self.errors)

    def _all_asked(self):
        yield from self.household_block
        for block in self.blocks:
            yield from block.questions

    # --- reading what was typed ---------------------------------------------------------------

    def clean(self):
        data = super().clean()
        for block in self.blocks:
            if block.residence is None:
                if not data.get(block.prefix + "name") and self._block_answers(block):
                    self.add_error(block.prefix + "name", _("请填写此人的姓名"))
                continue
            posted = data.get(block.prefix + "person")
            if posted is not None and posted != block.residence.person_id:
                raise ValidationError(_("本户人员名单已有变化，请核对后重新填写"))
        if self.can_change and not data.get("new_name"):
            if data.get("new_id_number") or data.get("new_phone"):
                self.add_error("new_name", _("请填写新登记人员的姓名"))
        return data

    def _value(self, asked: Asked):
        if asked.question.kind == K.TRAVEL:
            trips = [
                {"place": t.place, "from": t.start, "to": t.end}
                for t in asked.trips
                if t.place or t.start or t.end
            ]
            return trips or None
        value = self.cleaned_data.get(asked.name)
        return None if is_blank(value) else value

    def _answers_of(self, questions: list[Asked]) -> dict:
        out = {a.question.key: v for a in questions if (v := self._value(a)) is not None}
        if out:
            # Symptoms left unticked in a block that was answered: none.
            for a in questions:
                if a.question.kind == K.SYMPTOMS and a.question.key not in out:
                    out[a.question.key] = []
        return out

    def _block_answers(self, block: PersonBlock) -> dict:
        return self._answers_of(block.questions)

    def answers(self) -> dict:
        """What was typed, as answers for services.record_visit."""
        out = self._answers_of(self.household_block)
        answered = self.cleaned_data.get("outcome") == Outcome.ANSWERED
        moved = set(self.cleaned_data.get("moved_out") or [])
        persons = []
        for block in self.blocks:
            given = self._block_answers(block)
            res = block.residence
            if res is not None:
                if str(res.pk) in moved or not (answered or given):
                    continue
                persons.append({"person": res.person_id, "name": res.person.name, **given})
            elif given:
                name = self.cleaned_data.get(block.prefix + "name", "")
                persons.append({"person": None, "name": name, **given})
        if persons:
            out["persons"] = persons
        return out

    def corrections(self) -> Corrections | None:
        if not self.can_change:
            return None
        data = self.cleaned_data
        new_people = []
        if data.get("new_name"):
            new_people.append(
                {
                    "name": data["new_name"],
                    "id_number": data.get("new_id_number", ""),
                    "phone": data.get("new_phone", ""),
                    "relation": data.get("new_relation") or Residence.Relation.TENANT,
                }
            )
        return Corrections(
            people_count=data.get("people_count"),
            moved_out=[int(pk) for pk in data.get("moved_out") or []],
            new_people=new_people,
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        """A ValidationError from record_visit, shown at the top (people's names masked), or
        under the new person's field it names."""
        names = {r.person.name: mask_name(r.person.name) for r in self.residents}
        for key, messages in field_errors(exc).items():
            target = NEW_PERSON_FIELDS.get(key)
            for message in messages:
                for name, masked in names.items():
                    message = message.replace(f"{name}：", f"{masked}：")
                if target and target in self.fields:
                    self.add_error(target, message)
                else:
                    self.add_error(None, message)
