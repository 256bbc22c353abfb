"""The sampling table page (采样台) on a phone, for a table or a door-to-door team.

With JavaScript (static/testing/table.js) the page scans by camera or takes typed ID numbers,
keeps closed tubes in a queue in the browser and posts each to the tube API until it is
acknowledged. Without JavaScript a plain form registers a tube from a barcode and one ID number
or code per line, through the same service (its client UUID is issued with the form, so a
resubmitted form does not make a second tube).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.mask import mask_name
from wangge.core.models import AccessLog
from wangge.core.qr import household_token, person_token, qr_svg
from wangge.core.scope import RECORD, VIEW, covers
from wangge.core.services import field_errors
from wangge.people.models import Residence
from wangge.places.models import Area, Household
from wangge.places.paging import paginate

from .models import DoorTeam, SamplingTable
from .services_tubes import PersonRef, register_tube

SHEET_SIZE = 24  # codes on one printed A4 sheet (4 × 6)
PAGE_SIZE = 4 * SHEET_SIZE  # codes on one web page


def table_messages() -> dict[str, str]:
    """The page script's texts, translated here (the script has no catalogue of its own)."""
    return {
        "queued": _("待上传 %(n)s 管"),
        "attention": _("需处理 %(n)s 管"),
        "online": _("在线"),
        "offline": _("离线：封管后先存在本机，联网后自动上传"),
        "full": _("试管已满，请封管"),
        "duplicate": _("此人已在本管中"),
        "already": _("注意：此人本轮已在试管 %(barcode)s 中采样"),
        "not_found": _("未找到此人"),
        "add_new": _("现场登记"),
        "unchecked": _("离线录入，上传时核验"),
        "login": _("登录已失效，请重新登录后点“重试”"),
        "barcode_used": _("该试管条码本轮已使用"),
        "barcode_queued": _("该试管条码已封管，正在等待上传"),
        "no_barcode": _("请先扫描或输入试管条码"),
        "empty_tube": _("试管中还没有人员"),
        "closed": _("已封管：%(barcode)s，%(n)s 人"),
        "sent": _("已上传"),
        "retried": _("已上传（重复提交，未重复登记）"),
        "remove": _("移除"),
        "edit": _("重新编辑"),
        "retry": _("重试"),
        "delete": _("删除"),
        "delete_confirm": _("确定删除这管的登记吗？删除后不会上传。"),
        "edit_busy": _("请先封管或清空当前试管"),
        "discard_confirm": _("确定清空当前试管中的人员吗？"),
        "camera_failed": _("无法打开摄像头，请手工输入"),
        "choose": _("请选择本次采样的人员："),
        "household_empty": _("该户没有在住人员"),
        "new_invalid": _("请填写姓名、选择住户，并填写身份证号或联系电话"),
        "new_label": _("现场登记"),
        "no_households": _("没有找到住户"),
        "search_failed": _("查询失败，请检查网络"),
        "error": _("出错了"),
        "people": _("%(n)s 人"),
    }


def _render(request, rnd, *, table=None, team=None, area, title, path, form=None):
    storage = f"wangge.table.{request.user.pk}"
    config = {
        "round_id": rnd.pk,
        "pool_size": rnd.pool_size,
        "table_id": table.pk if table else None,
        "team_id": team.pk if team else None,
        "area_id": area.pk,
        "storage_queue": f"{storage}.queue",
        "storage_results": f"{storage}.results",
        "storage_current": f"{storage}.current.{'t' if table else 'g'}{(table or team).pk}",
        "urls": {
            "tubes": reverse("api-1:post_tube", kwargs={"round_id": rnd.pk}),
            "lookup": reverse("api-1:tube_lookup", kwargs={"round_id": rnd.pk}),
            "households": reverse("api-1:list_households"),
            "scanner": static("vendor/html5-qrcode/html5-qrcode.min.js"),
        },
        "messages": table_messages(),
    }
    return render(
        request,
        "testing/table/table.html",
        {
            "round": rnd,
            "table": table,
            "team": team,
            "title": title,
            "config": config,
            "can_change": covers(request.user, path, RECORD),
            "round_url": reverse("testing:round_detail", args=[rnd.pk])
            if covers(request.user, rnd.scope_path, VIEW)
            else "",
            "form": form or {"client_uuid": uuid.uuid4()},
        },
    )


