"""Schemas of the follow-up API: follow-ups (what is due, what was recorded, the alert it
raised), recording one, alerts and their handling."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Schema

from wangge.api.schemas import InSchema

from .models_followups import Alert, FollowUp, Symptom
from .services_followups import is_overdue


def _address(order) -> str:
    return order.household.address if order.household_id else ""


class FollowUpOut(Schema):
    id: int
    order_id: int
    person_id: int
    person_name: str
    address: str
    order_type: str
    kind: str
    kind_label: str
    label: str
    day: dt.date
    due_at: dt.datetime
    overdue: bool
    assignee_id: int | None
    assignee_name: str
    done: bool
    done_at: dt.datetime | None
    temperature: float | None
    symptoms: list[str]
    symptom_labels: list[str]
    needs: str
    note: str
    recorded_by: str
    client_uuid: uuid.UUID | None
    alert_id: int | None
    alert_kind: str

    @staticmethod
    def resolve_person_id(obj: FollowUp) -> int:
        return obj.order.person_id

    @staticmethod
    def resolve_person_name(obj: FollowUp) -> str:
        return obj.order.person.name

    @staticmethod
    def resolve_address(obj: FollowUp) -> str:
        return _address(obj.order)

    @staticmethod
    def resolve_order_type(obj: FollowUp) -> str:
        return obj.order.order_type.name

    @staticmethod
    def resolve_kind_label(obj: FollowUp) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_overdue(obj: FollowUp) -> bool:
        return is_overdue(obj, timezone.now())

    @staticmethod
    def resolve_done(obj: FollowUp) -> bool:
        return obj.done_at is not None

    @staticmethod
    def resolve_temperature(obj: FollowUp) -> float | None:
        return float(obj.temperature) if obj.temperature is not None else None

    @staticmethod
    def resolve_symptom_labels(obj: FollowUp) -> list[str]:
        labels = dict(Symptom.choices)
        return [str(labels.get(code, code)) for code in obj.symptoms]

    @staticmethod
    def resolve_recorded_by(obj: FollowUp) -> str:
        return str(obj.recorded_by) if obj.recorded_by_id else ""

    @staticmethod
    def resolve_alert_id(obj: FollowUp) -> int | None:
        alert = _alert(obj)
        return alert.pk if alert else None

    @staticmethod
    def resolve_alert_kind(obj: FollowUp) -> str:
        alert = _alert(obj)
        return alert.kind if alert else ""


def _alert(obj: FollowUp) -> Alert | None:
    try:
        return obj.alert
    except Alert.DoesNotExist:
        return None


class RecordIn(InSchema):
    """Temperature as a number or as typed ("36.5", "３６．５"); symptoms as codes
    (fever, cough, sore_throat, fatigue, taste, diarrhoea, breath, other), [] or ["none"] for
    none. Send a new client_uuid per record and the same one on a retry."""

    temperature: float | str | None = None
    symptoms: list[str] = Field(default_factory=list)
    needs: str = Field("", max_length=200)
    note: str = Field("", max_length=200)
    client_uuid: uuid.UUID | None = None


class AlertOut(Schema):
    id: int
    order_id: int
    followup_id: int | None
    person_id: int
    person_name: str
    address: str
    kind: str
    kind_label: str
    temperature: float | None
    detail: str
    created_at: dt.datetime
    open: bool
    handled_at: dt.datetime | None
    handled_by: str
    handling: str
    worker_name: str

    @staticmethod
    def resolve_person_name(obj: Alert) -> str:
        return obj.person.name

    @staticmethod
    def resolve_address(obj: Alert) -> str:
        return _address(obj.order)

    @staticmethod
    def resolve_kind_label(obj: Alert) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_temperature(obj: Alert) -> float | None:
        return float(obj.temperature) if obj.temperature is not None else None

    @staticmethod
    def resolve_open(obj: Alert) -> bool:
        return obj.handled_at is None

    @staticmethod
    def resolve_handled_by(obj: Alert) -> str:
        return str(obj.handled_by) if obj.handled_by_id else ""

    @staticmethod
    def resolve_worker_name(obj: Alert) -> str:
        return obj.order.worker_name


class HandleIn(InSchema):
    handling: str = Field(min_length=1, max_length=200)
