"""Questionnaire pages: the list, a new empty questionnaire, a questionnaire's questions in order
with adding, editing, deleting and moving them, copying it as a new one, and the sheet: upload a
questionnaire, download it or the template.

Anyone who sees a campaign sees its questionnaire; changing one needs CHANGE on its area (404
otherwise), and a questionnaire asked by a campaign that has visits no longer changes (it can
be copied as a new questionnaire). Every change is checked on the whole list of questions
(forms_questionnaire.check_drafts), so a condition never names a question that is not before it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.exports import xlsx_response
from wangge.core.imports import ImportFormatError
from wangge.core.scope import CHANGE, covers
from wangge.core.services import create_object
from wangge.people.forms import add_service_errors
from wangge.places.crumbs import Crumb
from wangge.places.paging import paginate

from . import questionnaire_sheet as sheet
from . import services_questionnaires as qservices
from .answers import choices_of, describe_conditions
from .forms_campaign import campaign_areas
from .forms_questionnaire import (
    CopyForm,
    Draft,
    Problem,
    QuestionForm,
    QuestionnaireForm,
    QuestionnaireUploadForm,
    check_drafts,
)
from .library import LIBRARY
from .models import Question, Questionnaire
from .queries import visible_campaigns, visible_questionnaires
from .services import copy_questionnaire


def crumbs(questionnaire: Questionnaire | None = None, title: str = "") -> list[Crumb]:
    out = [Crumb(_("问卷"), reverse("canvass:questionnaire_list"))]
    if questionnaire is not None:
        url = reverse("canvass:questionnaire_detail", args=[questionnaire.pk]) if title else None
        out.append(Crumb(questionnaire.name, url))
    if title:
        out.append(Crumb(title, None))
    return out


def form_page(request, form, title: str, back: str, questionnaire=None, template: str = ""):
    context = {
        "form": form,
        "title": title,
        "crumbs": crumbs(questionnaire, title),
        "cancel_url": back,
        "questionnaire": questionnaire,
    }
    return render(request, template or "canvass/campaigns/form.html", context)


def changeable(user, pk: int) -> Questionnaire:
    """A questionnaire the user may change (404 otherwise)."""
    qs = Questionnaire.objects.for_user(user, CHANGE).select_related("area")
    return get_object_or_404(qs, pk=pk)


def _detail(questionnaire: Questionnaire) -> str:
    return reverse("canvass:questionnaire_detail", args=[questionnaire.pk])


def _refuse_locked(request, questionnaire: Questionnaire):
    """A redirect to the questionnaire when it can no longer change, else None."""
    if qservices.locked(questionnaire):
        messages.error(
            request,
            _("该问卷已有排查任务在使用并已有走访记录，不能再修改；可以复制为新问卷后修改。"),
        )
        return redirect(_detail(questionnaire))
    return None


def _problem_text(problem: Problem, drafts: list[Draft]) -> str:
    draft = drafts[min(problem.index, len(drafts) - 1)]
    return _("第%(n)d题“%(label)s”：%(reason)s") % {
        "n": problem.index + 1,
        "label": draft.label,
        "reason": problem.reason,
    }


@login_required
def questionnaire_list(request):
    q = request.GET.get("q", "").strip()
    rows = visible_questionnaires(request.user).select_related("area")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(description__icontains=q))
    rows = rows.annotate(
        n_questions=Count("questions", distinct=True), n_campaigns=Count("campaigns", distinct=True)
    ).order_by("-created_at", "-pk")
    context = {
        "page": paginate(request, rows, per_page=20),
        "q": q,
        "can_create": campaign_areas(request.user).exists(),
        "library": LIBRARY.values(),
    }
    return render(request, "canvass/questionnaires/questionnaire_list.html", context)


@login_required
def questionnaire_create(request):
    form = QuestionnaireForm(request.POST or None, user=request.user)
    if not form.fields["area"].queryset.exists():
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = create_object(Questionnaire(**form.cleaned_data), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("问卷已创建，请添加题目"))
            return redirect(_detail(questionnaire))
    back = reverse("canvass:questionnaire_list")
    return form_page(request, form, _("新建问卷"), back)


@login_required
def questionnaire_detail(request, pk: int):
    user = request.user
    questionnaire = get_object_or_404(visible_questionnaires(user).select_related("area"), pk=pk)
    questions = describe_conditions(list(questionnaire.questions.all()))
    for q in questions:
        q.options = list(choices_of(q).values())
    can_change = covers(user, questionnaire.area.path, CHANGE)
    context = {
        "questionnaire": questionnaire,
        "questions": questions,
        "can_change": can_change,
        "locked": qservices.locked(questionnaire),
        "can_copy": campaign_areas(user).exists(),
        "campaigns": list(
            visible_campaigns(user).filter(questionnaire=questionnaire).order_by("-starts_on")
        ),
        "ready": LIBRARY.get(questionnaire.library_key),
        "crumbs": crumbs(questionnaire),
    }
    return render(request, "canvass/questionnaires/questionnaire_detail.html", context)


@login_required
def questionnaire_copy(request, pk: int):
    source = get_object_or_404(visible_questionnaires(request.user), pk=pk)
    form = CopyForm(request.POST or None, user=request.user, source=source)
    if not form.fields["area"].queryset.exists():
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy = copy_questionnaire(source, area=data["area"], actor=request.user, name=data["name"])
        messages.success(request, _("已复制为新问卷：%(name)s") % {"name": copy.name})
        return redirect(_detail(copy))
    return form_page(request, form, _("复制为新问卷"), _detail(source), source)


def _save(form: QuestionForm, drafts: list[Draft], index: int, write) -> bool:
    """Check the whole list with drafts[index] the form's question; write when it passes."""
    problems = check_drafts(drafts)
    for p in problems:
        if p.index == index:
            form.add_error(p.field, p.reason)
        else:
            form.add_error(None, _problem_text(p, drafts))
    if problems:
        return False
    try:
        write(drafts[index])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@login_required
