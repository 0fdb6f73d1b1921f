"""Where the goods of a set of lots went: the balance identity, computed from the ledger.

For each (donor, item) of the lots given:

    received = in stock + reserved + in transit + delivered + lost or damaged
               + written off + adjusted + made into family kits

- received: receipts, less the lines voided as entry errors (a mistyped receipt never came);
- in stock / reserved: the balances now, split into free and promised to a community;
- in transit: on a dispatched shipment not yet confirmed;
- delivered: confirmed received on shipments, plus dispatches outside a shipment (historical
  distributions, direct dispatches) less the returns of those;
- lost or damaged: short on a delivery for those reasons (gone from the ledger at dispatch);
- written off: write-off movements (expired, damaged, lost at a site);
- adjusted: what count corrections took away (found stock makes it negative);
- made into family kits: parts assembled into kits (taking kits apart gives them back); a
  kit lot's own "received" is the kits assembled (issue 20).

A community's own stock point (issue 20) holds goods already delivered: its movements
(arrival, handovers to households, rounds) and balances are past "delivered", so they are
left out here — counted once, as delivered, not again as in stock.

Goods returned on delivery are back on a shelf, so they count in stock again. The identity
holds because each term comes from its own rows and the ledger sums to the balances (a
property test, `tests/public/test_balance_identity.py`, holds it over random histories).
The same selector serves the public donor pages and the staff traceability export, so both
always say the same thing. A fixed number of queries, whatever the size of the history.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, Min, QuerySet, Sum
from django.utils.translation import pgettext_lazy

from inventory.models import (
    AdjustmentReason,
    KitComponent,
    Lot,
    MovementKind,
    StockBalance,
    StockMovement,
)
from logistics.models import CommunityStockPoint, DiscrepancyReason, ShipmentLine, ShipmentStatus
from logistics.resources import HISTORICAL_DISTRIBUTION

SHIPMENT_LINE = "shipment_line"
_DELIVERED = (ShipmentStatus.DELIVERED, ShipmentStatus.DELIVERED_WITH_DISCREPANCY)
_LOST = (DiscrepancyReason.LOST, DiscrepancyReason.DAMAGED)
_KITS = (MovementKind.KIT_ASSEMBLY, MovementKind.KIT_DISASSEMBLY)


@dataclass
class ItemAccount:
    """The account of one item of one donor's goods (base units)."""

    donor_id: int | None
    item_id: int
    received: int = 0
    in_stock: int = 0
    reserved: int = 0
    in_transit: int = 0
    delivered: int = 0
    lost_or_damaged: int = 0
    written_off: int = 0
    adjusted: int = 0
    made_into_kits: int = 0
    community_ids: set[int] = field(default_factory=set)
    first_received: datetime | None = None
    last_change: datetime | None = None

    @property
    def communities(self) -> int:
        return len(self.community_ids)

    @property
    def accounted_for(self) -> int:
        return (
            self.in_stock
            + self.reserved
            + self.in_transit
            + self.delivered
            + self.lost_or_damaged
            + self.written_off
            + self.adjusted
            + self.made_into_kits
        )

    @property
    def balances(self) -> bool:
        return self.accounted_for == self.received


# The terms of the identity, in the order people read them, with their names.
TERMS = {
    "received": pgettext_lazy("gift account", "received"),
    "in_stock": pgettext_lazy("gift account", "in stock"),
    "reserved": pgettext_lazy("gift account", "reserved for a community"),
    "in_transit": pgettext_lazy("gift account", "in transit"),
    "delivered": pgettext_lazy("gift account", "delivered"),
    "lost_or_damaged": pgettext_lazy("gift account", "lost or damaged on the way"),
    "written_off": pgettext_lazy("gift account", "written off"),
    "adjusted": pgettext_lazy("gift account", "adjusted by counts"),
    "made_into_kits": pgettext_lazy("gift account", "made into family kits"),
}


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(filter(None, (a, b)), default=None)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(filter(None, (a, b)), default=None)


