"""The testing app's pages and API operations for tests/test_outsider_sees_nothing.py: URLs with
an object argument (OBJECT_ARGS), lists with queries naming world.street (LIST_QUERIES), API path
parameters (API_OBJECTS) and filters (API_FILTERS), and `extra(world)` creating the objects they
name inside world.street. Shared by the four parts of the app: only add entries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.core.qr import HOUSEHOLD
from wangge.testing.models import (
    AntigenDelivery,
    AntigenResult,
    DoorTeam,
    DoorVisit,
    Round,
    SamplingPoint,
    SamplingTable,
    ScheduleSlot,
)
from wangge.testing.services_tubes import PersonRef, register_tube

OBJECT_ARGS = {
    "testing:table": lambda w, x: {"pk": x["tube_table"].pk},
    "testing:team_table": lambda w, x: {"pk": x["tube_team"].pk},
    "testing:antigen_households": lambda w, x: {"pk": x["antigen_round"].pk},
    "testing:antigen_delivery_add": lambda w, x: {"pk": w.h101.pk},
    "testing:antigen_result_add": lambda w, x: {"pk": w.h101.pk},
    # Public by its signed token: whoever holds a household's token may use its page. An
    # outsider who knows the household's id cannot forge the signature.
    "testing:household_self_report": lambda w, x: {"token": f"{HOUSEHOLD}:{w.h101.pk}:AAAAAAAAAA"},
}
for _name in (
    "round_detail",
    "round_edit",
    "round_status",
    "point_create",
    "team_create",
    "schedule",
    "schedule_propose",
    "callouts",
    "door_list",
):
    OBJECT_ARGS[f"testing:{_name}"] = lambda w, x: {"pk": x["plan_round"].pk}
for _name, _key in [
    ("point_edit", "plan_point"),
    ("point_delete", "plan_point"),
    ("table_create", "plan_point"),
    ("point_sheet", "plan_point"),
    ("table_edit", "plan_table"),
    ("table_delete", "plan_table"),
    ("team_edit", "plan_team"),
    ("team_delete", "plan_team"),
    ("slot_move", "plan_slot"),
    ("slot_notified", "plan_slot"),
    ("visit_team", "plan_visit"),
]:
    OBJECT_ARGS[f"testing:{_name}"] = lambda w, x, _key=_key: {"pk": x[_key].pk}
for _name in (
    "results_import",
    "missing",
    "missing_export",
    "missing_print",
    "positives",
    "retests",
    "compare",
    "progress",
):
    OBJECT_ARGS[f"testing:{_name}"] = lambda w, x: {"pk": x["tube_round"].pk}
OBJECT_ARGS["testing:results_job"] = lambda w, x: {"pk": x["results_job"].pk}
OBJECT_ARGS["testing:results_job_errors"] = lambda w, x: {"pk": x["results_job"].pk, "fmt": "csv"}
OBJECT_ARGS["testing:result_edit"] = lambda w, x: {"pk": x["tube"].pk}
OBJECT_ARGS["testing:notice_read"] = lambda w, x: {"pk": x["results_notice"].pk}
LIST_QUERIES = {
    "testing:round_list": ["", "?page=2"],
    "testing:round_create": [""],
    "testing:qr_sheet": [
        "",
        "?area={grid1}&kind=person",
        "?area={street}&kind=household",
        "?area={grid1}&kind=person&page=2",
    ],
    "testing:antigen_missing": [
        "",
        "?kind=persons",
        "?kind=positives&date_from=2022-01-01",
        "?kind=households&grid={grid1}",
        "?kind=persons&grid={grid1}&format=print",
        "?kind=positives&date_from=2022-01-01&format=xlsx",
    ],
}
API_OBJECTS: dict = {
    "round_id": lambda w, x: x["tube_round"].pk,
    "tube_id": lambda w, x: x["tube"].pk,
}
API_FILTERS: dict = {}


def extra(w) -> dict:
    objects = {}
    # Antigen: a round of grid1 (its own number, not to clash with other parts' rounds), a
    # delivery and a positive self-test in world.street.
    objects["antigen_round"] = Round.objects.create(
        number=903, area=w.grid1, date=dt.date(2022, 4, 12), created_by=w.users.commander
    )
    AntigenDelivery.objects.create(
        household=w.h102, round=objects["antigen_round"], count=2, date=dt.date(2022, 4, 12)
    )
    AntigenResult.objects.create(
        person=w.zhang, date=dt.date(2022, 4, 12), result=AntigenResult.Result.POSITIVE
    )
    # Tubes: a round of the street with a point and a table in grid1, a door team, one tube.
    rnd = Round.objects.create(number=904, area=w.street, date=dt.date(2022, 4, 12))
    point = SamplingPoint.objects.create(round=rnd, number=1, name="扫码点", area=w.grid1)
    objects["tube_round"] = rnd
    objects["tube_table"] = SamplingTable.objects.create(point=point, number=1)
    objects["tube_team"] = DoorTeam.objects.create(round=rnd, name="上门组", area=w.grid1)
    objects["tube"], _, _ = register_tube(
        rnd,
        barcode="SCOPE-1",
        people=[PersonRef(person_id=w.zhang.pk), PersonRef(person_id=w.liu.pk)],
        table=objects["tube_table"],
        actor=w.users.commander,
    )
    # Plan: a street round with a point (in the estate), a table, a door team, a call-down slot
    # for u11 and a door-to-door visit to wang.
    plan = Round.objects.create(number=905, area=w.street, date=dt.date(2022, 4, 12))
    objects["plan_round"] = plan
    objects["plan_point"] = SamplingPoint.objects.create(
        round=plan, number=1, name="计划点", location="阳光小区北门", area=w.grid1, estate=w.estate
    )
    objects["plan_table"] = SamplingTable.objects.create(point=objects["plan_point"], number=1)
    objects["plan_team"] = DoorTeam.objects.create(round=plan, name="计划上门组", area=w.grid1)
    start = timezone.make_aware(dt.datetime(2022, 4, 12, 7, 0))
    objects["plan_slot"] = ScheduleSlot.objects.create(
        round=plan,
        point=objects["plan_point"],
        unit=w.u11,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=20),
        expected=3,
    )
    objects["plan_visit"] = DoorVisit.objects.create(
        round=plan,
        person=w.wang,
        household=w.h102,
        reason=DoorVisit.Reason.IMMOBILE,
        team=objects["plan_team"],
    )
    # Results: the tube turned positive (a notice to grid1's leader) and a result import job.
    from wangge.core.models_imports import ImportJob
    from wangge.testing.services_results import record_result

    record_result(objects["tube"], "positive", actor=w.users.commander)
    objects["results_notice"] = objects["tube"].notices.get(area=w.grid1)
    objects["results_job"] = ImportJob.objects.create(
        kind="lab_results",
        original_name="检测结果.xlsx",
        area=w.street,
        user=w.users.commander,
        status="done",
        scope_path=w.street.path,
        options={"round": rnd.pk},
        errors=[{"row": 2, "column": "试管条码", "value": "SCOPE-1", "reason": "x"}],
    )
    return objects
