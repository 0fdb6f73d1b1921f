from datetime import datetime

from ninja import Field, Schema
from pydantic import BaseModel

from core.api import Id
from core.quantities import MAX_QUANTITY, Count, Quantity
from inventory.models import AdjustmentReason
from logistics.models import DiscrepancyReason


class PlanIn(Schema):
    items: list[str] = Field(..., min_length=1, max_length=300, description="item codes")
    sites: list[str] = Field(
        ..., min_length=1, max_length=200, description="site codes, in order of preference"
    )


class PlanAllocationOut(Schema):
    request_line: int
    request: int
    served_unit: int
    served_unit_name: str
    item: str
    site: str
    quantity: int
    item_name: str
    site_name: str


class PlanExplanationOut(Schema):
    """One request line's reasoning: codes for programs, words in the asked language."""

    request_line: int
    request: int
    served_unit: int
    served_unit_name: str
    item: str
    item_name: str
    tier: int
    tier_label: str
    need: int
    need_basis: str
    need_basis_code: str
    need_claimed: int
    need_capped: bool
    outstanding: int
    quantity: int
    unit_quantity: int = Field(..., description="what the unit gets of the item in all")
    share_per_need: float | None
    share_per_person: float
    why: str
    why_code: str
    text: str


class PlanItemOut(BaseModel):
    item: str
    item_name: str
    available: int
    outstanding: int
    planned: int
    short: int


# The per-item and per-unit totals are plain dicts, tens of thousands of them at 140,000
# demand lines: a pydantic model validates a dict in its core, where ninja's `Schema` first
# wraps every row to read attributes of ORM objects (a second of a plan's answer).
class PlanUnitOut(BaseModel):
    served_unit: int
    served_unit_name: str
    items: int = Field(..., description="the items it waits for")
    lines: int = Field(..., description="its approved request lines of the planned items")
    in_full: int = Field(..., description="lines the plan serves in full")
    in_part: int = Field(..., description="lines the plan serves in part")
    not_served: int = Field(..., description="lines the plan gives nothing")


class PlanOut(Schema):
    """A page of the plan's request lines (`offset`, `limit`; `count` is all of them) with
    their picks and reasons; the per-item and per-unit totals are always whole."""

    allocations: list[PlanAllocationOut]
    explanation: list[PlanExplanationOut]
    items: list[PlanItemOut]
    units: list[PlanUnitOut]
    count: int
    offset: int
    limit: int


class CommitLineIn(Schema):
    request_line: Id
    site: str = Field(..., min_length=1, max_length=40)
    quantity: Quantity
    release_expired: str = Field(
        "",
        max_length=200,
        description="Empty: expired lots are never used. A reason: release expired stock of "
        "this item on purpose (taken first); the reason is kept on the allocation, the "
        "shipment line, the waybill and the dispatch movement.",
    )


class PlannedLineIn(Schema):
    request_line: Id
    site: str = Field(..., min_length=1, max_length=40)
    quantity: int = Field(..., ge=0, le=10**9)
    reason: str = Field(
        "", max_length=200, description="required when it differs from the proposal"
    )


class PlanCommitIn(PlanIn):
    """The plan's items and sites, and the quantities settled on: a proposed line not
    listed stays as proposed; a changed quantity needs a reason."""

    allocations: list[PlannedLineIn] = Field(default_factory=list, max_length=5000)


class PlanChangeOut(Schema):
    request_line: int
    site: str
    proposed: int
    committed: int
    reason: str


class PlanQuantityOut(Schema):
    request_line: int
    site: str
    quantity: int


class PlanRecordOut(Schema):
    id: int
    committed_by: str
    committed_at: datetime
    items: list[str]
    sites: list[str]
    supply: list[dict]
    proposal: list[PlanQuantityOut]
    changes: list[PlanChangeOut]
    committed: list[PlanQuantityOut]
    explanation: list[PlanExplanationOut]


class CommitIn(Schema):
    allocations: list[CommitLineIn] = Field(..., min_length=1, max_length=5000)


class AllocationOut(Schema):
    id: int
    request_line: int = Field(..., alias="request_line_id")
    site: str = Field(..., alias="site.code")
    lot: int = Field(..., alias="lot_id")
    quantity: int
    status: str
    expired_release_reason: str


class CommitOut(Schema):
    allocations: list[AllocationOut]


class ShipmentIn(Schema):
    site: str = Field(..., min_length=1, max_length=40)
    served_unit: Id
    vehicle: str = Field("", max_length=60)
    driver: str = Field("", max_length=60)
    contact: str = Field("", max_length=60)
    planned_at: datetime | None = None


class ShipmentLineOut(Schema):
    id: int
    item: str = Field(..., alias="item.code")
    lot: int = Field(..., alias="lot_id")
    quantity: int
    quantity_received: int | None
    discrepancy_reason: str
    note: str
    request_line: int = Field(..., alias="request_line_id")
    request: int = Field(..., alias="request_line.request_id")


class ShipmentOut(Schema):
    id: int
    status: str
    site: str = Field(..., alias="site.code")
    served_unit: int = Field(..., alias="served_unit_id")
    served_unit_name: str = Field(..., alias="served_unit.name")
    vehicle: str
    driver: str
    contact: str
    planned_at: datetime | None
    dispatched_at: datetime | None
    delivered_at: datetime | None
    handed_over_at: datetime | None
    received_by: str | None = Field(None, alias="received_by.username")
    has_photo: bool
    created_at: datetime
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.receipt_photo)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class DeliveryLineIn(Schema):
    id: Id
    quantity_received: Count
    reason: DiscrepancyReason | None = None
    note: str = Field("", max_length=200)


class DeliveryIn(Schema):
    lines: list[DeliveryLineIn] = Field(default_factory=list, max_length=1000)
    # Proof at the door (issue 22). A confirmation typed offline sends the time it was made.
    received_at: datetime | None = Field(None, description="when it was received; default now")
    handed_over_at: datetime | None = Field(None, description="the driver's handover time")
    photo: str | None = Field(
        None, max_length=4_000_000, description="base64 of a JPEG, PNG or WebP photo"
    )


class AdjustmentIn(Schema):
    site: str = Field(..., min_length=1, max_length=40)
    lot: Id
    quantity: int = Field(..., ge=-MAX_QUANTITY, le=MAX_QUANTITY, description="signed, base units")
    reason: AdjustmentReason
    note: str = Field("", max_length=2000)


class AdjustmentOut(Schema):
    id: int
    site: str = Field(..., alias="site.code")
    lot: int = Field(..., alias="lot_id")
    quantity: int
    reason: str
    note: str
    created_at: datetime
