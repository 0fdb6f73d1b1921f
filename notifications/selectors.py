"""Reads for the inbox and for the stock checks (the checks of distribution live with it:
`logistics.checks`, `supply_requests.checks`).

The check reads are built for a periodic job over the whole system: each is a fixed, small
number of queries whatever the number of sites, items or lots (never one query per row).
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet, Sum

from inventory.models import (
    MovementKind,
    OrganisationMembership,
    StockBalance,
    StockMovement,
)
from inventory.permissions import User
from notifications.conf import DISPATCH_WINDOW_DAYS
from notifications.models import Notification, StockThreshold

# --- the inbox


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody else's, administrators included."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


# --- who is told


def organisation_members(
    organisation_ids: Collection[int], roles: Collection[str]
) -> dict[int, set[int]]:
    """Active users of each organisation in the given roles (one query)."""
    members: dict[int, set[int]] = defaultdict(set)
    rows = OrganisationMembership.objects.filter(
        organisation_id__in=set(organisation_ids), role__in=list(roles), user__is_active=True
    ).values_list("organisation_id", "user_id")
    for organisation_id, user_id in rows:
        members[organisation_id].add(user_id)
    return members


# --- what the checks look at


@dataclass(frozen=True)
class StockReading:
    threshold: StockThreshold
    on_hand: int
    dispatched: int  # base units dispatched over the last DISPATCH_WINDOW_DAYS days

    @property
    def daily_dispatch(self) -> float:
        return self.dispatched / DISPATCH_WINDOW_DAYS

    @property
    def days_of_cover(self) -> float | None:
        """On hand ÷ average daily dispatch; None when nothing was dispatched (no burn)."""
        return self.on_hand / self.daily_dispatch if self.dispatched > 0 else None

    @property
    def is_low(self) -> bool:
        threshold = self.threshold
        if threshold.min_quantity is not None:
            return self.on_hand < threshold.min_quantity
        # Whole numbers only: on_hand / (dispatched / 14) < min_days, without rounding.
        return (
            self.dispatched > 0
            and self.on_hand * DISPATCH_WINDOW_DAYS < threshold.min_days_of_cover * self.dispatched
        )


def stock_readings(
    *, now: datetime, threshold_ids: Collection[int] | None = None
) -> list[StockReading]:
    """Every threshold at an active site with its stock on hand and recent dispatch.

    Three queries in all: the thresholds, on hand per (site, item) from the balances, and
    dispatch per (site, item) over the window aggregated from the ledger in one query.
    """
    thresholds = StockThreshold.objects.filter(site__is_active=True).select_related("site", "item")
    if threshold_ids is not None:
        thresholds = thresholds.filter(pk__in=list(threshold_ids))
    thresholds = list(thresholds.order_by("pk"))
    if not thresholds:
        return []
    site_ids = {t.site_id for t in thresholds}
    item_ids = {t.item_id for t in thresholds}
    on_hand = {
        (row["site_id"], row["item_id"]): row["total"] or 0
        for row in StockBalance.objects.filter(site_id__in=site_ids, item_id__in=item_ids)
        .order_by()
        .values("site_id", "item_id")
        .annotate(total=Sum("on_hand"))
    }
    cover_items = {t.item_id for t in thresholds if t.min_days_of_cover is not None}
    dispatched: dict[tuple[int, int], int] = {}
    if cover_items:
        rows = (
            StockMovement.objects.filter(
                kind=MovementKind.DISPATCH,
                item_id__in=cover_items,
                site_id__in=site_ids,
                occurred_at__gt=now - timedelta(days=DISPATCH_WINDOW_DAYS),
                occurred_at__lte=now,
            )
            .order_by()
            .values("site_id", "item_id")
            .annotate(total=Sum("quantity"))
        )
        # Dispatch movements are negative: stock leaving the site.
        dispatched = {(row["site_id"], row["item_id"]): -row["total"] for row in rows}
    return [
        StockReading(
            threshold=t,
            on_hand=on_hand.get((t.site_id, t.item_id), 0),
            dispatched=dispatched.get((t.site_id, t.item_id), 0),
        )
        for t in thresholds
    ]


def expiring_balances(*, today: date, window_days: int) -> QuerySet[StockBalance]:
    """Stock on hand at active sites in lots expiring within the window (or expired)."""
    return (
        StockBalance.objects.filter(
            on_hand__gt=0,
            site__is_active=True,
            expiry__isnull=False,
            expiry__lte=today + timedelta(days=window_days),
        )
        .select_related("site", "lot", "item")
        .order_by("site_id", "lot_id")
    )