def _plain_form(request, rnd, *, table=None, team=None) -> dict | None:
    """Register a tube from the no-script form; None when it was registered (redirect)."""
    data = request.POST
    lines = [line.strip() for line in data.get("people", "").splitlines() if line.strip()]
    form = {
        "barcode": data.get("barcode", ""),
        "people": data.get("people", ""),
        "client_uuid": data.get("client_uuid", ""),
        "single": bool(data.get("single")),
    }
    try:
        client_uuid = uuid.UUID(form["client_uuid"])
    except ValueError:
        client_uuid = uuid.uuid4()
    try:
        tube, created, warnings = register_tube(
            rnd,
            barcode=form["barcode"],
            people=[PersonRef(code=line) for line in lines],
            client_uuid=client_uuid,
            table=table,
            team=team,
            single=form["single"],
            actor=request.user,
        )
    except ValidationError as exc:
        form["errors"] = [m for msgs in field_errors(exc).values() for m in msgs]
        return form
    messages.success(
        request,
        _("已封管：%(barcode)s，%(n)s 人") % {"barcode": tube.barcode, "n": len(tube.person_ids)},
    )
    for warning in warnings:
        messages.warning(request, warning.message)
    return None


@login_required
def qr_sheet(request):
    """QR codes of every household (or every person living) in an area, to print and post in
    stairwells or hand out: name masked, building / unit / room under each code."""
    kind = "person" if request.GET.get("kind") == "person" else "household"
    areas = Area.objects.for_user(request.user, VIEW).filter(level__gte=Area.Level.COMMUNITY)
    context = {"kind": kind, "areas": areas[:500], "area": None, "sheets": [], "page": None}
    if request.GET.get("area"):
        area = get_object_or_404(
            Area.objects.for_user(request.user, VIEW),
            pk=request.GET["area"] if request.GET["area"].isdigit() else 0,
        )
        page = paginate(request, _qr_rows(request.user, area, kind), per_page=PAGE_SIZE)
        cards = [_qr_card(request, row, kind) for row in page.object_list]
        record_access(
            request.user,
            AccessLog.Kind.PRINT,
            _("二维码：%(area)s") % {"area": area.name},
            fields=f"qr_{kind}",
            rows=len(cards),
            scope_path=area.path,
        )
        sheets = [cards[i : i + SHEET_SIZE] for i in range(0, len(cards), SHEET_SIZE)]
        context.update(area=area, page=page, sheets=sheets)
    return render(request, "testing/table/qr_sheet.html", context)


def _qr_rows(user, area: Area, kind: str):
    order = [
        "building__area__path",
        "building__sort_key",
        "building__number",
        "unit__sort_key",
        "floor",
        "room",
    ]
    if kind == "household":
        return (
            Household.objects.for_user(user, VIEW)
            .within(area.path)
            .select_related("building__estate", "unit")
            .order_by(*order)
        )
    return (
        Residence.objects.for_user(user, VIEW)
        .within(area.path)
        .filter(living=True, until__isnull=True)
        .select_related("person", "household__building__estate", "household__unit")
        .order_by(*[f"household__{f}" for f in order], "relation", "person_id")
    )


def _qr_card(request, row, kind: str) -> dict:
    """A household's code is its self-report address (a resident's camera opens the page; the
    table page reads the token out of it); a person's code is the bare token."""
    if kind == "household":
        name, household = row.householder_name, row
        token = request.build_absolute_uri(
            reverse("testing:household_self_report", args=[household_token(row)])
        )
    else:
        token, name, household = person_token(row.person), row.person.name, row.household
    estate = household.building.estate.name if household.building.estate_id else ""
    return {
        "svg": qr_svg(token),
        "name": mask_name(name),
        "place": str(household),
        "estate": estate,
    }


@login_required
def table_page(request, pk: int):
    table = get_object_or_404(
        SamplingTable.objects.for_user(request.user, VIEW).select_related(
            "point__round", "point__area"
        ),
        pk=pk,
    )
    rnd, form = table.point.round, None
    if request.method == "POST":
        form = _plain_form(request, rnd, table=table)
        if form is None:
            return redirect("testing:table", pk=table.pk)
    title = _("%(point)s %(number)s号台") % {"point": table.point.name, "number": table.number}
    return _render(
        request,
        rnd,
        table=table,
        area=table.point.area,
        title=title,
        path=table.scope_path,
        form=form,
    )


@login_required
def team_table_page(request, pk: int):
    team = get_object_or_404(
        DoorTeam.objects.for_user(request.user, VIEW).select_related("round", "area"), pk=pk
    )
    form = None
    if request.method == "POST":
        form = _plain_form(request, team.round, team=team)
        if form is None:
            return redirect("testing:team_table", pk=team.pk)
    return _render(
        request,
        team.round,
        team=team,
        area=team.area,
        title=team.name,
        path=team.scope_path,
        form=form,
    )
