"""Requests of units other than the `unit` fixture's, taken through the real services."""

from supply_requests.models import Priority
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)


def approved_for(unit, worker, coordinator, quantity, *, item=None, priority=Priority.NORMAL):
    """An approved request of `unit` for `quantity` of `item` (the N95 fixture's by default)."""
    from inventory.models import Item

    item = item or Item.objects.get(code="n95")
    request = request_create(
        actor=worker,
        served_unit=unit,
        priority=priority,
        lines=[RequestLineInput(item=item, quantity=quantity)],
    )
    request = request_submit(actor=worker, request=request)
    line = request.lines.get()
    return request_approve(actor=coordinator, request=request, approved={line.pk: quantity})
