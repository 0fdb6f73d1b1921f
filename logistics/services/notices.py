"""Who hears of a shipment: its requesters when it leaves, requesters and the unit's
coordinators when its delivery is recorded — never the person who did it."""

from datetime import timedelta

from django.urls import reverse

from logistics.models import Shipment, ShipmentLine, ShipmentStatus
from notifications import conf
from notifications.models import NotificationKind
from notifications.services import notify_event
from supply_requests.selectors import unit_coordinators


def _requesters(shipment: Shipment) -> set[int]:
    return set(
        ShipmentLine.objects.filter(shipment=shipment).values_list(
            "request_line__request__requested_by_id", flat=True
        )
    )


def _facts(shipment: Shipment) -> dict:
    return {
        "shipment": shipment.pk,
        "served_unit": shipment.served_unit.name,
        "site": shipment.site.name,
    }


def shipment_dispatched_notify(*, shipment: Shipment, actor_id: int) -> None:
    """The waybill and when it should arrive (after that it counts as overdue)."""
    due = shipment.dispatched_at + timedelta(hours=conf.shipment_overdue_hours())
    notify_event(
        kind=NotificationKind.SHIPMENT_DISPATCHED,
        subject=f"shipment={shipment.pk}",
        recipient_ids=_requesters(shipment),
        params={
            **_facts(shipment),
            "vehicle": shipment.vehicle or "-",
            "driver": shipment.driver or "-",
            "contact": shipment.contact or "-",
            "dispatched_at": shipment.dispatched_at.isoformat(),
            "due_at": due.isoformat(),
        },
        link=reverse("pages:shipment", args=[shipment.pk]),
        actor_id=actor_id,
    )


def shipment_delivered_notify(*, shipment: Shipment, actor_id: int) -> None:
    coordinators = unit_coordinators({shipment.served_unit_id}).get(shipment.served_unit_id, set())
    notify_event(
        kind=NotificationKind.SHIPMENT_DELIVERED,
        subject=f"shipment={shipment.pk}",
        recipient_ids=_requesters(shipment) | coordinators,
        params={
            **_facts(shipment),
            "discrepancy": shipment.status == ShipmentStatus.DELIVERED_WITH_DISCREPANCY,
        },
        link=reverse("pages:shipment", args=[shipment.pk]),
        actor_id=actor_id,
    )
