"""Stock figures' data: on hand with days of cover, stock over time, expiry horizon.

They read `StockBalance` (one row per site × lot) and the daily roll-up (one row per day ×
site × item with movements), never the ledger, so a read costs the same at 100,000 and at
1,000,000 movements.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, IntegerField, Sum, Value, When

from dashboards.selectors.grouped import named_groups
from dashboards.selectors.scope import WINDOW_DAYS, Scope
from inventory.models import DailyStockRollup, Item, Site, StockBalance


@dataclass(frozen=True, slots=True)
class ItemRef:
    pk: int
    name_zh: str
    name_en: str
    category: str
    base_unit: str


@dataclass(frozen=True, slots=True)
class StockLine:
    """One item at one site: what is there, what is promised, how long it lasts."""

    site_id: int
    site_name: str
    item: ItemRef
    on_hand: int
    reserved: int
    dispatched_14d: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def days_of_cover(self) -> float | None:
        """On hand ÷ average daily dispatch over the last 14 days shown; None when nothing
        was dispatched (no rate to divide by)."""
        if self.dispatched_14d <= 0:
            return None
        return round(self.on_hand / (self.dispatched_14d / WINDOW_DAYS), 1)


# The item of a group of `named_groups` (its query has an "item_id" column).
ITEM_COLUMNS = "i.name_zh, i.name_en, i.category, i.base_unit"
ITEM_JOIN = f'JOIN {Item._meta.db_table} i ON i.id = g."item_id"'


def joined_item(row: dict, known: dict[int, ItemRef] | None = None) -> ItemRef:
    """The row's item; with `known`, one `ItemRef` per item however many rows name it."""
    if known is not None and row["item_id"] in known:
        return known[row["item_id"]]
    item = ItemRef(
        row["item_id"], row["name_zh"], row["name_en"], row["category"], row["base_unit"]
    )
    if known is not None:
        known[item.pk] = item
    return item


