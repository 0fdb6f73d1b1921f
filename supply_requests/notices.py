"""Who hears of what happens to a request, told through `notifications.notify_event`.

Called by the transitions in `services.py`, inside their transaction: the requester hears of
every decision on her request, the coordinators serving the unit of every critical or high
request sent to them. The actor is never told of her own action.
"""

from django.urls import reverse

from notifications.models import NotificationKind
from notifications.services import notify_event
from supply_requests.models import Priority, RequestStatus, SupplyRequest
from supply_requests.selectors import unit_coordinators

_URGENT = {Priority.CRITICAL, Priority.HIGH}

_DECISION_KINDS = {
    RequestStatus.APPROVED: NotificationKind.REQUEST_APPROVED,
    RequestStatus.PARTIALLY_APPROVED: NotificationKind.REQUEST_PARTIALLY_APPROVED,
    RequestStatus.REJECTED: NotificationKind.REQUEST_REJECTED,
    RequestStatus.CLOSED: NotificationKind.REQUEST_CLOSED,
}


def _facts(request: SupplyRequest) -> dict:
    return {"request": request.pk, "served_unit": request.served_unit.name}


def _link(request: SupplyRequest) -> str:
    return reverse("pages:request", args=[request.pk])


def request_submitted_notify(*, request: SupplyRequest, actor_id: int) -> None:
    """A critical or high request: its unit's coordinators are told at once."""
    if request.priority not in _URGENT:
        return
    coordinators = unit_coordinators({request.served_unit_id}).get(request.served_unit_id, set())
    notify_event(
        kind=NotificationKind.REQUEST_SUBMITTED,
        subject=f"request={request.pk}",
        recipient_ids=coordinators,
        params={
            **_facts(request),
            "priority": request.priority,
            "lines": request.lines.count(),
            "needed_by": request.needed_by.isoformat() if request.needed_by else "-",
        },
        link=_link(request),
        actor_id=actor_id,
    )


def request_decided_notify(*, request: SupplyRequest, actor_id: int, note: str = "") -> None:
    """Approved, partially approved, rejected or closed short: the requester is told, with
    the coordinator's note or reason."""
    kind = _DECISION_KINDS[request.status]
    notify_event(
        kind=kind,
        subject=f"request={request.pk}",
        recipient_ids={request.requested_by_id},
        params={**_facts(request), "note": note},
        link=_link(request),
        actor_id=actor_id,
    )
