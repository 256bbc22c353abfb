"""Questionnaire forms, and the checks every list of questions passes wherever it comes from (the
question form, an uploaded sheet, a move or a deletion): a `Draft` is one question before it is
saved; `check_drafts` checks a whole list in order and puts each answer value (a condition's, a
flag's) in the form answers are stored in, so "left_city=是" becomes "left_city=yes"."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.imports import ALLOWED_SUFFIXES
from wangge.core.normalize import clean_text
from wangge.people.forms import style_fields
from wangge.places.models import Area

from .answers import AnswerError, choices_of, clean_value
from .forms_campaign import AreaChoice, campaign_areas
from .models import Question, Questionnaire

K = Question.Kind
SELECT_KINDS = (K.SELECT_ONE, K.SELECT_MULTIPLE)
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CODE_RE = re.compile(r"^[A-Za-z0-9_]+$")
CONDITION_RE = re.compile(r"^\$?\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\s*(!=|=)\s*(.*)$")
# Keys the stored answers use for themselves ({"persons": [{"person", "name", …}]}).
RESERVED_KEYS = {"persons", "person", "name"}
MAX_QUESTIONS = 200
MAX_CHOICE = 100
UPLOAD_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Draft:
    """One question as given, before it is saved (`line`: its row in a sheet, 0 otherwise)."""

    kind: str
    key: str
    label: str
    choices: list[str] = field(default_factory=list)
    required: bool = False
    condition: str = ""
    per_person: bool = False
    flag_value: str = ""
    flag_code: str = ""
    line: int = 0

    @classmethod
    def of(cls, question: Question) -> Draft:
        return cls(**{f: getattr(question, f) for f in FIELDS})

    def values(self) -> dict:
        data = asdict(self)
        data.pop("line")
        return data

    def as_question(self) -> Question:
        return Question(**self.values())


FIELDS = tuple(f for f in Draft.__dataclass_fields__ if f != "line")


@dataclass(frozen=True)
class Problem:
    index: int  # of the draft in the list checked
    field: str
    value: str
    reason: str


def tidy(text) -> str:
    """Text as written, whitespace runs collapsed (Chinese punctuation kept, unlike clean_text)."""
    return " ".join(str(text or "").split())


def split_choices(text: str) -> list[str]:
    """Choices written one a line, or separated by "|" (or "；" or "、" when there is no "|")."""
    text = str(text or "")
    parts = (
        re.split(r"[|｜\n]", text) if re.search(r"[|｜\n]", text) else re.split(r"[;；、]", text)
    )
    out: list[str] = []
    for part in parts:
        choice = clean_text(part)
        if choice and choice not in out:
            out.append(choice)
    return out


def _stored(question: Question, value: str) -> str:
    """An answer value as stored for `question` (AnswerError when it cannot be one)."""
    if question.kind == K.TRAVEL:
        raise AnswerError(_("旅居史题不能作为条件或标记答案（到过风险地区会自动标记）"))
    clean = clean_value(question, value)
    if isinstance(clean, list):
        if len(clean) != 1:
            raise AnswerError(_("只能填写一个答案：%(value)s") % {"value": value})
        clean = clean[0]
    return str(clean)


def _check_condition(draft: Draft, earlier: dict[str, Draft]) -> str:
    """The condition in stored form; ValueError with the reason when it is not one."""
    text = clean_text(draft.condition)
    match = CONDITION_RE.match(text)
    if not match or not match.group(3).strip(" '\"‘’“”"):
        raise ValueError(_("显示条件应写成“字段名=答案”或“字段名!=答案”，例如 left_city=是"))
    key, op, value = match.group(1), match.group(2), match.group(3).strip(" '\"‘’“”")
    source = earlier.get(key)
    if source is None:
        raise ValueError(_("显示条件中的字段名“%(key)s”不在本题之前的题目中") % {"key": key})
    if source.per_person and not draft.per_person:
        raise ValueError(_("户内题目不能以每人填写的题目为条件：%(key)s") % {"key": key})
    try:
        value = _stored(source.as_question(), value)
    except AnswerError as exc:
        raise ValueError(_("显示条件：%(reason)s") % {"reason": exc}) from None
    return f"{key}{op}{value}"


def _check_one(draft: Draft, earlier: dict[str, Draft]) -> list[tuple[str, str, str]]:
    """(field, value, reason) of each problem of one draft, given the drafts before it."""
    problems: list[tuple[str, str, str]] = []
    draft.label = tidy(draft.label)
    draft.key = clean_text(draft.key)
    if draft.kind not in K.values:
        problems.append(("kind", draft.kind, _("不认识的题型")))
    if not draft.label:
        problems.append(("label", "", _("题目不能为空")))
    elif len(draft.label) > 200:
        problems.append(("label", draft.label[:20], _("题目不能超过200个字")))
    key = draft.key
    if key and not KEY_RE.match(key):
        reason = _("字段名只能用英文字母、数字和下划线，且不能以数字开头")
        problems.append(("key", key, reason))
    elif len(key) > 40:
        problems.append(("key", key, _("字段名不能超过40个字符")))
    elif key in RESERVED_KEYS:
        problems.append(("key", key, _("“%(key)s”是系统保留的字段名") % {"key": key}))
    elif key in earlier:
        reason = _("字段名与前面的题目“%(label)s”重复") % {"label": earlier[key].label}
        problems.append(("key", key, reason))
    if draft.kind in SELECT_KINDS:
        if len(draft.choices) < 2:
            problems.append(("choices", "", _("单选题和多选题至少需要两个选项")))
        for choice in draft.choices:
            if len(choice) > MAX_CHOICE or "|" in choice:
                reason = _("选项不能超过100个字，也不能含有“|”")
                problems.append(("choices", choice[:20], reason))
    else:
        draft.choices = []  # fixed by the kind, or none
    if draft.condition:
        try:
            draft.condition = _check_condition(draft, earlier)
        except ValueError as exc:
            problems.append(("condition", draft.condition, str(exc)))
    draft.flag_code = clean_text(draft.flag_code)
    if draft.flag_value and draft.kind in K.values:
        try:
            draft.flag_value = _stored(draft.as_question(), draft.flag_value)
        except AnswerError as exc:
            problems.append(("flag_value", draft.flag_value, _("标记答案：%(r)s") % {"r": exc}))
    if draft.flag_code and not draft.flag_value:
        problems.append(("flag_code", draft.flag_code, _("填写了标记代码，但没有填写标记答案")))
    elif draft.flag_code and (len(draft.flag_code) > 32 or not CODE_RE.match(draft.flag_code)):
        reason = _("标记代码只能用英文字母、数字和下划线，最多32个字符")
        problems.append(("flag_code", draft.flag_code, reason))
    return problems


def check_drafts(drafts: list[Draft]) -> list[Problem]:
    """Every problem of the list, in order; drafts are normalised in place and those without a
    key get one (q1, q2…) when the list has no problem."""
    problems: list[Problem] = []
    if len(drafts) > MAX_QUESTIONS:
        reason = _("一份问卷最多%(n)d道题") % {"n": MAX_QUESTIONS}
        problems.append(Problem(MAX_QUESTIONS, "kind", "", reason))
    earlier: dict[str, Draft] = {}
    for i, draft in enumerate(drafts):
        problems.extend(Problem(i, *p) for p in _check_one(draft, earlier))
        if draft.key and draft.key not in earlier:
            earlier[draft.key] = draft
    if not problems:
        n = 0
        for draft in drafts:
            while not draft.key:
                n += 1
                if f"q{n}" not in earlier:
                    draft.key = f"q{n}"
                    earlier[draft.key] = draft
    return problems


def question_hint(questions: list[Question]) -> str:
    """The keys a condition may name, as the form's help text shows them."""
    parts = []
    for q in questions:
        options = "/".join(choices_of(q).values())
        parts.append(f"{q.key}（{q.label}{'：' + options if options else ''}）")
    return "；".join(parts)


