"""The tube API: POST a closed tube (201, then 200 with the same body on a retry), 422 with
Chinese reasons naming the person, 403/404 by scope, lists, details (masked) and lookups."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.test import Client

from conftest import make_id
from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.core.qr import household_token, person_token
from wangge.testing.models import Round, SamplingPoint, SamplingTable, Tube


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def url(rnd, tail="tubes") -> str:
    return f"/api/testing/rounds/{rnd.pk}/{tail}"


def tube_body(r, people, barcode="T0001", key=None, **extra) -> dict:
    return {
        "barcode": barcode,
        "client_uuid": str(key or uuid.uuid4()),
        "closed_at": "2022-04-10T09:30:00+08:00",
        "table_id": r.table.pk,
        "people": people,
        **extra,
    }


def test_post_then_retry_gives_201_then_200_with_the_same_body(world, round_):
    api = api_for(world.users.commander)
    body = tube_body(
        round_,
        [{"person_id": world.zhang.pk}, {"id_number": world.wang.id_number}],
        key=uuid.uuid4(),
    )
    first = api.post(url(round_.round), body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["barcode"] == "T0001" and data["people_count"] == 2
    assert data["person_ids"] == [world.zhang.pk, world.wang.pk]
    assert data["warnings"] == [] and data["table_id"] == round_.table.pk
    again = api.post(url(round_.round), body)
    assert again.status_code == 200
    assert again.json() == data
    assert Tube.objects.count() == 1


def test_a_double_scan_warns_with_the_other_tube(world, round_):
    api = api_for(world.users.commander)
    api.post(url(round_.round), tube_body(round_, [{"person_id": world.zhang.pk}], "T1"))
    r = api.post(url(round_.round), tube_body(round_, [{"code": person_token(world.zhang)}], "T2"))
    assert r.status_code == 201
    [warning] = r.json()["warnings"]
    assert warning["person_id"] == world.zhang.pk and warning["barcode"] == "T1"


def test_bad_people_get_422_naming_them(world, round_):
    api = api_for(world.users.commander)
    unknown = make_id(66, birth="19950505")
    r = api.post(
        url(round_.round),
        tube_body(round_, [{"person_id": world.zhang.pk}, {"id_number": unknown}]),
    )
    assert r.status_code == 422
    assert r.json()["detail"] == {"people.1": [f"第2人：身份证号 {unknown} 未登记，可现场登记"]}
    r = api.post(url(round_.round), tube_body(round_, [{"code": household_token(world.h101)}]))
    assert r.status_code == 422 and "住户二维码" in r.json()["detail"]["people.0"][0]
    r = api.post(
        url(round_.round),
        tube_body(round_, [{"person_id": world.zhang.pk}, {"person_id": world.zhang.pk}]),
    )
    assert "重复" in r.json()["detail"]["people.1"][0]
    r = api.post(url(round_.round), tube_body(round_, []))
    assert r.json()["detail"] == {"people": ["试管中还没有人员"]}
    r = api.post(url(round_.round), {**tube_body(round_, []), "client_uuid": "nope"})
    assert r.status_code == 422 and "client_uuid" in r.json()["detail"]
    assert not Tube.objects.exists()


def test_barcode_reuse_and_full_tube_are_422(world, round_):
    api = api_for(world.users.commander)
    r = api.post(url(round_.round), tube_body(round_, [{"person_id": world.li.pk}]))
    assert r.status_code == 201
    r = api.post(url(round_.round), tube_body(round_, [{"person_id": world.wang.pk}]))
    assert r.status_code == 422
    assert r.json()["detail"] == {"barcode": ["该试管条码本轮已使用：T0001"]}
    round_.round.pool_size = 1
    round_.round.save()
    r = api.post(
        url(round_.round),
        tube_body(round_, [{"person_id": world.zhang.pk}, {"person_id": world.wang.pk}], "T2"),
    )
    assert r.status_code == 422 and "试管已满" in r.json()["detail"]["people"][0]


def test_a_person_is_added_on_the_spot(world, round_):
    api = api_for(world.users.commander)
    new = {"name": "赵新", "phone": "13911112222", "household_id": world.h102.pk}
    r = api.post(url(round_.round), tube_body(round_, [{"new": new}]))
    assert r.status_code == 201, r.content
    person_id = r.json()["person_ids"][0]
    assert world.h102.residences.filter(person_id=person_id, living=True).exists()


def test_scope_of_posting(world, round_, inspector):
    body = tube_body(round_, [{"person_id": world.zhang.pk}])
    # An inspector sees the table but may not register there.
    assert api_for(inspector).post(url(round_.round), body).status_code == 403
    # The outsider: the round does not exist for them.
    assert api_for(world.users.outsider).post(url(round_.round), body).status_code == 404
    # A table of another round is not found in this one.
    other = Round.objects.create(number=2, area=world.street, date=dt.date(2022, 4, 11))
    r = api_for(world.users.commander).post(url(other), body)
    assert r.status_code == 404
    # A grid leader works at a table of their grid in a street-wide round.
    r = api_for(world.users.grid_leader).post(url(round_.round), body)
    assert r.status_code == 201
    # ...but only with people they can see: liu lives in grid 2.
    r = api_for(world.users.grid_leader).post(
        url(round_.round), tube_body(round_, [{"person_id": world.liu.pk}], "T2")
    )
    assert r.status_code == 422 and "不在您的管辖范围" in r.json()["detail"]["people.0"][0]


def test_session_posts_need_the_csrf_token(world, round_):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.commander)
    client.get(f"/testing/table/{round_.table.pk}/")
    body = json.dumps(tube_body(round_, [{"person_id": world.zhang.pk}]))
    r = client.post(url(round_.round), body, content_type="application/json")
    assert r.status_code == 403
    token = client.cookies["csrftoken"].value
    r = client.post(
        url(round_.round), body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert r.status_code == 201


def test_list_detail_and_lookup(world, round_):
    api = api_for(world.users.commander)
    api.post(url(round_.round), tube_body(round_, [{"person_id": world.zhang.pk}], "A1"))
    api.post(url(round_.round), tube_body(round_, [{"person_id": world.wang.pk}], "B2"))
    listing = api.get(url(round_.round)).json()
    assert listing["count"] == 2
    assert api.get(url(round_.round), {"barcode": " a1 "}).json()["count"] == 1
    tube = Tube.objects.get(barcode="A1")
    detail = api.get(url(round_.round, f"tubes/{tube.pk}")).json()
    masked = world.zhang.id_number[:4] + "*" * 10 + world.zhang.id_number[-4:]
    assert detail["people"] == [
        {"position": 1, "person_id": world.zhang.pk, "name": "张*", "id_number": masked}
    ]
    assert world.zhang.id_number not in json.dumps(detail, ensure_ascii=False)
    assert "张伟" not in json.dumps(detail, ensure_ascii=False)

    found = api.get(url(round_.round, "lookup"), {"code": world.zhang.id_number.lower()}).json()
    assert found["kind"] == "person"
    [card] = found["people"]
    assert card["id"] == world.zhang.pk and card["already_sampled"] == "A1"
    assert card["name"] == "张*" and "*" in card["id_number"]
    assert "101" in card["household"]
    found = api.get(url(round_.round, "lookup"), {"code": household_token(world.h101)}).json()
    assert found["kind"] == "household"
    assert [c["id"] for c in found["people"]] == [world.zhang.pk, world.zhang_wife.pk]
    lookup = url(round_.round, "lookup")
    assert api.get(lookup, {"code": make_id(42, birth="19610101")}).status_code == 404
    assert api.get(lookup, {"code": "12345"}).status_code == 422
    assert api.get(lookup, {"code": "WGP:1:forged"}).status_code == 422
    assert api.get(lookup, {"code": ""}).status_code == 404


def test_outsiders_find_nobody(world, round_):
    """The outsider commands another street: its own round cannot look up this street's
    people, by ID number or by their QR codes, nor read this street's round or tubes."""
    own = Round.objects.create(number=1, area=world.other_street, date=dt.date(2022, 4, 10))
    point = SamplingPoint.objects.create(round=own, number=1, name="远方点", area=world.other_grid)
    SamplingTable.objects.create(point=point, number=1)
    api = api_for(world.users.outsider)
    lookup = url(own, "lookup")
    assert api.get(lookup, {"code": world.other_person.id_number}).status_code == 200
    for code in (world.zhang.id_number, person_token(world.zhang), household_token(world.h101)):
        assert api.get(lookup, {"code": code}).status_code == 404, code
    tube = Tube.objects.create(
        round=round_.round,
        barcode="X1",
        table=round_.table,
        closed_at=dt.datetime(2022, 4, 10, tzinfo=dt.UTC),
        scope_path=round_.table.scope_path,
    )
    assert api.get(url(round_.round)).status_code == 404
    assert api.get(url(round_.round, f"tubes/{tube.pk}")).status_code == 404
    assert api.get(url(round_.round, "lookup"), {"code": world.zhang.id_number}).status_code == 404
    assert api.get(url(own)).json()["count"] == 0