def question_add(request, pk: int):
    questionnaire = changeable(request.user, pk)
    if refused := _refuse_locked(request, questionnaire):
        return refused
    questions = list(questionnaire.questions.all())
    form = QuestionForm(request.POST or None, earlier=questions)
    if request.method == "POST" and form.is_valid():
        drafts = [Draft.of(q) for q in questions] + [form.draft()]

        def write(draft):
            qservices.add_question(questionnaire, draft, actor=request.user)

        if _save(form, drafts, len(questions), write):
            messages.success(request, _("已添加题目"))
            return redirect(_detail(questionnaire))
    title = _("添加题目")
    template = "canvass/questionnaires/question_form.html"
    return form_page(request, form, title, _detail(questionnaire), questionnaire, template)


def _question(user, pk: int) -> Question:
    qs = Question.objects.filter(
        questionnaire__in=Questionnaire.objects.for_user(user, CHANGE)
    ).select_related("questionnaire__area")
    return get_object_or_404(qs, pk=pk)


@login_required
def question_edit(request, pk: int):
    question = _question(request.user, pk)
    questionnaire = question.questionnaire
    if refused := _refuse_locked(request, questionnaire):
        return refused
    questions = list(questionnaire.questions.all())
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    form = QuestionForm(
        request.POST or None,
        initial=QuestionForm.initial_for(question),
        earlier=questions[:index],
    )
    if request.method == "POST" and form.is_valid():
        drafts = [Draft.of(q) for q in questions]
        drafts[index] = form.draft()

        def write(draft):
            qservices.change_question(question, draft, actor=request.user)

        if _save(form, drafts, index, write):
            messages.success(request, _("题目已保存"))
            return redirect(_detail(questionnaire))
    title = _("编辑题目")
    template = "canvass/questionnaires/question_form.html"
    return form_page(request, form, title, _detail(questionnaire), questionnaire, template)


def _rearranged(request, order: list[Question]) -> bool:
    """Whether the questions in `order` pass the checks (else the problems are shown)."""
    drafts = [Draft.of(q) for q in order]
    problems = check_drafts(drafts)
    for p in problems:
        messages.error(request, _problem_text(p, drafts))
    return not problems


@login_required
def question_delete(request, pk: int):
    question = _question(request.user, pk)
    questionnaire = question.questionnaire
    if refused := _refuse_locked(request, questionnaire):
        return refused
    if request.method == "POST":
        remaining = [q for q in questionnaire.questions.all() if q.pk != question.pk]
        if _rearranged(request, remaining):
            qservices.delete_question(question, remaining, actor=request.user)
            messages.success(request, _("已删除题目：%(label)s") % {"label": question.label})
        return redirect(_detail(questionnaire))
    context = {
        "question": question,
        "questionnaire": questionnaire,
        "crumbs": crumbs(questionnaire, _("删除题目")),
    }
    return render(request, "canvass/questionnaires/question_delete.html", context)


@login_required
@require_POST
def question_move(request, pk: int):
    question = _question(request.user, pk)
    questionnaire = question.questionnaire
    if refused := _refuse_locked(request, questionnaire):
        return refused
    order = list(questionnaire.questions.all())
    i = next(n for n, q in enumerate(order) if q.pk == question.pk)
    j = i - 1 if request.POST.get("direction") == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        if _rearranged(request, order):
            qservices.renumber(order, actor=request.user)
    return redirect(_detail(questionnaire) + f"#q{question.pk}")


@login_required
def questionnaire_upload(request):
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["area"].queryset.exists():
        raise Http404
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            parsed = sheet.read_sheet(upload.read(), upload.name)
        except ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            errors = parsed.errors
            if not errors:
                questionnaire = qservices.create_from_drafts(
                    parsed.drafts,
                    actor=request.user,
                    name=data["name"] or sheet.default_name(parsed, upload.name),
                    description=data["description"],
                    area=data["area"],
                )
                messages.success(
                    request,
                    _("已导入问卷“%(name)s”，共%(n)d道题")
                    % {"name": questionnaire.name, "n": len(parsed.drafts)},
                )
                return redirect(_detail(questionnaire))
    context = {
        "form": form,
        "errors": errors,
        "type_words": [
            (word, kind, Question.Kind(kind).label)
            for kind, word in sheet.TYPE_OUT.items()
            if kind in Question.Kind.values
        ],
        "crumbs": crumbs(None, _("上传问卷表格")),
    }
    return render(request, "canvass/questionnaires/upload.html", context)


@login_required
def questionnaire_template(request):
    """An example sheet using every type, to fill in and upload."""
    response, _count = xlsx_response(
        _("问卷模板.xlsx"), columns=sheet.COLUMNS, rows=sheet.template_rows(), title=_("问卷模板")
    )
    return response


@login_required
def questionnaire_export(request, pk: int):
    """The questionnaire as a sheet in the upload's layout."""
    questionnaire = get_object_or_404(visible_questionnaires(request.user), pk=pk)
    rows = sheet.sheet_rows(list(questionnaire.questions.all()))
    response, _count = xlsx_response(
        f"{questionnaire.name}.xlsx", columns=sheet.COLUMNS, rows=rows, title=questionnaire.name
    )
    return response