def stock_on_hand(scope: Scope) -> list[StockLine]:
    """Stock now per site and item, with the dispatches of the 14 days ending at the last day
    shown (two queries: balances, roll-up)."""
    balances = StockBalance.objects.filter(site_id__in=scope.site_ids)
    rollups = DailyStockRollup.objects.filter(
        site_id__in=scope.site_ids,
        day__gt=scope.date_to - timedelta(days=WINDOW_DAYS),
        day__lte=scope.date_to,
    )
    if scope.category:
        balances = balances.filter(item__category=scope.category)
        rollups = rollups.filter(item__category=scope.category)
    dispatched = {
        (row["site_id"], row["item_id"]): row["total"]
        for row in rollups.order_by()
        .values("site_id", "item_id")
        .annotate(total=Sum("dispatched"))
        .filter(total__gt=0)
    }
    lines = []
    # Balances holding stock only (reserved ≤ on hand, so nothing reserved is left out):
    # the partial index of those keeps used-up lots of past years out of the read. Grouped
    # by ids, then named (`named_groups`).
    per_pair = (
        balances.filter(on_hand__gt=0)
        .order_by()
        .values("site_id", "item_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    )
    items: dict[int, ItemRef] = {}
    for row in named_groups(
        per_pair,
        select=f"g.*, s.name AS site_name, {ITEM_COLUMNS}",
        joins=f'JOIN {Site._meta.db_table} s ON s.id = g."site_id" {ITEM_JOIN}',
    ):
        key = (row["site_id"], row["item_id"])
        lines.append(
            StockLine(
                site_id=row["site_id"],
                site_name=row["site_name"],
                item=joined_item(row, items),
                on_hand=int(row["on_hand"]),
                reserved=int(row["reserved"]),
                dispatched_14d=dispatched.pop(key, 0),
            )
        )
    return sorted(lines, key=lambda line: (line.item.category, line.item.name_zh, line.site_name))


@dataclass(frozen=True, slots=True)
class StockDay:
    """One day of one item over the sites in scope."""

    day: date
    item: ItemRef
    received: int
    dispatched: int
    other_change: int
    on_hand: int


def _carried_in(scope: Scope, before: date) -> dict[int, int]:
    """On hand per item at the end of the day before `before`: for every site in scope and
    item, the last roll-up row before that day — one index probe per site × item pair
    (a correlated subquery on the (site, item, day) index), so the cost grows with sites ×
    items, never with the days or movements before."""
    site_ids = scope.site_ids
    if not site_ids:  # no sites at all: nothing to carry
        return {}
    sites_sql = ", ".join(["%s"] * len(site_ids))
    category_sql = "AND i.category = %s" if scope.category else ""
    table = DailyStockRollup._meta.db_table
    sql = f"""
        SELECT pairs.item_id, SUM(pairs.on_hand) FROM (
            SELECT i.id AS item_id, (
                SELECT r.on_hand FROM {table} r
                WHERE r.site_id = s.id AND r.item_id = i.id AND r.day < %s
                ORDER BY r.day DESC LIMIT 1
            ) AS on_hand
            FROM {Item._meta.db_table} i CROSS JOIN {Site._meta.db_table} s
            WHERE s.id IN ({sites_sql}) {category_sql}
        ) pairs
        WHERE pairs.on_hand IS NOT NULL
        GROUP BY pairs.item_id
    """
    params = [before, *site_ids, *([scope.category] if scope.category else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {item_id: total for item_id, total in cursor.fetchall() if total}


def stock_over_time(scope: Scope) -> list[StockDay]:
    """Received, dispatched and on hand per day and item over the days shown (three queries:
    the carry-in, the days, the item names). Days without a roll-up row carry the day
    before forward."""
    carried = _carried_in(scope, scope.date_from)
    rows = DailyStockRollup.objects.filter(
        site_id__in=scope.site_ids, day__gte=scope.date_from, day__lte=scope.date_to
    )
    if scope.category:
        rows = rows.filter(item__category=scope.category)
    # Per item, its days with a change (an item × day of the window is thousands of look-ups).
    changes: dict[int, dict[date, tuple[int, int, int]]] = defaultdict(dict)
    for item_id, day, received, dispatched, other in (
        rows.order_by()
        .values("item_id", "day")
        .annotate(received=Sum("received"), dispatched=Sum("dispatched"), other=Sum("other_change"))
        .values_list("item_id", "day", "received", "dispatched", "other")
    ):
        changes[item_id][day] = (received, dispatched, other)
    items = _items(set(carried) | set(changes))
    days, nothing, none = scope.days, (0, 0, 0), {}
    result = []
    for item_id in sorted(items, key=lambda pk: (items[pk].category, items[pk].name_zh)):
        item, on_hand, mine = items[item_id], carried.get(item_id, 0), changes.get(item_id, none)
        for day in days:
            received, dispatched, other = mine.get(day, nothing)
            on_hand += received - dispatched + other
            result.append(StockDay(day, item, received, dispatched, other, on_hand))
    return result


def _items(item_ids: set[int]) -> dict[int, ItemRef]:
    if not item_ids:
        return {}
    return {
        pk: ItemRef(pk, name_zh, name_en, category, base_unit)
        for pk, name_zh, name_en, category, base_unit in Item.objects.filter(
            pk__in=item_ids
        ).values_list("pk", "name_zh", "name_en", "category", "base_unit")
    }


# Expiry buckets, in days from the last day shown; "expired" first because it needs a
# write-off, not a plan.
EXPIRY_BUCKETS = ("expired", "0-30", "31-90", "90+")


@dataclass(frozen=True, slots=True)
class ExpiryLine:
    item: ItemRef
    bucket: str
    quantity: int


def expiry_horizon(scope: Scope) -> list[ExpiryLine]:
    """Stock on hand with an expiry date, per item and bucket — already expired, within 30
    days, 31 to 90, beyond 90 — counted from the last day shown (one query)."""
    as_of = scope.date_to
    # The balance's own copy of its lot's expiry: no look-up per lot on the shelves.
    balances = StockBalance.objects.filter(
        site_id__in=scope.site_ids, on_hand__gt=0, expiry__isnull=False
    )
    if scope.category:
        balances = balances.filter(item__category=scope.category)
    bucket = Case(
        When(expiry__lt=as_of, then=Value(0)),
        When(expiry__lte=as_of + timedelta(days=30), then=Value(1)),
        When(expiry__lte=as_of + timedelta(days=90), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    refs: dict[int, ItemRef] = {}
    per_bucket = (
        balances.order_by()
        .annotate(bucket=bucket)
        .values("bucket", "item_id")
        .annotate(quantity=Sum("on_hand"))
    )
    for row in named_groups(per_bucket, select=f"g.*, {ITEM_COLUMNS}", joins=ITEM_JOIN):
        refs[row["item_id"]] = joined_item(row)
        totals[row["item_id"]][row["bucket"]] = int(row["quantity"])
    return [
        ExpiryLine(refs[item_id], EXPIRY_BUCKETS[index], totals[item_id].get(index, 0))
        for item_id in sorted(refs, key=lambda pk: (refs[pk].category, refs[pk].name_zh))
        for index in range(len(EXPIRY_BUCKETS))
    ]
