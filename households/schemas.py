from datetime import date, datetime

from ninja import Field, Schema

from core.api import Id
from households.models import Category


class HouseholdIn(Schema):
    served_unit: Id
    address: str = Field("", max_length=200, description="one line; or building/unit/room")
    building: str = Field("", max_length=100)
    unit: str = Field("", max_length=50)
    room: str = Field("", max_length=50)
    contact_name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    members: int = Field(1, ge=1, le=99)
    categories: list[Category] = Field(default_factory=list, max_length=len(Category.values))
    isolation_from: date | None = None
    isolation_until: date | None = None
    notes: str = Field("", max_length=1000)
    consent: bool = Field(
        True, description="the worker confirms the household agreed to be registered"
    )


class HouseholdCreated(Schema):
    id: int
    flagged_elsewhere: bool


class HouseholdOut(Schema):
    """Personal fields: only ever sent to the community's own workers."""

    id: int
    served_unit: int
    contact_name: str
    phone: str
    building: str
    unit: str
    room: str
    members: int
    categories: list[str]
    isolation_from: date | None
    isolation_until: date | None
    notes: str
    flagged_elsewhere: bool
    erased: bool


class HouseholdSummaryOut(Schema):
    households: int
    members: int
    by_category: dict[str, int]
    reached_last_7_days: int


class HandoverIn(Schema):
    item: str = Field(..., min_length=1, max_length=40)
    quantity: int = Field(1, ge=1, le=1_000_000)


class HandoverOut(Schema):
    id: int
    household: int
    item: str
    quantity: int
    handed_over_at: datetime


class RoundIn(Schema):
    served_unit: Id
    volunteer: Id
    item: str = Field(..., min_length=1, max_length=40)
    quantity: int = Field(1, ge=1, le=1000)
    households: list[Id] = Field(..., min_length=1, max_length=500)


class DoorOut(Schema):
    stop_id: int
    position: int
    household_id: int
    address: str
    contact_name: str
    phone: str
    members: int
    item: str
    quantity: int
    outcome: str
    outcome_at: datetime | None


class RoundOut(Schema):
    id: int
    served_unit: int
    volunteer: int
    status: str
    doors: list[DoorOut]


class OutcomeIn(Schema):
    outcome: str = Field(
        ..., description="handed_over, left_at_door, not_home or refused", max_length=20
    )
