"""Read-only figures for the dashboards, scoped to what the user may see.

They read balances and request-line counters, never sum the raw ledger, so their cost grows
with sites × items and open requests, not with history.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, Sum
from django.utils import timezone

from inventory.models import StockBalance
from inventory.permissions import User
from inventory.selectors import sites_for
from supply_requests.models import (
    ACTIVE_STATUSES,
    RequestStatus,
    SupplyRequest,
    SupplyRequestLine,
)
from supply_requests.selectors import units_for

WAITING_STATUSES = ACTIVE_STATUSES | {RequestStatus.SUBMITTED}


@dataclass(frozen=True)
class Summary:
    as_of: date
    open_requests: int
    units_waiting_over_48h: int
    fill_rate_this_week: float | None
    approved_this_week: int
    delivered_this_week: int
    items_out_of_stock: int
    expiring_within_30_days: int


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def summary(*, user: User, as_of: date | None = None) -> Summary:
    """The coordinator's KPI tiles, as of the end of `as_of` (today by default)."""
    as_of = as_of or timezone.localdate()
    moment = _end_of(as_of)
    requests = SupplyRequest.objects.filter(served_unit__in=units_for(user))
    waiting = requests.filter(status__in=WAITING_STATUSES)
    open_requests = waiting.count()
    units_waiting = (
        waiting.filter(submitted_at__lte=moment - timedelta(hours=48))
        .values("served_unit")
        .distinct()
        .count()
    )
    week = SupplyRequestLine.objects.filter(
        request__in=requests,
        request__decided_at__gt=moment - timedelta(days=7),
        request__decided_at__lte=moment,
    ).aggregate(approved=Sum("quantity_approved"), delivered=Sum("quantity_delivered"))
    approved, delivered = week["approved"] or 0, week["delivered"] or 0
    balances = StockBalance.objects.filter(site__in=sites_for(user))
    available = dict(
        balances.values("item_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .values_list("item_id", "free")
    )
    wanted = set(
        SupplyRequestLine.objects.filter(
            request__in=requests.filter(status__in=ACTIVE_STATUSES),
            quantity_approved__gt=F("quantity_allocated"),
        ).values_list("item_id", flat=True)
    )
    out_of_stock = sum(1 for item_id in set(available) | wanted if available.get(item_id, 0) <= 0)
    expiring = balances.filter(
        Q(lot__expiry__gte=as_of) & Q(lot__expiry__lte=as_of + timedelta(days=30))
    ).aggregate(total=Sum("on_hand"))["total"]
    return Summary(
        as_of=as_of,
        open_requests=open_requests,
        units_waiting_over_48h=units_waiting,
        fill_rate_this_week=round(delivered / approved, 4) if approved else None,
        approved_this_week=approved,
        delivered_this_week=delivered,
        items_out_of_stock=out_of_stock,
        expiring_within_30_days=expiring or 0,
    )
