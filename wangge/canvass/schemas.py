"""Request and response schemas of the canvass API: campaigns with their questions, visits (with
the registry corrections made at the door), the coverage ledger, the households not reached
(householder and phone masked) and flagged people with the commander's decision."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.people.models import Residence

from .answers import choices_of
from .models import Campaign, Flag, Method, Outcome
from .models_returnees import Measure

# --- campaigns -------------------------------------------------------------------------------


class ChoiceOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    position: int
    key: str
    kind: str
    label: str
    choices: list[ChoiceOut]
    required: bool
    condition: str
    per_person: bool

    @staticmethod
    def resolve_choices(obj) -> list[dict]:
        return [{"value": k, "label": v} for k, v in choices_of(obj).items()]


class CampaignOut(Schema):
    id: int
    name: str
    area_id: int
    area_name: str
    target: str
    target_estate_ids: list[int]
    target_building_ids: list[int]
    target_group: str
    starts_on: dt.date
    ends_on: dt.date
    is_open: bool
    methods: list[str]
    questionnaire_id: int
    questionnaire_name: str
    close_time: dt.time
    lookback_days: int
    created_at: dt.datetime

    @staticmethod
    def resolve_area_name(obj: Campaign) -> str:
        return obj.area.name

    @staticmethod
    def resolve_questionnaire_name(obj: Campaign) -> str:
        return obj.questionnaire.name

    @staticmethod
    def resolve_target_estate_ids(obj: Campaign) -> list[int]:
        return sorted(e.pk for e in obj.target_estates.all())

    @staticmethod
    def resolve_target_building_ids(obj: Campaign) -> list[int]:
        return sorted(b.pk for b in obj.target_buildings.all())


class CampaignDetailOut(CampaignOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Campaign) -> list:
        return list(obj.questionnaire.questions.all())


class CampaignIn(InSchema):
    area_id: int
    name: str = Field(min_length=1, max_length=100)
    target: Campaign.Target = Campaign.Target.AREA
    estate_ids: list[int] = Field([], description="target=estates 时的小区 id")
    building_ids: list[int] = Field([], description="target=buildings 时的楼栋 id")
    target_group: str = Field("", max_length=16, description="target=special_group 时的人群类别")
    starts_on: dt.date
    ends_on: dt.date
    methods: list[Method]
    close_time: dt.time = dt.time(20, 0)
    lookback_days: int = Field(14, ge=1, le=60)
    library: str = Field("", max_length=32, description="问卷库：returnee、household 或 kits")
    questionnaire_id: int | None = Field(None, description="已有问卷（复制一份给本次排查）")


# --- visits ----------------------------------------------------------------------------------


class NewPersonIn(InSchema):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    relation: Residence.Relation = Residence.Relation.TENANT


class CorrectionsIn(InSchema):
    people_count: int | None = Field(None, ge=0, le=50, description="现居人数")
    moved_out: list[int] = Field([], description="已搬离者的居住关系 id")
    new_people: list[NewPersonIn] = Field([], max_length=20, description="新住进的人")


class VisitIn(InSchema):
    household_id: int
    method: Method
    outcome: Outcome
    answers: dict = Field({}, description='{题目字段名: 答案, "persons": [{"person", "name", …}]}')
    note: str = Field("", max_length=200)
    visited_at: dt.datetime | None = Field(None, description="走访时间；不填为当前时间")
    worker_name: str = Field("", max_length=50)
    client_uuid: uuid.UUID | None = Field(None, description="客户端生成；重试时带同一个值")
    corrections: CorrectionsIn | None = None


class VisitOut(Schema):
    id: int
    campaign_id: int
    household_id: int
    household: str
    grid_id: int
    method: str
    outcome: str
    outcome_label: str
    visited_at: dt.datetime
    answers: dict
    note: str
    worker_name: str
    source: str
    client_uuid: uuid.UUID | None
    created_at: dt.datetime

    @staticmethod
    def resolve_household(obj) -> str:
        return obj.household.address

    @staticmethod
    def resolve_grid_id(obj) -> int:
        return obj.household.building.area_id

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return str(obj.get_outcome_display())


# --- coverage --------------------------------------------------------------------------------


class CountsOut(Schema):
    targeted: int
    reached: int
    revisit: int
    refused: int
    vacant: int
    moved: int
    not_attempted: int
    not_reached: int
    percent: float


class LineOut(Schema):
    id: int | None
    name: str
    path: str
    community: str = ""
    leader_name: str = ""
    leader_phone: str = ""
    counts: CountsOut
    children: list[LineOut] = Field([], description="网格下为楼栋，楼栋下为单元（units=true）")


class CoverageOut(Schema):
    campaign_id: int
    total: CountsOut
    grids: list[LineOut]


class NotReachedOut(Schema):
    household_id: int
    grid: str
    building: str
    unit: str
    floor: int
    room: str
    householder: str = Field(description="脱敏")
    phone: str = Field(description="脱敏")
    state: str
    state_label: str
    visits: int
    last_at: dt.datetime | None
    grid_leader: str
    grid_leader_phone: str


class NotReachedPage(Schema):
    count: int
    items: list[NotReachedOut]


# --- flags -----------------------------------------------------------------------------------


class FlagOut(Schema):
    id: int
    campaign_id: int | None
    visit_id: int | None
    arrival_id: int | None
    household_id: int | None
    household: str
    grid_id: int | None
    grid: str
    person_id: int | None
    person_name: str
    code: str
    reason: str
    proposed: str
    measure: str
    measure_label: str
    decided: bool
    decision_note: str
    decided_by: str
    decided_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_household(obj: Flag) -> str:
        return obj.household.address if obj.household_id else ""

    @staticmethod
    def resolve_grid_id(obj: Flag) -> int | None:
        grid = _grid_of(obj)
        return grid.pk if grid else None

    @staticmethod
    def resolve_grid(obj: Flag) -> str:
        grid = _grid_of(obj)
        return grid.name if grid else ""

    @staticmethod
    def resolve_measure_label(obj: Flag) -> str:
        return str(obj.get_measure_display()) if obj.measure else ""

    @staticmethod
    def resolve_decided_by(obj: Flag) -> str:
        return obj.decided_by.display_name if obj.decided_by_id else ""


def _grid_of(flag: Flag):
    if flag.household_id:
        return flag.household.building.area
    return flag.arrival.area if flag.arrival_id else None


class DecisionIn(InSchema):
    measure: Measure
    note: str = Field("", max_length=200, description="与建议措施不同时必填")
