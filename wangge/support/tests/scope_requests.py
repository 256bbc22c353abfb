"""Scope-test entries of the support app, part requests: the list (search, filters), filing for
a household (search, preset), one request, its steps and its photo, the household's public page
and confirmation (with a forged token: a valid one is the household's own key, not a user's
scope); the API's requests. extra() files a medicine request of 张伟's household (h101) and a
delivered grocery request of 王芳's (h102), both in world.street."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "support:request_detail": lambda w, x: {"pk": x["requests_request"].pk},
    "support:request_action": lambda w, x: {"pk": x["requests_request"].pk},
    "support:request_photo": lambda w, x: {"pk": x["requests_delivered"].pk},
    "support:public_household": lambda w, x: {"token": f"WGH:{w.h101.pk}:AAAAAAAAAAAA"},
    "support:public_confirm": lambda w, x: {
        "token": f"WGH:{w.h102.pk}:AAAAAAAAAAAA",
        "pk": x["requests_delivered"].pk,
    },
}
LIST_QUERIES: dict = {
    "support:request_list": [
        "",
        "?q=张伟",
        "?q=0101",
        "?q=101",
        "?grid={grid1}",
        "?status=all",
        "?status=overdue",
        "?kind=medicine",
        "?priority=on",
    ],
    "support:request_create": ["", "?q=张伟", "?q=101", "?q=0101", "?household={h101}"],
}
API_OBJECTS: dict = {"request_id": lambda w, x: x["requests_request"].pk}
API_FILTERS: dict = {}  # "status" and "area" are shared names (area → world.grid1)


def extra(world) -> dict:
    from wangge.support.models import SupportKind
    from wangge.support.services import deliver, file_request

    commander = world.users.commander
    req, _ = file_request(
        world.h101,
        kind=SupportKind.objects.get(code="medicine"),
        actor=commander,
        source="worker",
        text="降压药吃完了",
        urgency="urgent",
        medicine_name="硝苯地平缓释片",
        prescription_needed=True,
        person=world.zhang,
    )
    delivered, _ = file_request(
        world.h102,
        kind=SupportKind.objects.get(code="groceries"),
        actor=None,
        source="household",
        text="蔬菜一份",
    )
    deliver(delivered, actor=commander, delivered_by="钱楼长")
    return {"requests_request": req, "requests_delivered": delivered}
