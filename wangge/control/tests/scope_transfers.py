"""Scope-test entries of the control app's transfers part: the board and its export, the
request form (with its search and presets), one transfer and each of its steps, the vehicle
roster; the API's transfers and vehicles. extra() makes a site, a vehicle and a household's
transfer on the road in world.street."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "control:transfer_detail": lambda w, x: {"pk": x["transfers_transfer"].pk},
    "control:transfer_assign": lambda w, x: {"pk": x["transfers_transfer"].pk},
    "control:transfer_pickup": lambda w, x: {"pk": x["transfers_transfer"].pk},
    "control:transfer_handover": lambda w, x: {"pk": x["transfers_transfer"].pk},
    "control:transfer_close": lambda w, x: {"pk": x["transfers_transfer"].pk},
    "control:transfer_cancel": lambda w, x: {"pk": x["transfers_waiting"].pk},
    "control:vehicle_edit": lambda w, x: {"pk": x["transfers_vehicle"].pk},
    "control:vehicle_toggle": lambda w, x: {"pk": x["transfers_vehicle"].pk},
}
LIST_QUERIES: dict = {
    "control:transfer_board": [
        "",
        "?grid={grid1}",
        "?day=2000-01-01",
        "?dest=hospital",
        "?grid={street}",
    ],
    "control:transfer_export": ["", "?grid={grid1}"],
    "control:transfer_create": ["", "?q=张伟", "?q=0001", "?person=1", "?household={h101}"],
    "control:vehicle_list": [""],
    "control:vehicle_create": [""],
}
API_OBJECTS: dict = {"transfer_id": lambda w, x: x["transfers_transfer"].pk}
API_FILTERS: dict = {}  # "status" and "day" are shared names: other lists parse them differently


def extra(world) -> dict:
    from wangge.control.models import Site
    from wangge.control.services_transfers import assign, request_transfer
    from wangge.control.services_vehicles import create_vehicle

    commander = world.users.commander
    site = Site.objects.create(name="测试隔离酒店", area=world.street, address="江城路1号")
    vehicle = create_vehicle(
        actor=commander,
        area=world.street,
        plate="吉B12345",
        kind="bus",
        seats=20,
        driver_name="马师傅",
        driver_phone="13600000001",
    )
    transfer = request_transfer(
        actor=commander,
        household=world.h101,
        destination="site",
        site=site,
        urgency="urgent",
        reason="密接转集中隔离",
    )
    assign(transfer, vehicle, actor=commander)
    waiting = request_transfer(
        actor=commander,
        person=world.liu,
        destination="hospital",
        hospital="市传染病医院",
        urgency="critical",
        reason="发热",
    )
    return {
        "transfers_site": site,
        "transfers_vehicle": vehicle,
        "transfers_transfer": transfer,
        "transfers_waiting": waiting,
    }
