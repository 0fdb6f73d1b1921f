"""The coordinator's KPI numbers, over what the reader may see.

They read balances and request-line counters, never sum the raw ledger, so their cost grows
with sites × items and open requests, not with history. No number adds quantities of
different items (masks, pairs of gloves, bottles, kilograms): they count requests, lines,
items and lots, and the fill rate is the mean of each line's delivered ÷ approved.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Least
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
    # The mean over the week's approved lines of min(delivered ÷ approved, 1): unit-free.
    fill_rate_this_week: float | None
    lines_approved_this_week: int
    lines_delivered_in_full_this_week: int
    items_out_of_stock: int
    items_short: int  # approved demand waiting for more than is available
    lots_expiring_within_30_days: int
    lots_expired: int


def line_fill_ratio() -> Least:
    """One line's delivered ÷ approved, capped at 1 (for lines with approval only)."""
    return Least(Cast(F("quantity_delivered"), FloatField()) / F("quantity_approved"), 1.0)


def line_fill_rate() -> Avg:
    """Mean of each line's delivered ÷ approved (capped at 1), over lines with approval."""
    return Avg(line_fill_ratio(), filter=Q(quantity_approved__gt=0))


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _summarise(
    *,
    requests: QuerySet[SupplyRequest],
    balances: QuerySet[StockBalance],
    lines: QuerySet[SupplyRequestLine],
    as_of: date,
) -> Summary:
    """The KPI numbers over these requests (and their `lines`) and balances (5 queries)."""
    moment = _end_of(as_of)
    # One read of the waiting requests for both numbers.
    waiting = requests.filter(status__in=WAITING_STATUSES).aggregate(
        open=Count("pk"),
        units=Count(
            "served_unit",
            distinct=True,
            filter=Q(submitted_at__lte=moment - timedelta(hours=48)),
        ),
    )
    open_requests, units_waiting = waiting["open"], waiting["units"]
    # The week's window inside the subquery, so the database starts from the week's
    # decisions rather than from every request the units ever made.
    week = lines.filter(
        request__in=requests.filter(
            decided_at__gt=moment - timedelta(days=7), decided_at__lte=moment
        ),
    ).aggregate(
        rate=line_fill_rate(),
        approved=Count("pk", filter=Q(quantity_approved__gt=0)),
        in_full=Count(
            "pk",
            filter=Q(quantity_approved__gt=0, quantity_delivered__gte=F("quantity_approved")),
        ),
    )
    # Only balances holding stock (a partial index): a used-up lot's row stays at zero for
    # ever, and reading those would make this grow with history.
    # The lots' expiry is counted in the same read of the balances (the balance's own copy
    # of its lot's expiry: no lot table in the read).
    available, expiring, expired = {}, 0, 0
    for item_id, free, item_expiring, item_expired in (
        balances.filter(on_hand__gt=0)
        .values("item_id")
        .annotate(
            free=Sum(
                F("on_hand") - F("reserved"), filter=Q(expiry__isnull=True) | Q(expiry__gte=as_of)
            ),
            expiring=Count(
                "pk", filter=Q(expiry__gte=as_of, expiry__lte=as_of + timedelta(days=30))
            ),
            expired=Count("pk", filter=Q(expiry__lt=as_of)),
        )
        .values_list("item_id", "free", "expiring", "expired")
    ):
        if free is not None:
            available[item_id] = free
        expiring += item_expiring
        expired += item_expired
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
    wanted = dict(
        lines.filter(
            request__in=requests.filter(status__in=ACTIVE_STATUSES),
            quantity_approved__gt=F("quantity_allocated"),
        )
        .values("item_id")
        .annotate(waiting=Sum(F("quantity_approved") - F("quantity_allocated")))
        .values_list("item_id", "waiting")
    )
    out_of_stock = sum(1 for item_id in stocked | set(wanted) if available.get(item_id, 0) <= 0)
    # Per item, in its own unit: more approved and waiting than is free on the shelves.
    short = sum(1 for item_id, waiting in wanted.items() if waiting > available.get(item_id, 0))
    rate = week["rate"]
    return Summary(
        as_of=as_of,
        open_requests=open_requests,
        units_waiting_over_48h=units_waiting,
        fill_rate_this_week=None if rate is None else round(rate, 4),
        lines_approved_this_week=week["approved"],
        lines_delivered_in_full_this_week=week["in_full"],
        items_out_of_stock=out_of_stock,
        items_short=short,
        lots_expiring_within_30_days=expiring,
        lots_expired=expired,
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
