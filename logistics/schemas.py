from datetime import datetime

from ninja import Field, Schema

from core.api import Id, Quantity
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


class PlanExplanationOut(Schema):
    request_line: int
    request: int
    served_unit: int
    served_unit_name: str
    item: str
    tier: int
    tier_label: str
    need: int
    need_basis: str
    outstanding: int
    quantity: int
    share_per_need: float | None
    why: str


class PlanItemOut(Schema):
    item: str
    available: int
    outstanding: int
    planned: int
    short: int


class PlanOut(Schema):
    allocations: list[PlanAllocationOut]
    explanation: list[PlanExplanationOut]
    items: list[PlanItemOut]


class CommitLineIn(Schema):
    request_line: Id
    site: str = Field(..., min_length=1, max_length=40)
    quantity: Quantity


class CommitIn(Schema):
    allocations: list[CommitLineIn] = Field(..., min_length=1, max_length=5000)


class AllocationOut(Schema):
    id: int
    request_line: int = Field(..., alias="request_line_id")
    site: str = Field(..., alias="site.code")
    lot: int = Field(..., alias="lot_id")
    quantity: int
    status: str


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
    created_at: datetime
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class DeliveryLineIn(Schema):
    id: Id
    quantity_received: int = Field(..., ge=0, le=2**31 - 1)
    reason: DiscrepancyReason | None = None
    note: str = Field("", max_length=200)


class DeliveryIn(Schema):
    lines: list[DeliveryLineIn] = Field(default_factory=list, max_length=1000)


class AdjustmentIn(Schema):
    site: str = Field(..., min_length=1, max_length=40)
    lot: Id
    quantity: int = Field(..., ge=-(2**31 - 1), le=2**31 - 1, description="signed, base units")
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
