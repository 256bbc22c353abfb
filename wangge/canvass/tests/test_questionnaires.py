"""Questionnaire pages and sheets: the scoped list, a new questionnaire, adding, editing, moving
and deleting questions with their checks (choices, keys, conditions on earlier keys), the lock
once a campaign has visits and the copy it offers, and the XLSForm-like sheet: upload, export,
the template, the round trip export → upload, and sheets with errors that create nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wangge.canvass.forms_questionnaire import Draft
from wangge.canvass.library import questionnaire_from_library
from wangge.canvass.models import Question, Questionnaire
from wangge.canvass.questionnaire_sheet import COLUMNS, read_sheet, template_rows
from wangge.canvass.services import record_visit
from wangge.core.exports import write_xlsx

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"canvass:{name}", args=args)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def xlsx(rows, title="") -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, columns=COLUMNS, rows=rows, title=title)
    return buf.getvalue()


def upload(client, world, data: bytes, filename="问卷.xlsx", **fields):
    payload = {"file": SimpleUploadedFile(filename, data), "area": world.community.pk, **fields}
    return client.post(url("questionnaire_upload"), payload)


def drafts_of(questionnaire) -> list[dict]:
    return [Draft.of(q).values() for q in questionnaire.questions.all()]


@pytest.fixture
def survey(world):
    """A questionnaire of the community: a yes/no question and a per-person question on it."""
    q = Questionnaire.objects.create(name="核查问卷", area=world.community)
    Question.objects.create(
        questionnaire=q, position=1, key="home", kind="yes_no", label="是否在家", required=True
    )
    Question.objects.create(
        questionnaire=q,
        position=2,
        key="where",
        kind="text",
        label="去了哪里",
        condition="home=no",
        per_person=True,
    )
    return q


def question_data(**changes):
    data = {"kind": "text", "label": "联系电话", "key": "", "choices": "", "condition": ""}
    data.update(changes)
    return data


# --- pages --------------------------------------------------------------------------------------


def test_list_is_scoped(world, survey, client_for):
    page = html(client_for(world.users.commander).get(url("questionnaire_list")))
    assert url("questionnaire_detail", survey.pk) in page
    assert url("questionnaire_create") in page and url("questionnaire_upload") in page
    assert "?library=returnee" in page
    grid = html(client_for(world.users.grid_leader).get(url("questionnaire_list")))
    assert url("questionnaire_detail", survey.pk) in grid  # the community's, above the grid
    volunteer = html(client_for(world.users.volunteer).get(url("questionnaire_list")))
    assert "核查问卷" in volunteer and url("questionnaire_create") not in volunteer
    outsider = html(client_for(world.users.outsider).get(url("questionnaire_list")))
    assert "核查问卷" not in outsider and "暂无问卷" in outsider
    found = html(client_for(world.users.commander).get(url("questionnaire_list"), {"q": "核查"}))
    assert "核查问卷" in found


def test_create_an_empty_questionnaire(world, client_for):
    c = client_for(world.users.commander)
    data = {"name": "住户核查", "description": "每户一次", "area": world.community.pk}
    r = c.post(url("questionnaire_create"), data)
    q = Questionnaire.objects.get()
    assert r["Location"] == url("questionnaire_detail", q.pk) and q.area == world.community
    assert "还没有题目" in html(c.get(r["Location"]))
    assert "invalid-feedback" in html(
        c.post(url("questionnaire_create"), {"area": world.street.pk})
    )
    assert client_for(world.users.volunteer).get(url("questionnaire_create")).status_code == 404
    outsider = client_for(world.users.outsider)
    assert "兴华社区" not in html(outsider.get(url("questionnaire_create")))
    html(outsider.post(url("questionnaire_create"), data))
    assert Questionnaire.objects.count() == 1


def test_detail_in_order_with_blocks(world, survey, client_for):
    page = html(client_for(world.users.commander).get(url("questionnaire_detail", survey.pk)))
    assert page.index("是否在家") < page.index("去了哪里")
    assert "以下题目家中每人各答一次" in page and "条件：“是否在家”为“否”时" in page
    assert "<code>home=no</code>" in page
    assert url("question_add", survey.pk) in page and url("questionnaire_export", survey.pk) in page
    grid = html(client_for(world.users.grid_leader).get(url("questionnaire_detail", survey.pk)))
    assert "是否在家" in grid and url("question_add", survey.pk) not in grid
    assert (
        client_for(world.users.outsider).get(url("questionnaire_detail", survey.pk)).status_code
        == 404
    )


def test_add_question_with_choices_condition_and_flag(world, survey, client_for):
    c = client_for(world.users.commander)
    assert "home（是否在家：是/否）" in html(c.get(url("question_add", survey.pk)))
    data = question_data(
        kind="select_one",
        label="为什么不在家",
        key="why",
        choices="上班\n走亲戚\n住院\n上班",
        condition="home=否",
        required="on",
        flag_value="住院",
        flag_code="in_hospital",
    )
    r = c.post(url("question_add", survey.pk), data)
    assert r.status_code == 302
    q = survey.questions.get(key="why")
    assert q.position == 3 and q.choices == ["上班", "走亲戚", "住院"]
    assert q.condition == "home=no" and q.required and q.flag_code == "in_hospital"
    # Without a key, one is given.
    assert c.post(url("question_add", survey.pk), question_data()).status_code == 302
    assert survey.questions.get(label="联系电话").key == "q1"


def test_add_question_bad_input(world, survey, client_for):
    c = client_for(world.users.commander)

    def errors(**changes):
        return html(c.post(url("question_add", survey.pk), question_data(**changes)))

    assert "单选题和多选题至少需要两个选项" in errors(kind="select_one", choices="")
    assert "字段名与前面的题目“是否在家”重复" in errors(key="home")
    assert "不在本题之前的题目中" in errors(condition="nothere=1")
    assert "显示条件应写成" in errors(condition="home")
    assert "不是可选的答案：也许" in errors(condition="home=也许")
    assert "户内题目不能以每人填写的题目为条件" in errors(condition="where=x")
    assert "字段名只能用英文字母" in errors(key="电话")
    assert "系统保留的字段名" in errors(key="persons")
    assert "填写了标记代码，但没有填写标记答案" in errors(flag_code="x")
    page = errors(kind="integer", flag_value="很多")
    assert "应为整数" in page and 'value="联系电话"' in page
    assert survey.questions.count() == 2


def test_edit_move_and_delete_keep_conditions_on_earlier_questions(world, survey, client_for):
    c = client_for(world.users.commander)
    home, where = survey.questions.all()
    page = html(c.get(url("question_edit", where.pk)))
    assert 'value="去了哪里"' in page and "home=no" in page
    data = question_data(
        label="去了哪里（地点）", key="where", condition="home=no", per_person="on"
    )
    assert c.post(url("question_edit", where.pk), data).status_code == 302
    where.refresh_from_db()
    assert where.label == "去了哪里（地点）" and where.per_person
    # Renaming a key a later condition names is refused, with the later question named.
    page = html(
        c.post(
            url("question_edit", home.pk), question_data(kind="yes_no", label="在家", key="at_home")
        )
    )
    assert "第2题“去了哪里（地点）”" in page
    # Moving the conditioned question above its condition is refused; the other way works.
    r = c.post(url("question_move", where.pk), {"direction": "up"}, follow=True)
    assert "不在本题之前的题目中" in html(r)
    assert list(survey.questions.values_list("key", flat=True)) == ["home", "where"]
    Question.objects.create(
        questionnaire=survey, position=3, key="phone", kind="text", label="电话"
    )
    c.post(url("question_move", survey.questions.get(key="phone").pk), {"direction": "up"})
    assert list(survey.questions.values_list("key", flat=True)) == ["home", "phone", "where"]
    assert c.get(url("question_move", where.pk)).status_code == 405
    # Deleting a question a condition names is refused; deleting the other renumbers.
    assert "删除题目" in html(c.get(url("question_delete", home.pk)))
    c.post(url("question_delete", home.pk))
    assert survey.questions.filter(pk=home.pk).exists()
    c.post(url("question_delete", where.pk))
    assert list(survey.questions.values_list("key", "position")) == [("home", 1), ("phone", 2)]


def test_question_pages_need_change_on_the_questionnaire(world, survey, client_for):
    where = survey.questions.get(key="where")
    for user in (world.users.grid_leader, world.users.volunteer, world.users.outsider):
        c = client_for(user)
        assert c.get(url("question_add", survey.pk)).status_code == 404
        assert c.post(url("question_edit", where.pk), question_data()).status_code == 404
        assert c.post(url("question_delete", where.pk)).status_code == 404
        assert c.post(url("question_move", where.pk), {"direction": "up"}).status_code == 404
    assert survey.questions.count() == 2


def test_a_questionnaire_with_visits_is_locked_and_can_be_copied(world, client_for):
    campaign = make_campaign(world, key="kits")
    record_visit(
        campaign, world.h101, actor=world.users.commander, method="visit", outcome="absent"
    )
    q = campaign.questionnaire
    c = client_for(world.users.commander)
    page = html(c.get(url("questionnaire_detail", q.pk)))
    assert "不能再修改" in page and url("question_add", q.pk) not in page
    assert url("questionnaire_copy", q.pk) in page and campaign.name in page
    r = c.post(url("question_add", q.pk), question_data(), follow=True)
    assert "不能再修改" in html(r) and q.questions.count() == 4
    first = q.questions.first()
    c.post(url("question_delete", first.pk))
    assert q.questions.count() == 4
    # 复制为新问卷: the same questions, free to change.
    assert "（副本）" in html(c.get(url("questionnaire_copy", q.pk)))
    r = c.post(url("questionnaire_copy", q.pk), {"name": "试剂核查（新）", "area": world.grid1.pk})
    copy = Questionnaire.objects.get(name="试剂核查（新）")
    assert r["Location"] == url("questionnaire_detail", copy.pk) and copy.area == world.grid1
    assert drafts_of(copy) == drafts_of(q)
    assert c.post(url("question_add", copy.pk), question_data()).status_code == 302
    # A user without CHANGE anywhere cannot copy.
    assert client_for(world.users.volunteer).get(url("questionnaire_copy", q.pk)).status_code == 404


# --- sheets -------------------------------------------------------------------------------------


def test_export_then_upload_gives_the_same_questions(world, survey, client_for):
    c = client_for(world.users.commander)
    Question.objects.create(
        questionnaire=survey,
        position=3,
        key="vaccine",
        kind="select_multiple",
        label="已接种",
        choices=["第一针", "第二针、加强", "加强针"],
        per_person=True,
        flag_value="第一针",
        flag_code="one_dose",
    )
    Question.objects.create(
        questionnaire=survey,
        position=4,
        key="note",
        kind="text",
        label="备注",
        condition="home!=yes",
    )
    sources = [survey] + [
        questionnaire_from_library(key, area=world.community, actor=world.users.commander)
        for key in ("returnee", "household", "kits")
    ]
    for source in sources:
        r = c.get(url("questionnaire_export", source.pk))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
        data = b"".join(r.streaming_content)
        assert upload(c, world, data, filename=f"{source.name}.xlsx").status_code == 302
        copy = Questionnaire.objects.order_by("-pk").first()
        assert copy.name == source.name  # from the sheet's title row
        assert drafts_of(copy) == drafts_of(source), source.name


def test_template_is_a_valid_questionnaire_with_every_type(world, client_for):
    r = client_for(world.users.volunteer).get(url("questionnaire_template"))
    data = b"".join(r.streaming_content)
    sheet = read_sheet(data, "问卷模板.xlsx")
    assert sheet.errors == [] and sheet.title == "问卷模板"
    assert {d.kind for d in sheet.drafts} == set(Question.Kind.values)
    assert len(sheet.drafts) == len(template_rows()) - 2  # without 每人开始 / 每人结束


def test_an_xlsform_style_csv_is_read(world, client_for):
    text = (
        "type,name,label,choices,required,relevant\n"
        "integer,people,How many people live here?,,yes,\n"
        "begin repeat,persons,Each person,,,\n"
        "yes_no,left,Left the city?,,true(),\n"
        "travel,trips,Where,,yes,${left} = 'yes'\n"
        "select_one reasons,why,Why,work|family,no,${left}='是'\n"
        "end repeat,,,,,\n"
    )
    c = client_for(world.users.commander)
    r = upload(c, world, text.encode(), filename="survey.csv")
    assert r.status_code == 302
    q = Questionnaire.objects.get()
    assert q.name == "survey"
    rows = list(q.questions.values_list("key", "kind", "per_person", "required", "condition"))
    assert rows == [
        ("people", "integer", False, True, ""),
        ("left", "yes_no", True, True, ""),
        ("trips", "travel", True, True, "left=yes"),
        ("why", "select_one", True, False, "left=yes"),
    ]


def test_a_sheet_with_errors_creates_nothing_and_lists_every_error(world, client_for):
    rows = [
        ["是否", "home", "是否在家", "", "是"],
        ["问答", "x1", "未知题型"],
        ["文字", "home", "重复的字段名"],
        ["单选", "pick", "没有选项的单选"],
        ["文字", "later", "条件名不存在", "", "", "nothere=1"],
        ["每人结束"],
        ["每人开始"],
        ["数字", "age", "年龄", "", "也许"],
    ]
    c = client_for(world.users.commander)
    page = html(upload(c, world, xlsx(rows, title="坏问卷")))
    assert "表格中有 7 处错误，问卷没有导入" in page
    for line, reason in [
        (4, "不认识的题型"),
        (5, "字段名与前面的题目“是否在家”重复"),
        (6, "单选题和多选题至少需要两个选项"),
        (7, "不在本题之前的题目中"),
        (8, "前面没有“每人开始”"),
        (9, "每人部分没有结束"),
        (10, "必答应填“是”或“否”"),
    ]:
        assert f"<tr><td>{line}</td>" in page and reason in page, (line, reason)
    assert Questionnaire.objects.count() == 0


def test_upload_refuses_unreadable_files_and_users_without_scope(world, client_for):
    c = client_for(world.users.commander)
    page = html(upload(c, world, b"not a sheet", filename="x.xlsx"))
    assert "无法读取该文件" in page
    page = html(upload(c, world, b"a,b\n1,2\n", filename="x.csv"))
    assert "找不到表头行" in page
    page = html(upload(c, world, xlsx([]), filename="x.xlsx"))
    assert "表中没有题目" in page
    page = html(upload(c, world, b"x", filename="x.pdf"))
    assert "只支持" in page
    assert Questionnaire.objects.count() == 0
    assert client_for(world.users.volunteer).get(url("questionnaire_upload")).status_code == 404
    outsider = client_for(world.users.outsider)
    good = xlsx([["文字", "t", "备注"]])
    html(upload(outsider, world, good))  # the community is not a choice for them
    assert Questionnaire.objects.count() == 0


def test_export_is_scoped(world, survey, client_for):
    assert (
        client_for(world.users.outsider).get(url("questionnaire_export", survey.pk)).status_code
        == 404
    )
    r = client_for(world.users.grid_leader).get(url("questionnaire_export", survey.pk))
    sheet = read_sheet(b"".join(r.streaming_content), "x.xlsx")
    assert [d.key for d in sheet.drafts] == ["home", "where"] and sheet.drafts[1].per_person
