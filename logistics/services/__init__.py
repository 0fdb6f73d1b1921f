"""Distribution services: allocation, shipments, delivery, and the request transitions that
must give stock back. Each is one transaction; see each module's locking order."""

from logistics.services.allocations import (
    AllocationInput,
    allocation_commit,
    allocation_move,
    allocation_release,
)
from logistics.services.plans import PlannedQuantity, plan_commit
from logistics.services.requests import request_cancel_releasing, request_close_releasing
from logistics.services.shipments import (
    Receipt,
    Waybill,
    shipment_cancel,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
)
from logistics.services.stock import stock_write_off_expired, stock_write_off_releasing

__all__ = [
    "AllocationInput",
    "PlannedQuantity",
    "Receipt",
    "Waybill",
    "allocation_commit",
    "allocation_move",
    "allocation_release",
    "plan_commit",
    "request_cancel_releasing",
    "request_close_releasing",
    "shipment_cancel",
    "shipment_create",
    "shipment_deliver",
    "shipment_dispatch",
    "stock_write_off_expired",
    "stock_write_off_releasing",
]
