from datetime import date, datetime

from ninja import Field, Schema
from pydantic import create_model

from core.api import Id
from core.quantities import Count, Quantity
from supply_requests.models import Priority


class ServedUnitOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    parent: int | None = Field(None, alias="parent_id")
    population: int
    households: int
    isolated_households: int
    frontline_medical: bool
    is_active: bool


class RequestLineIn(Schema):
    item: str = Field(..., min_length=1, max_length=40, description="item code")
    quantity: Quantity | None = Field(..., description="null when the quantity is unknown")
    note: str = Field("", max_length=200)


class RequestIn(Schema):
    served_unit: Id
    priority: Priority = Priority.NORMAL
    needed_by: date | None = None
    people_served: Count = 0
    reason: str = Field("", max_length=2000)
    lines: list[RequestLineIn] = Field(..., min_length=1, max_length=300)
    # Issue 22: the phone's outbox sends and submits in one call, under one Idempotency-Key.
    submit: bool = Field(False, description="also send it to the coordinators")


class RequestLineOut(Schema):
    id: int
    item: str = Field(..., alias="item.code")
    item_name: str = Field(..., alias="item.name_zh")
    quantity_requested: int | None
    quantity_approved: int
    quantity_allocated: int
    quantity_dispatched: int
    quantity_delivered: int
    quantity_short: int
    note: str


# "from" is a Python keyword, so this schema is built with create_model; the history is
# handed to it as plain dicts by RequestOut.resolve_history.
HistoryOut = create_model(
    "HistoryOut",
    __base__=Schema,
    **{"from": (str, ...), "to": (str, ...), "by": (str, ...), "at": (datetime, ...)},
    note=(str, ...),
)


class RequestOut(Schema):
    id: int
    served_unit: int = Field(..., alias="served_unit_id")
    served_unit_name: str = Field(..., alias="served_unit.name")
    requested_by: str = Field(..., alias="requested_by.username")
    priority: str
    status: str
    needed_by: date | None
    people_served: int
    reason: str
    decision_note: str
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    lines: list[RequestLineOut]
    history: list[HistoryOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_history(obj) -> list[dict]:
        return [
            {
                "from": change.from_status,
                "to": change.to_status,
                "by": change.actor.get_username(),
                "at": change.at,
                "note": change.note,
            }
            for change in obj.history.all()
        ]


class ApproveLineIn(Schema):
    id: Id
    quantity_approved: Count


class ApproveIn(Schema):
    lines: list[ApproveLineIn] = Field(..., min_length=1, max_length=300)
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)
