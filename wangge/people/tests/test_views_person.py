"""Person pages: list (scoped, masked, searchable), detail, audited reveal, create and edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_id
from wangge.core.mask import mask_id, mask_phone
from wangge.core.models import AccessLog, ChangeLog
from wangge.people.models import Person, Residence, SpecialGroup

LIST = reverse("people:person_list")


def detail(p):
    return reverse("people:person_detail", args=[p.pk])


def test_list_shows_scope_masked(world, client_for):
    html = client_for(world.users.commander).get(LIST).content.decode()
    for p in (world.zhang, world.zhang_wife, world.wang, world.li, world.liu):
        assert p.name in html
    assert world.other_person.name not in html
    assert world.zhang.id_number not in html
    assert world.zhang.phone not in html
    assert mask_id(world.zhang.id_number) in html
    assert mask_phone(world.zhang.phone) in html
    assert "独居老人" in html  # special group badge of 王芳
    assert "阳光小区 1号楼1单元101室" in html  # the living household's address


def test_outsider_sees_none_of_the_street(world, client_for):
    client = client_for(world.users.outsider)
    html = client.get(LIST).content.decode()
    assert world.other_person.name in html
    for p in (world.zhang, world.wang, world.li, world.liu):
        assert p.name not in html
    html = client.get(LIST, {"q": "zw"}).content.decode()
    assert "张伟" not in html
    html = client.get(LIST, {"q": world.zhang.phone}).content.decode()
    assert "张伟" not in html
    # The area dropdown offers only the outsider's own areas; a foreign area filter is ignored.
    html = client.get(LIST, {"area": world.street.pk}).content.decode()
    assert "北京路街道" not in html and "第一网格" not in html
    assert "张伟" not in html


def test_nobody_sees_empty_state(world, client_for):
    response = client_for(world.users.nobody).get(LIST)
    assert response.status_code == 200
    assert "还没有登记人员" in response.content.decode()


def test_building_leader_sees_only_their_building(world, client_for):
    client = client_for(world.users.building_leader)
    html = client.get(LIST).content.decode()
    assert "张伟" in html and "李娜" in html
    assert "刘洋" not in html
    assert client.get(detail(world.li)).status_code == 200
    assert client.get(detail(world.liu)).status_code == 404


@pytest.mark.parametrize("query", ["zw", "张", "0001", "13800000001", "0117"])
def test_search(world, client_for, query):
    html = client_for(world.users.commander).get(LIST, {"q": query}).content.decode()
    assert "张伟" in html
    assert "刘洋" not in html


def test_search_by_id_tail_and_full_id(world, client_for):
    client = client_for(world.users.commander)
    tail = world.li.id_number[-4:]
    assert "李娜" in client.get(LIST, {"q": tail}).content.decode()
    html = client.get(LIST, {"q": world.li.id_number}).content.decode()
    assert "李娜" in html and "张伟" not in html


def test_filters(world, client_for):
    client = client_for(world.users.commander)
    html = client.get(LIST, {"group": "elderly_alone"}).content.decode()
    assert "王芳" in html and "张伟" not in html
    html = client.get(LIST, {"relation": "member"}).content.decode()
    assert "陈静" in html and "张伟" not in html
    html = client.get(LIST, {"area": world.grid2.pk}).content.decode()
    assert "刘洋" in html and "张伟" not in html
    # Every fixture ID number has a male sex digit.
    assert "张伟" in client.get(LIST, {"sex": "M"}).content.decode()
    assert "张伟" not in client.get(LIST, {"sex": "F"}).content.decode()
    # All fixture persons were born in 1980.
    assert "张伟" in client.get(LIST, {"age": "18-59"}).content.decode()
    assert "张伟" not in client.get(LIST, {"age": "0-6"}).content.decode()


def test_export_link_only_with_export(world, client_for):
    html = client_for(world.users.commander).get(LIST, {"area": world.grid1.pk}).content.decode()
    assert f"?area={world.grid1.pk}" in html
    assert "导出" in html
    html = client_for(world.users.volunteer).get(LIST).content.decode()
    assert "导出" not in html
    assert reverse("people:person_create") not in html


def test_list_pagination_and_query_count(world, client_for, django_assert_max_num_queries):
    hh = world.h102
    for i in range(60):
        p = Person.objects.create(
            name=f"测试{i}",
            id_number=make_id(10 + i, birth="19900101"),
            phone=f"1360000{i:04d}",
            scope_path=hh.scope_path,
        )
        Residence.objects.create(person=p, household=hh, relation="member")
        SpecialGroup.objects.create(person=p, kind="chronic")
    client = client_for(world.users.commander)
    client.get(LIST)  # warm up (session, content types)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "page=2" in html
    assert client.get(LIST, {"page": 2}).status_code == 200


def test_detail_masked_then_reveal_logged(world, client_for):
    client = client_for(world.users.building_leader)
    html = client.get(detail(world.zhang)).content.decode()
    assert world.zhang.id_number not in html
    assert mask_id(world.zhang.id_number) in html
    assert "显示完整信息" in html
    assert "户籍在此" in html and "实际居住" in html
    assert not AccessLog.objects.exists()

    response = client.post(
        reverse("people:person_reveal", args=[world.zhang.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert world.zhang.id_number in html and world.zhang.phone in html
    assert "<html" not in html  # the htmx partial only
    log = AccessLog.objects.get()
    assert log.actor == world.users.building_leader
    assert log.object_id == str(world.zhang.pk)
    assert log.fields == "id_number,phone"
    assert log.kind == "view"

    # Without JavaScript: a plain POST renders the whole page, unmasked.
    html = client.post(reverse("people:person_reveal", args=[world.zhang.pk])).content.decode()
    assert "<html" in html and world.zhang.id_number in html
    assert AccessLog.objects.count() == 2


def test_reveal_requires_post_and_scope(world, client_for):
    url = reverse("people:person_reveal", args=[world.zhang.pk])
    assert client_for(world.users.commander).get(url).status_code == 405
    assert client_for(world.users.outsider).post(url).status_code == 404
    assert not AccessLog.objects.exists()


def test_outsider_404_on_detail_and_edit(world, client_for):
    client = client_for(world.users.outsider)
    for name in ("people:person_detail", "people:person_edit", "people:residence_add"):
        assert client.get(reverse(name, args=[world.zhang.pk])).status_code == 404
    assert (
        client.post(
            reverse("people:person_edit", args=[world.zhang.pk]), {"name": "改名"}
        ).status_code
        == 404
    )
    world.zhang.refresh_from_db()
    assert world.zhang.name == "张伟"


def test_anonymous_redirected_to_login(world, client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_detail_history_masked(world, client_for):
    client = client_for(world.users.commander)
    client.post(
        reverse("people:person_edit", args=[world.zhang.pk]),
        {
            "name": "张伟",
            "id_number": world.zhang.id_number,
            "phone": "13812345678",
            "has_smartphone": "on",
            "special_groups": ["dialysis"],
        },
    )
    html = client.get(detail(world.zhang)).content.decode()
    assert "变更记录" in html
    assert "138****5678" in html and "13812345678" not in html
    assert "透析患者" in html


def test_volunteer_cannot_edit(world, client_for):
    client = client_for(world.users.volunteer)
    html = client.get(detail(world.zhang)).content.decode()
    assert reverse("people:person_edit", args=[world.zhang.pk]) not in html
    assert client.get(reverse("people:person_edit", args=[world.zhang.pk])).status_code == 403
    response = client.post(reverse("people:person_edit", args=[world.zhang.pk]), {"name": "改名"})
    assert response.status_code == 403
    assert client.get(reverse("people:person_create")).status_code == 403
    world.zhang.refresh_from_db()
    assert world.zhang.name == "张伟"


def test_edit_person(world, client_for):
    client = client_for(world.users.grid_leader)
    url = reverse("people:person_edit", args=[world.zhang.pk])
    page = client.get(url)
    assert page.status_code == 200
    # The edit form shows the full ID number: that view is logged.
    assert AccessLog.objects.filter(object_id=str(world.zhang.pk)).count() == 1
    response = client.post(
        url,
        {
            "name": "張偉",
            "id_number": world.zhang.id_number,
            "phone": "１３９１２３４５６７８",
            "notes": "腿脚不便",
            "has_smartphone": "",
            "special_groups": ["immobile", "no_smartphone"],
        },
    )
    assert response.status_code == 302
    world.zhang.refresh_from_db()
    assert world.zhang.name == "张伟"
    assert world.zhang.phone == "13912345678"
    assert world.zhang.notes == "腿脚不便"
    assert world.zhang.has_smartphone is False
    assert set(world.zhang.special_groups.values_list("kind", flat=True)) == {
        "immobile",
        "no_smartphone",
    }
    row = ChangeLog.objects.filter(model="people.person", object_id=str(world.zhang.pk)).first()
    assert row.actor == world.users.grid_leader
    assert row.after["phone"] == "13912345678"


def test_edit_duplicate_id_is_refused(world, client_for):
    client = client_for(world.users.commander)
    response = client.post(
        reverse("people:person_edit", args=[world.zhang.pk]),
        {
            "name": "张伟",
            "id_number": world.wang.id_number,
            "phone": world.zhang.phone,
        },
    )
    assert response.status_code == 200
    assert "该身份证号已登记" in response.content.decode()
    world.zhang.refresh_from_db()
    assert world.zhang.id_number == make_id(1)


def test_create_in_household(world, client_for):
    client = client_for(world.users.building_leader)
    url = reverse("people:person_create") + f"?household={world.h101.pk}"
    assert client.get(url).status_code == 200
    new_id = make_id(30, birth="20150601", sex="F")
    response = client.post(
        url,
        {
            "name": "張小雨",
            "id_number": new_id.replace("2", "２"),
            "phone": "",
            "household": world.h101.pk,
            "relation": "member",
            "registered": "on",
            "living": "on",
            "has_smartphone": "",
            "special_groups": ["online_school"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(id_number=new_id)
    assert person.name == "张小雨"
    assert person.sex == "F"
    assert str(person.birth_date) == "2015-06-01"
    assert person.scope_path == world.h101.scope_path
    res = person.residences.get()
    assert res.household == world.h101 and res.relation == "member"
    assert person.special_groups.get().kind == "online_school"
    assert response["Location"] == detail(person)


def test_create_in_area(world, client_for):
    client = client_for(world.users.commander)
    response = client.post(
        reverse("people:person_create"),
        {
            "name": "返乡人员甲",
            "phone": "13566667777",
            "area": world.grid2.pk,
            "has_smartphone": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="返乡人员甲")
    assert person.home_area == world.grid2
    assert person.scope_path == world.grid2.path
    assert not person.residences.exists()


def test_create_bad_check_digit_creates_nothing(world, client_for):
    client = client_for(world.users.commander)
    bad = make_id(31)[:-1] + ("0" if make_id(31)[-1] != "0" else "1")
    count = Person.objects.count()
    response = client.post(
        reverse("people:person_create"),
        {
            "name": "错号",
            "id_number": bad,
            "area": world.grid1.pk,
            "special_groups": ["chronic"],
        },
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert Person.objects.count() == count
    assert not ChangeLog.objects.filter(model="people.person").exists()


def test_create_scoped_choices(world, client_for):
    client = client_for(world.users.outsider)
    # A household of another street is a 404; an area of another street is not a valid choice.
    url = reverse("people:person_create") + f"?household={world.h101.pk}"
    assert client.get(url).status_code == 404
    html = client.get(reverse("people:person_create")).content.decode()
    assert "第一网格" not in html and "远方网格" in html
    response = client.post(
        reverse("people:person_create"), {"name": "越界", "area": world.grid1.pk}
    )
    assert response.status_code == 200
    assert not Person.objects.filter(name="越界").exists()
