"""Request transitions that must also give stock back: cancel and close short.

`supply_requests` cannot see reservations (they live in this layer), so these wrappers
release a request's reserved stock and then make the transition, in one transaction.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition
from core.transactions import atomic_retrying
from logistics.models import Allocation, AllocationStatus
from logistics.services.allocations import lock_lines, release_locked
from supply_requests.models import SupplyRequest
from supply_requests.roles import require_coordinator, require_requester_or_coordinator
from supply_requests.services import request_cancel, request_close, require_close_reason


def _release_all(actor: AbstractBaseUser, request: SupplyRequest) -> None:
    line_ids = list(request.lines.values_list("pk", flat=True))
    if not line_ids:
        return
    lines = lock_lines(line_ids)
    planned = (
        Allocation.objects.filter(
            request_line__request=request, status=AllocationStatus.IN_SHIPMENT
        )
        .values_list("shipment_lines__shipment_id", flat=True)
        .distinct()
    )
    if planned:
        raise IllegalTransition(
            _(
                "Request #%(id)d has goods on planned shipment(s) %(shipments)s; cancel those "
                "shipments first."
            )
            % {"id": request.pk, "shipments": ", ".join(f"#{pk}" for pk in sorted(planned))},
            current=request.status,
        )
    for allocation in (
        Allocation.objects.select_for_update(of=("self",), no_key=True)
        .filter(request_line__request=request, status=AllocationStatus.RESERVED)
        .order_by("pk")
    ):
        allocation.request_line = lines[allocation.request_line_id]
        release_locked(actor=actor, allocation=allocation)


@atomic_retrying
def request_cancel_releasing(
    *, actor: AbstractBaseUser, request: SupplyRequest, note: str = ""
) -> SupplyRequest:
    """Cancel an open request and give back any stock reserved for it."""
    require_requester_or_coordinator(actor, request.served_unit)
    _release_all(actor, request)
    return request_cancel(actor=actor, request=request, note=note)


@atomic_retrying
def request_close_releasing(
    *, actor: AbstractBaseUser, request: SupplyRequest, reason: str
) -> SupplyRequest:
    """Close a request short, giving back any stock still reserved for it."""
    require_coordinator(actor, request.served_unit)
    require_close_reason(reason)
    _release_all(actor, request)
    return request_close(actor=actor, request=request, reason=reason)
