"""Scope-test entries of the workforce app, part registry: workers, organisations, recruitment
posts, deciding a sign-up and the public sign-up page (by a forged code: an outsider who knows
a recruitment's id cannot forge its signature); the API's workers. extra() makes an
organisation, a worker named like one of world's people, a recruitment and a sign-up in
world.street."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

OBJECT_ARGS: dict = {
    "workforce:worker_detail": lambda w, x: {"pk": x["registry_worker"].pk},
    "workforce:worker_edit": lambda w, x: {"pk": x["registry_worker"].pk},
    "workforce:worker_link": lambda w, x: {"pk": x["registry_worker"].pk},
    "workforce:organization_detail": lambda w, x: {"pk": x["registry_org"].pk},
    "workforce:organization_edit": lambda w, x: {"pk": x["registry_org"].pk},
    "workforce:recruitment_detail": lambda w, x: {"pk": x["registry_recruitment"].pk},
    "workforce:recruitment_poster": lambda w, x: {"pk": x["registry_recruitment"].pk},
    "workforce:recruitment_edit": lambda w, x: {"pk": x["registry_recruitment"].pk},
    "workforce:signup_decide": lambda w, x: {"pk": x["registry_signup"].pk},
    "workforce:public_signup": lambda w, x: {
        "token": f"{x['registry_recruitment'].pk}:AAAAAAAAAAAAAAAAAAAAAAAAAAA"
    },
}
LIST_QUERIES: dict = {
    "workforce:worker_list": [
        "",
        "?q=李娜",
        "?q=0004",
        "?kind=volunteer",
        "?status=active",
        "?organization=1",
        "?reserve=1",
    ],
    "workforce:worker_create": ["", "?organization=1"],
    "workforce:worker_export": ["", "?q=李娜"],
    "workforce:organization_list": ["", "?q=市", "?kind=government"],
    "workforce:organization_create": [""],
    "workforce:recruitment_list": ["", "?show=all", "?show=closed"],
    "workforce:recruitment_create": [""],
}
API_OBJECTS: dict = {"worker_id": lambda w, x: x["registry_worker"].pk}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from wangge.workforce import services, services_recruitment
    from wangge.workforce.models import Worker

    actor = world.users.commander
    org = services.create_organization(
        actor=actor, area=world.street, name="市卫健委", estates=[world.estate]
    )
    worker = services.create_worker(
        actor=actor,
        area=world.grid1,
        name=world.li.name,
        phone=world.li.phone,
        id_number=world.li.id_number,
        kind=Worker.Kind.CADRE,
        organization=org,
        estate=world.estate,
    )
    now = timezone.now()
    rec = services_recruitment.create_recruitment(
        actor=actor,
        area=world.community,
        title="今天核酸采样严重缺人",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
        needed=5,
    )
    signup, _ = services_recruitment.sign_up(
        rec, name=world.zhang.name, phone=world.zhang.phone, healthy=True, skills=["sampling"]
    )
    return {
        "registry_org": org,
        "registry_worker": worker,
        "registry_recruitment": rec,
        "registry_signup": signup,
    }
