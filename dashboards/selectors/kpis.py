"""The coordinator's KPI numbers, over what the reader may see.

They read balances and request-line counters, never sum the raw ledger, so their cost grows
with sites × items and open requests, not with history.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from dashboards.selectors.scope import Scope
from inventory.models import Item, StockBalance
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
    # Stock on hand in lots already past their expiry: not available, waiting for a
    # write-off (or a deliberate release); its own figure, never hidden in "expiring".
    expired_on_hand: int


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _summarise(
    *,
    requests: QuerySet[SupplyRequest],
    balances: QuerySet[StockBalance],
    lines: QuerySet[SupplyRequestLine],
    as_of: date,
) -> Summary:
    """The KPI numbers over these requests (and their `lines`) and balances (7 queries)."""
    moment = _end_of(as_of)
    waiting = requests.filter(status__in=WAITING_STATUSES)
    open_requests = waiting.count()
    units_waiting = (
        waiting.filter(submitted_at__lte=moment - timedelta(hours=48))
        .values("served_unit")
        .distinct()
        .count()
    )
    # The week's window inside the subquery, so the database starts from the week's
    # decisions rather than from every request the units ever made.
    week = lines.filter(
        request__in=requests.filter(
            decided_at__gt=moment - timedelta(days=7), decided_at__lte=moment
        ),
    ).aggregate(approved=Sum("quantity_approved"), delivered=Sum("quantity_delivered"))
    approved, delivered = week["approved"] or 0, week["delivered"] or 0
    # Only balances holding stock (a partial index): a used-up lot's row stays at zero for
    # ever, and reading those would make this grow with history.
    available = dict(
        balances.filter(Q(expiry__isnull=True) | Q(expiry__gte=as_of), on_hand__gt=0)
        .values("item_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .values_list("item_id", "free")
    )
    # Items once stocked here and now used up are out of stock too: asked item by item — a
    # LIMIT 1 subquery is one index probe per item, where EXISTS would be planned as a read
    # of every used-up balance.
    stocked = set(
        Item.objects.annotate(
            balance=Subquery(balances.filter(item=OuterRef("pk")).values("pk")[:1])
        )
        .filter(balance__isnull=False)
        .values_list("pk", flat=True)
    )
    wanted = set(
        lines.filter(
            request__in=requests.filter(status__in=ACTIVE_STATUSES),
            quantity_approved__gt=F("quantity_allocated"),
        ).values_list("item_id", flat=True)
    )
    out_of_stock = sum(1 for item_id in stocked | wanted if available.get(item_id, 0) <= 0)
    # The balance's own copy of its lot's expiry: no lot table in the read.
    expiry = balances.filter(on_hand__gt=0, expiry__lte=as_of + timedelta(days=30)).aggregate(
        expiring=Sum("on_hand", filter=Q(expiry__gte=as_of)),
        expired=Sum("on_hand", filter=Q(expiry__lt=as_of)),
    )
    return Summary(
        as_of=as_of,
        open_requests=open_requests,
        units_waiting_over_48h=units_waiting,
        fill_rate_this_week=round(delivered / approved, 4) if approved else None,
        approved_this_week=approved,
        delivered_this_week=delivered,
        items_out_of_stock=out_of_stock,
        expiring_within_30_days=expiry["expiring"] or 0,
        expired_on_hand=expiry["expired"] or 0,
    )


def _balances_at(site_ids: list[int]) -> QuerySet[StockBalance]:
    """The balances of these sites, named by id: with the ids as constants each per-item
    probe in `_summarise` is a tight (item, site) index lookup; with a subquery the database
    reads every balance the item ever had, anywhere."""
    return StockBalance.objects.filter(site_id__in=site_ids)


def summary(*, user: User, as_of: date | None = None) -> Summary:
    """The coordinator's KPI tiles, as of the end of `as_of` (today by default)."""
    return _summarise(
        requests=SupplyRequest.objects.filter(served_unit__in=units_for(user)),
        balances=_balances_at(list(sites_for(user).values_list("pk", flat=True))),
        lines=SupplyRequestLine.objects.all(),
        as_of=as_of or timezone.localdate(),
    )


def kpis(scope: Scope) -> Summary:
    """The same numbers over a dashboard's scope: its sites and units, its category, as of
    the last day shown."""
    requests = SupplyRequest.objects.filter(served_unit_id__in=scope.unit_ids)
    balances = _balances_at(scope.site_ids if scope.can_see_stock else [])
    lines = SupplyRequestLine.objects.all()
    if scope.category:
        requests = requests.filter(
            pk__in=SupplyRequestLine.objects.filter(item__category=scope.category).values(
                "request_id"
            )
        )
        balances = balances.filter(item__category=scope.category)
        lines = lines.filter(item__category=scope.category)
    return _summarise(requests=requests, balances=balances, lines=lines, as_of=scope.date_to)
