"""The periodic check of requests: a submitted request with no decision after the configured
hours tells the coordinators serving its unit and its requester, once per crossing
(`notifications.services.alerts_reconcile`)."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from notifications import conf
from notifications.models import NotificationKind
from notifications.services import Alert, CheckResult, alerts_reconcile
from supply_requests.models import RequestStatus, SupplyRequest
from supply_requests.selectors import unit_coordinators


def waiting_requests(*, now: datetime, hours: int) -> list[SupplyRequest]:
    return list(
        SupplyRequest.objects.filter(
            status=RequestStatus.SUBMITTED, submitted_at__lte=now - timedelta(hours=hours)
        )
        .select_related("served_unit", "requested_by")
        .order_by("pk")
    )


def waiting_requests_check() -> CheckResult:
    """Alert when a submitted request has had no decision for the configured hours."""
    hours = conf.request_waiting_hours()
    requests = waiting_requests(now=timezone.now(), hours=hours)
    coordinators = unit_coordinators({r.served_unit_id for r in requests})
    alerts = [
        Alert(
            subject=f"request={r.pk}",
            recipient_ids=frozenset(
                coordinators.get(r.served_unit_id, set())
                | ({r.requested_by_id} if r.requested_by.is_active else set())
            ),
            params={
                "request": r.pk,
                "served_unit": r.served_unit.name,
                "submitted_at": r.submitted_at.isoformat(),
                "hours": hours,
            },
            link=reverse("pages:request", args=[r.pk]),
        )
        for r in requests
    ]
    return alerts_reconcile(kind=NotificationKind.REQUEST_WAITING, alerts=alerts)
