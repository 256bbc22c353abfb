"""The gate phone page (卡口扫码) and the green channel (绿色通道).

With JavaScript (static/checkpoints/gate.js) the page scans by camera or takes a typed code,
posts each passage to the API and shows the answer at once; offline it verifies pass
signatures itself against the data from `gate_data` (kept in the browser), queues what it let
through and syncs the queue when back online. Without JavaScript a plain form records one
passage through the same service and shows the answer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.control.services_followups import FEVER_AT
from wangge.core.services import field_errors

from . import gate as g
from .models import Passage
from .services_gate import describe, gate_checkpoint, gate_data, green_channel


def gate_messages() -> dict[str, str]:
    """The page script's texts, translated here (the script has no catalogue of its own)."""
    return {
        "online": _("在线"),
        "offline": _("离线"),
        "queued": _("待同步 %(n)s"),
        "attention": _("同步失败 %(n)s"),
        "allowed": _("放行"),
        "refused": _("不予放行"),
        "green": _("绿色通道放行"),
        "turned_back": _("已劝返"),
        "offline_tag": _("离线判断，联网后自动同步"),
        "offline_id": _("离线状态下无法核验身份证号或个人码：请核对出入证，或联网后再试"),
        "forged": _("出入证无效：二维码被篡改或不是本系统签发"),
        "revoked": _("出入证已作废"),
        "expired": _("出入证已过期（有效期至 %(d)s）"),
        "sealed": _("该户在封控区内，足不出户"),
        "quota": _("本户本周期外出名额已用完（每户每%(d)s天%(n)s人）"),
        "quota_day": _("本户今日外出名额已用完（每户每天%(n)s人）"),
        "no_key": _("尚未取得验证公钥：请先联网打开本页"),
        "household": _("住户编号 %(id)s"),
        "empty": _("请扫描出入证、个人二维码或输入身份证号"),
        "need_reason": _("请填写劝返原因"),
        "need_green": _("请选择绿色通道事由"),
        "camera_failed": _("无法打开摄像头，请手工输入"),
        "error": _("出错了"),
        "login": _("登录已失效，请重新登录"),
    }


@login_required
def gate(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = gate_checkpoint(request.user, pk)
    result = None
    if request.method == "POST":
        result = _plain_form(request, checkpoint)
    data = gate_data(checkpoint)
    storage = f"wangge.gate.{request.user.pk}.{checkpoint.pk}"
    config = {
        "checkpoint_id": checkpoint.pk,
        "storage": storage,
        "data": data,
        "urls": {
            "passages": reverse("api-1:post_passage", kwargs={"checkpoint_id": checkpoint.pk}),
            "green": reverse("api-1:post_green", kwargs={"checkpoint_id": checkpoint.pk}),
            "turn_back": reverse("api-1:post_turn_back", kwargs={"checkpoint_id": checkpoint.pk}),
            "revocations": reverse("api-1:revocations", kwargs={"checkpoint_id": checkpoint.pk}),
            "data": reverse("checkpoints:gate_data", args=[checkpoint.pk]),
            "scanner": static("vendor/html5-qrcode/html5-qrcode.min.js"),
            "noble": static("vendor/@noble/ed25519/index.js"),
            "sha2": static("vendor/@noble/hashes/sha2.js"),
        },
        "messages": gate_messages(),
        "time_zone": settings.TIME_ZONE,
        "fever_at": float(FEVER_AT),
    }
    return render(
        request,
        "checkpoints/gate/gate.html",
        {
            "checkpoint": checkpoint,
            "config": config,
            "result": result,
            "greens": Passage.Green.choices,
            "health_codes": [c for c in Passage.HealthCode.choices if c[0]],
            "client_uuid": uuid.uuid4(),
        },
    )


def _plain_form(request: HttpRequest, checkpoint) -> dict:
    """Record one passage from the no-script form; the answer to show."""
    data = request.POST
    code = data.get("code", "").strip()
    try:
        passage, _created = g.record(
            checkpoint,
            actor=request.user,
            direction=data.get("direction", "out"),
            token=code,
            plate=data.get("plate", ""),
            temperature=data.get("temperature") or None,
            health_code=data.get("health_code", ""),
            client_uuid=data.get("client_uuid") or None,
        )
    except ValidationError as exc:
        errors = [m for msgs in field_errors(exc).values() for m in msgs]
        return {"outcome": "error", "reason": "；".join(errors)}
    return {"outcome": passage.outcome, "reason": passage.reason, "who": describe(passage)}


@login_required
def gate_data_view(request: HttpRequest, pk: int) -> JsonResponse:
    checkpoint = gate_checkpoint(request.user, pk)
    return JsonResponse(gate_data(checkpoint), json_dumps_params={"ensure_ascii": False})


@login_required
def green_channel_view(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = gate_checkpoint(request.user, pk)
    form = {"client_uuid": uuid.uuid4(), "green": "", "direction": "out"}
    if request.method == "POST":
        data = request.POST
        form = {k: data.get(k, "") for k in ("green", "reason", "escort", "direction", "code")}
        form["client_uuid"] = data.get("client_uuid", "")
        code = form["code"].strip()
        try:
            passage, _created = green_channel(
                checkpoint,
                actor=request.user,
                green=form["green"],
                reason=form["reason"],
                escort=form["escort"],
                direction=form["direction"] or "out",
                token=code,
                client_uuid=form["client_uuid"] or None,
            )
        except ValidationError as exc:
            form["errors"] = [m for msgs in field_errors(exc).values() for m in msgs]
        else:
            who = describe(passage)
            messages.success(
                request,
                _("绿色通道已放行并记录：%(why)s %(who)s")
                % {"why": passage.get_green_display(), "who": who},
            )
            return redirect("checkpoints:gate", pk=checkpoint.pk)
    return render(
        request,
        "checkpoints/gate/green.html",
        {"checkpoint": checkpoint, "form": form, "greens": Passage.Green.choices},
    )
