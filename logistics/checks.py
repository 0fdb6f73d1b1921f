"""The periodic check of distribution: a dispatched shipment not delivered after the
configured hours tells the coordinators serving the receiving unit and the community workers
whose requests it carries, once per crossing (`notifications.services.alerts_reconcile`)."""

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from logistics.models import Shipment, ShipmentLine, ShipmentStatus
from notifications import conf
from notifications.models import NotificationKind
from notifications.services import Alert, CheckResult, alerts_reconcile
from supply_requests.selectors import unit_coordinators


def overdue_shipments(*, now: datetime, hours: int) -> list[Shipment]:
    return list(
        Shipment.objects.filter(
            status=ShipmentStatus.DISPATCHED, dispatched_at__lte=now - timedelta(hours=hours)
        )
        .select_related("site", "served_unit")
        .order_by("pk")
    )


def shipment_requesters(shipment_ids: Collection[int]) -> dict[int, set[int]]:
    """Active community workers who asked for what each shipment carries (one query)."""
    requesters: dict[int, set[int]] = defaultdict(set)
    rows = (
        ShipmentLine.objects.filter(
            shipment_id__in=set(shipment_ids), request_line__request__requested_by__is_active=True
        )
        .values_list("shipment_id", "request_line__request__requested_by_id")
        .distinct()
    )
    for shipment_id, user_id in rows:
        requesters[shipment_id].add(user_id)
    return requesters


def overdue_shipments_check() -> CheckResult:
    """Alert when a dispatched shipment is not delivered after the configured hours."""
    hours = conf.shipment_overdue_hours()
    shipments = overdue_shipments(now=timezone.now(), hours=hours)
    coordinators = unit_coordinators({s.served_unit_id for s in shipments})
    requesters = shipment_requesters([s.pk for s in shipments])
    alerts = [
        Alert(
            subject=f"shipment={s.pk}",
            recipient_ids=frozenset(
                coordinators.get(s.served_unit_id, set()) | requesters.get(s.pk, set())
            ),
            params={
                "shipment": s.pk,
                "site": s.site.name,
                "served_unit": s.served_unit.name,
                "dispatched_at": s.dispatched_at.isoformat(),
                "hours": hours,
            },
            link=reverse("pages:shipment", args=[s.pk]),
        )
        for s in shipments
    ]
    return alerts_reconcile(kind=NotificationKind.OVERDUE_SHIPMENT, alerts=alerts)
