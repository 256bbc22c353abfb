"""Scope-test entries of the supervision app, part inspections: the inspections' list, the
phone form (type picker and presets), one inspection, the findings' list (filters, search),
one finding with its steps and photos, the export, the checklist settings; the API's
inspections and findings. extra() records, in world.street, an inspection of a checkpoint of
grid 1 with a finding (a photo named, 张伟 in its text) owned by a worker of grid 1."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "supervision:inspection_detail": lambda w, x: {"pk": x["inspections_inspection"].pk},
    "supervision:finding_detail": lambda w, x: {"pk": x["inspections_finding"].pk},
    "supervision:finding_rectify": lambda w, x: {"pk": x["inspections_finding"].pk},
    "supervision:finding_verify": lambda w, x: {"pk": x["inspections_finding"].pk},
    "supervision:finding_photo": lambda w, x: {
        "pk": x["inspections_finding"].pk,
        "which": "photo",
    },
}
LIST_QUERIES: dict = {
    "supervision:inspection_list": [
        "",
        "?q=卡口",
        "?area={grid1}",
        "?area={street}",
        "?target_type=checkpoint",
        "?since=2000-01-01",
    ],
    "supervision:inspection_create": [
        "",
        "?target_type=checkpoint",
        "?target_type=grid_post&area={grid1}",
        "?target_type=venue",
    ],
    "supervision:finding_list": [
        "",
        "?q=张伟",
        "?status=open",
        "?status=overdue",
        "?area={grid1}",
        "?owner=孙值守",
    ],
    "supervision:finding_export": ["", "?area={grid1}", "?status=open"],
    "supervision:checklists": ["", "?target_type=checkpoint"],
}
API_OBJECTS: dict = {
    "inspection_id": lambda w, x: x["inspections_inspection"].pk,
    "finding_id": lambda w, x: x["inspections_finding"].pk,
}
API_FILTERS: dict = {"target_type": lambda w, x: "checkpoint"}


def extra(world) -> dict:
    from wangge.supervision import services_inspections as svc
    from wangge.supervision.models import Finding

    from .fixtures_inspections import checkpoint, owner

    cp = checkpoint(world, name="第一网格卡口")
    worker = owner(world)
    inspection, _created = svc.record_inspection(
        world.grid1,
        actor=world.users.commander,
        target_type="checkpoint",
        checkpoint=cp,
        findings=[{"description": "张伟家门口无人值守", "owner_worker": worker}],
    )
    # A photo named, not written (no file in MEDIA_ROOT): outsiders get 404 before the file.
    Finding.objects.filter(inspection=inspection).update(photo="supervision/scope/none.png")
    return {
        "inspections_checkpoint": cp,
        "inspections_inspection": inspection,
        "inspections_finding": inspection.findings.get(),
    }