# --- forms ------------------------------------------------------------------------------------


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("问卷名称"), max_length=100)
    description = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)
    area = AreaChoice(
        label=gettext_lazy("所属区域"),
        queryset=Area.objects.none(),
        help_text=gettext_lazy("本区域及下级区域的排查任务可以使用这份问卷"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = campaign_areas(user)
        style_fields(self)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("题型"), choices=K.choices)
    label = forms.CharField(label=gettext_lazy("题目"), max_length=200)
    key = forms.CharField(
        label=gettext_lazy("字段名"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("英文字母、数字和下划线，用于显示条件和导出；留空则自动编号"),
    )
    choices = forms.CharField(
        label=gettext_lazy("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("单选题、多选题填写，每行一个选项"),
    )
    required = forms.BooleanField(label=gettext_lazy("必答"), required=False)
    per_person = forms.BooleanField(
        label=gettext_lazy("每人填写（家中每位住户各答一次）"), required=False
    )
    condition = forms.CharField(
        label=gettext_lazy("显示条件"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("只在前面某题答某个答案时才问，例如 left_city=是；留空则总是问"),
    )
    flag_value = forms.CharField(
        label=gettext_lazy("标记答案"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("答这个答案的住户或人员列入排查发现，例如 否"),
    )
    flag_code = forms.CharField(
        label=gettext_lazy("标记代码"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("排查发现的原因代码，例如 kits_missing；留空则为“问卷答案需关注”"),
    )

    def __init__(self, *args, earlier: list[Question] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if earlier:
            hint = question_hint(list(earlier))
            self.fields["condition"].help_text = _("可用的字段：%(keys)s") % {"keys": hint}
        style_fields(self)

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        initial = {f: getattr(question, f) for f in FIELDS}
        initial["choices"] = "\n".join(question.choices)
        return initial

    def draft(self) -> Draft:
        data = dict(self.cleaned_data)
        data["choices"] = split_choices(data["choices"])
        return Draft(**{f: data[f] for f in FIELDS})


class QuestionnaireUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("问卷表格"),
        help_text=gettext_lazy("Excel（.xlsx）或 CSV 文件，一行一道题，格式见模板"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    name = forms.CharField(
        label=gettext_lazy("问卷名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("留空则用表格的标题行或文件名"),
    )
    description = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)
    area = AreaChoice(label=gettext_lazy("所属区域"), queryset=Area.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = campaign_areas(user)
        style_fields(self)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("只支持 .xlsx、.xls 或 .csv 文件"))
        if f.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件太大（问卷表格最大 2 MB）"))
        return f


class CopyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("新问卷名称"), max_length=100)
    area = AreaChoice(label=gettext_lazy("所属区域"), queryset=Area.objects.none())

    def __init__(self, *args, user, source: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        areas = campaign_areas(user)
        self.fields["area"].queryset = areas
        if not self.is_bound:
            self.initial.setdefault("name", _("%(name)s（副本）") % {"name": source.name})
            if areas.filter(pk=source.area_id).exists():
                self.initial.setdefault("area", source.area_id)
        style_fields(self)