@pytest.mark.parametrize("offset", [0, 1])
def test_a_tube_of_another_round_is_not_found_in_this_one(world, round_, offset):
    api = api_for(world.users.commander)
    api.post(url(round_.round), tube_body(round_, [{"person_id": world.zhang.pk}], "A1"))
    tube = Tube.objects.get()
    other = Round.objects.create(number=2, area=world.street, date=dt.date(2022, 4, 11))
    rnd = [round_.round, other][offset]
    assert api.get(url(rnd, f"tubes/{tube.pk}")).status_code == (200, 404)[offset]


def test_unknown_fields_are_refused_and_a_closed_round_is_seen_at_once(world, round_):
    api = api_for(world.users.commander)
    body = tube_body(round_, [{"person_id": world.zhang.pk, "persn": 1}])
    response = api.post(url(round_.round), body)
    assert response.status_code == 422
    body = tube_body(round_, [{"person_id": world.zhang.pk}], barcode="T1", colour="red")
    assert api.post(url(round_.round), body).status_code == 422
    ok = api.post(url(round_.round), tube_body(round_, [{"person_id": world.zhang.pk}]))
    assert ok.status_code == 201
    round_.round.status = Round.Status.CLOSED
    round_.round.save()  # the table cache of this process is emptied
    body = tube_body(round_, [{"person_id": world.wang.pk}], barcode="T2")
    response = api.post(url(round_.round), body)
    assert response.status_code == 422 and "已结束" in str(response.json())
    assert Tube.objects.count() == 1


def test_the_openapi_document_describes_the_tube_schemas(world):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    assert {"TubeIn", "PersonRefIn", "TubeCreatedOut"} <= set(schemas)