def lot_accounts(lots: QuerySet[Lot]) -> list[ItemAccount]:
    """The balance identity per (donor, item) of `lots`, ordered by donor then item id.
    Six queries, whatever the number of lots or movements."""
    accounts: dict[tuple[int | None, int], ItemAccount] = {}

    def account(donor_id: int | None, item_id: int) -> ItemAccount:
        key = (donor_id, item_id)
        if key not in accounts:
            accounts[key] = ItemAccount(donor_id=donor_id, item_id=item_id)
        return accounts[key]

    community_sites = CommunityStockPoint.objects.values("site_id")
    kits = set(KitComponent.objects.values_list("kit_id", flat=True).distinct())
    movements = (
        StockMovement.objects.filter(lot__in=lots)
        .exclude(site__in=community_sites)
        .values("lot__donor_id", "item_id", "kind", "adjustment__reason", "document_type")
        .annotate(total=Sum("quantity"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by()
    )
    for row in movements:
        a = account(row["lot__donor_id"], row["item_id"])
        kind, total, in_shipment = row["kind"], row["total"], row["document_type"] == SHIPMENT_LINE
        a.last_change = _later(a.last_change, row["last"])
        if kind == MovementKind.RECEIPT:
            a.received += total
            a.first_received = _earlier(a.first_received, row["first"])
        elif kind == MovementKind.ADJUSTMENT:
            if row["adjustment__reason"] == AdjustmentReason.ENTRY_ERROR:
                a.received += total  # negative: the void of a mistyped receipt
            else:
                a.adjusted -= total
        elif kind == MovementKind.WRITE_OFF:
            a.written_off -= total
        elif kind in _KITS and row["item_id"] in kits:
            a.received += total  # kits made (less those taken apart): the kit lot's source
        elif kind in _KITS:
            a.made_into_kits -= total  # parts that went into kits (back when taken apart)
        elif kind in (MovementKind.DISPATCH, MovementKind.RETURN) and not in_shipment:
            a.delivered -= total  # handed out without a shipment, less what came back
        # Transfers move goods between shelves (they sum to nothing); dispatches and returns
        # of shipments are counted from their lines below.

    balances = (
        StockBalance.objects.filter(lot__in=lots)
        .exclude(site__in=community_sites)
        .values("lot__donor_id", "item_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
        .order_by()
    )
    for row in balances:
        a = account(row["lot__donor_id"], row["item_id"])
        a.reserved += row["reserved"]
        a.in_stock += row["on_hand"] - row["reserved"]

    lines = (
        ShipmentLine.objects.filter(
            lot__in=lots, shipment__status__in=(ShipmentStatus.DISPATCHED, *_DELIVERED)
        )
        .values("lot__donor_id", "item_id", "shipment__status", "discrepancy_reason")
        .annotate(shipped=Sum("quantity"), arrived=Sum("quantity_received"))
        .order_by()
    )
    for row in lines:
        a = account(row["lot__donor_id"], row["item_id"])
        if row["shipment__status"] == ShipmentStatus.DISPATCHED:
            a.in_transit += row["shipped"]
            continue
        a.delivered += row["arrived"] or 0
        if row["discrepancy_reason"] in _LOST:
            a.lost_or_damaged += row["shipped"] - (row["arrived"] or 0)

    reached = (
        ShipmentLine.objects.filter(
            lot__in=lots, shipment__status__in=_DELIVERED, quantity_received__gt=0
        )
        .values_list("lot__donor_id", "item_id", "shipment__served_unit_id")
        .distinct()
        .order_by()
    )
    historical = (
        StockMovement.objects.filter(
            lot__in=lots, kind=MovementKind.DISPATCH, document_type=HISTORICAL_DISTRIBUTION
        )
        .values_list("lot__donor_id", "item_id", "document_id")
        .distinct()
        .order_by()
    )
    units: defaultdict[tuple[int | None, int], set[int]] = defaultdict(set)
    for donor_id, item_id, unit_id in [*reached, *historical]:
        if unit_id is not None:
            units[(donor_id, item_id)].add(unit_id)
    for key, ids in units.items():
        account(*key).community_ids |= ids
    return sorted(accounts.values(), key=lambda a: (a.donor_id or 0, a.item_id))
