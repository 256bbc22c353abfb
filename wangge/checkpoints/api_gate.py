"""Checkpoints API, gate part: recording a passage (idempotent with client_uuid; what the gate
phones and their offline queues post), checking a code without recording it, the revocation
list and the public key a gate page verifies passes with offline, the green channel and
turn-backs.

A checkpoint whose gate the caller does not work (gate.may_record) is a 404 (a 403 when they
can see it). The passage POST is the hot path: one checkpoint query, then gate.record."""

import datetime as dt

from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from wangge.api.access import user_of
from wangge.places.api import WRITE_RESPONSES

from . import gate as g
from . import passes, signing
from .models import Passage
from .schemas_gate import (
    GreenIn,
    PassageIn,
    PassageOut,
    PublicKeyOut,
    RevocationsOut,
    TurnBackIn,
    VerifyOut,
)
from .services_gate import describe, gate_checkpoint, green_channel, turn_back

router = Router()
RESPONSES = {200: PassageOut, 201: PassageOut, **WRITE_RESPONSES}


def _answer(passage: Passage, created: bool, who: bool) -> Status:
    body = {
        "id": passage.pk,
        "outcome": passage.outcome,
        "code": passage.code,
        "reason": passage.reason,
        "household_id": passage.household_id,
        "created": created,
        "who": describe(passage) if who else "",
    }
    return Status(201 if created else 200, body)


@router.post(
    "/{int:checkpoint_id}/passages",
    response=RESPONSES,
    summary="记录通行（扫码或身份证号；带 client_uuid 可安全重试，离线队列同步用 offline_outcome）",
)
def post_passage(request, checkpoint_id: int, payload: PassageIn):
    user = user_of(request)
    checkpoint = gate_checkpoint(user, checkpoint_id)
    passage, created = g.record(
        checkpoint,
        actor=user,
        direction=payload.direction,
        token=payload.token,
        id_number=payload.id_number,
        plate=payload.plate,
        temperature=payload.temperature,
        health_code=payload.health_code,
        at=payload.at,
        client_uuid=payload.client_uuid,
        offline_outcome=payload.offline_outcome,
        note=payload.note,
    )
    return _answer(passage, created, payload.describe)


@router.get(
    "/{int:checkpoint_id}/verify",
    response={200: VerifyOut, **WRITE_RESPONSES},
    summary="核验出入证或身份（只判断，不记录）",
)
def verify(request, checkpoint_id: int, token: str = "", id_number: str = "", direction="out"):
    checkpoint = gate_checkpoint(user_of(request), checkpoint_id)
    direction = direction if direction in Passage.Direction.values else g.OUT
    decision = g.decide(checkpoint, direction=direction, token=token, id_number=id_number)
    return {
        "allowed": decision.allowed,
        "code": decision.code,
        "reason": decision.reason,
        "household_id": decision.household.pk if decision.household else None,
    }


@router.get(
    "/{int:checkpoint_id}/revocations",
    response={200: RevocationsOut, **WRITE_RESPONSES},
    summary="本卡口所服务小区的作废出入证（since 之后作废的；不带 since 为全部有效期内的）",
)
def revocations(request, checkpoint_id: int, since: dt.datetime | None = None):
    checkpoint = gate_checkpoint(user_of(request), checkpoint_id)
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    now = timezone.now()
    estates = list(checkpoint.estates.values_list("pk", flat=True))
    ids = list(passes.revoked_since(estates, since).values_list("pk", flat=True))
    return {"now": now, "revoked": ids}


@router.get("/public-key", response=PublicKeyOut, summary="出入证签名公钥（Ed25519，base64url）")
def public_key(request):
    return {"key": signing.public_key_b64(), "format": signing.PREFIX}


@router.post(
    "/{int:checkpoint_id}/green",
    response=RESPONSES,
    summary="绿色通道（透析、临产、新生儿、急症等；即使封控户也立即放行并记录）",
)
def post_green(request, checkpoint_id: int, payload: GreenIn):
    user = user_of(request)
    checkpoint = gate_checkpoint(user, checkpoint_id)
    passage, created = green_channel(
        checkpoint,
        actor=user,
        green=payload.green,
        reason=payload.reason,
        escort=payload.escort,
        direction=payload.direction,
        token=payload.token,
        id_number=payload.id_number,
        at=payload.at,
        client_uuid=payload.client_uuid,
    )
    return _answer(passage, created, payload.describe)


@router.post("/{int:checkpoint_id}/turn-back", response=RESPONSES, summary="劝返（须填写原因）")
def post_turn_back(request, checkpoint_id: int, payload: TurnBackIn):
    user = user_of(request)
    checkpoint = gate_checkpoint(user, checkpoint_id)
    passage, created = turn_back(
        checkpoint,
        actor=user,
        reason=payload.reason,
        direction=payload.direction,
        token=payload.token,
        id_number=payload.id_number,
        plate=payload.plate,
        at=payload.at,
        client_uuid=payload.client_uuid,
    )
    return _answer(passage, created, payload.describe)
