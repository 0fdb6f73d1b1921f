"""Request figures' data: coverage of served units, delivery performance, one unit's status.

They read request-line counters (requested → approved → allocated → dispatched →
delivered) and shipments, never the ledger; units are grouped by district and street from
the directory the scope already holds.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dashboards.selectors.grouped import named_groups
from dashboards.selectors.kpis import WAITING_STATUSES, line_fill_rate, line_fill_ratio
from dashboards.selectors.scope import Scope, UnitNode
from dashboards.selectors.stock import ITEM_COLUMNS, ITEM_JOIN, ItemRef, joined_item
from inventory.models import Item
from logistics.models import Shipment, ShipmentLine, ShipmentStatus
from supply_requests.models import RequestStatus, SupplyRequest, SupplyRequestLine

DELIVERED = (ShipmentStatus.DELIVERED, ShipmentStatus.DELIVERED_WITH_DISCREPANCY)


def _lines_in_period(scope: Scope) -> QuerySet[SupplyRequestLine]:
    """Lines of the requests a figure covers: those submitted in the days shown, and those
    submitted before that are still waiting (a unit waiting since last month must not drop
    off the chart)."""
    lines = SupplyRequestLine.objects.filter(
        request__served_unit_id__in=scope.unit_ids, request__submitted_at__lte=scope.end
    ).filter(Q(request__submitted_at__gte=scope.start) | Q(request__status__in=WAITING_STATUSES))
    if scope.category:
        lines = lines.filter(item__category=scope.category)
    return lines


def waiting_since(scope: Scope) -> dict[int, datetime]:
    """Per unit, the submission time of its oldest request still waiting (one query)."""
    requests = SupplyRequest.objects.filter(
        served_unit_id__in=scope.unit_ids,
        status__in=WAITING_STATUSES,
        submitted_at__lte=scope.moment,
    )
    if scope.category:
        requests = requests.filter(lines__item__category=scope.category)
    return dict(
        requests.order_by()
        .values("served_unit_id")
        .annotate(oldest=Min("submitted_at"))
        .values_list("served_unit_id", "oldest")
    )


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """One served unit × one item category over the period."""

    unit: UnitNode
    district: UnitNode
    street: UnitNode
    category: str
    # Counts of request lines, not sums of quantities: a category holds items in different
    # units (masks, pairs of gloves, bottles), which must not be added together.
    lines: int
    lines_approved: int
    lines_delivered_in_full: int
    # Mean of each approved line's delivered ÷ approved; None while nothing is approved.
    fill_rate: float | None
    hours_waiting: float | None  # the unit's oldest waiting request, to the scope's moment


def coverage(scope: Scope) -> list[CoverageCell]:
    """Every unit with requests in the period × the categories it asked for, with its fill
    rate and how long it has been waiting (two queries), grouped by district and street.

    The lines are grouped by unit and item (ids only), and the groups by the item's
    category: see `named_groups`."""
    waiting = waiting_since(scope)
    approved = Q(quantity_approved__gt=0)
    per_item = (
        _lines_in_period(scope)
        .order_by()
        .values("request__served_unit_id", "item_id")
        .annotate(
            lines=Count("pk"),
            lines_approved=Count("pk", filter=approved),
            lines_in_full=Count(
                "pk", filter=approved & Q(quantity_delivered__gte=F("quantity_approved"))
            ),
            # The sum of each approved line's delivered ÷ approved (capped at 1): divided
            # by the category's approved lines it is the mean `line_fill_rate` gives.
            rates=Sum(line_fill_ratio(), filter=approved),
        )
    )
    cells = []
    for row in named_groups(
        per_item,
        select='g."request__served_unit_id" AS unit_id, i.category AS category, '
        "SUM(g.lines) AS lines, SUM(g.lines_approved) AS lines_approved, "
        "SUM(g.lines_in_full) AS lines_in_full, SUM(g.rates) AS rates",
        joins=f'JOIN {Item._meta.db_table} i ON i.id = g."item_id"',
        group_by='g."request__served_unit_id", i.category',
    ):
        unit_id = row["unit_id"]
        since = waiting.get(unit_id)
        lines_approved = int(row["lines_approved"])
        cells.append(
            CoverageCell(
                unit=scope.directory.nodes[unit_id],
                district=scope.directory.district_of(unit_id),
                street=scope.directory.street_of(unit_id),
                category=row["category"],
                lines=int(row["lines"]),
                lines_approved=lines_approved,
                lines_delivered_in_full=int(row["lines_in_full"]),
                fill_rate=(
                    round(float(row["rates"]) / lines_approved, 4) if lines_approved else None
                ),
                hours_waiting=(
                    round((scope.moment - since).total_seconds() / 3600, 1) if since else None
                ),
            )
        )
    return sorted(cells, key=lambda c: (c.district.name, c.street.name, c.unit.name, c.category))


@dataclass(frozen=True, slots=True)
class Delivery:
    """One shipment's delivery against one request: how long it took from the request."""

    request_id: int
    shipment_id: int
    unit: UnitNode
    district: UnitNode
    submitted_at: datetime
    delivered_at: datetime
    needed_by: date | None
    lines: int  # shipment lines delivered: items in different units are not summed

    @property
    def lead_hours(self) -> float:
        return round((self.delivered_at - self.submitted_at).total_seconds() / 3600, 1)

    @property
    def on_time(self) -> bool | None:
        """Delivered by the needed-by date (local day); None when none was given."""
        if self.needed_by is None:
            return None
        return timezone.localdate(self.delivered_at) <= self.needed_by


def deliveries(scope: Scope) -> list[Delivery]:
    """Deliveries confirmed in the period to units in scope, one per request and shipment
    (one query)."""
    lines = ShipmentLine.objects.filter(
        shipment__status__in=DELIVERED,
        shipment__served_unit_id__in=scope.unit_ids,
        shipment__delivered_at__gte=scope.start,
        shipment__delivered_at__lte=scope.end,
        request_line__request__submitted_at__isnull=False,
    )
    if scope.category:
        lines = lines.filter(item__category=scope.category)
    result = []
    for row in (
        lines.order_by()
        .values(
            "request_line__request_id",
            "shipment_id",
            "shipment__served_unit_id",
            "request_line__request__submitted_at",
            "request_line__request__needed_by",
            "shipment__delivered_at",
        )
        .annotate(lines=Count("pk"))
    ):
        unit_id = row["shipment__served_unit_id"]
        result.append(
            Delivery(
                request_id=row["request_line__request_id"],
                shipment_id=row["shipment_id"],
                unit=scope.directory.nodes[unit_id],
                district=scope.directory.district_of(unit_id),
                submitted_at=row["request_line__request__submitted_at"],
                delivered_at=row["shipment__delivered_at"],
                needed_by=row["request_line__request__needed_by"],
                lines=row["lines"],
            )
        )
    return sorted(result, key=lambda d: (d.delivered_at, d.request_id, d.shipment_id))


@dataclass(frozen=True, slots=True)
class RequestProgress:
    """One item over a unit's requests: how far the goods have got."""

    item: ItemRef
    requested: int
    approved: int
    allocated: int
    dispatched: int
    delivered: int


def unit_progress(scope: Scope) -> list[RequestProgress]:
    """Per item, the counters of the requests of the unit (and the units below it) that were
    submitted in the period or still wait (one query: the lines grouped by item id, then the
    items named, see `named_groups`)."""
    per_item = (
        _lines_in_period(scope)
        .order_by()
        .values("item_id")
        .annotate(
            requested=Sum(Coalesce("quantity_requested", "quantity_approved")),
            approved=Sum("quantity_approved"),
            allocated=Sum("quantity_allocated"),
            dispatched=Sum("quantity_dispatched"),
            delivered=Sum("quantity_delivered"),
        )
    )
    rows = named_groups(per_item, select=f"g.*, {ITEM_COLUMNS}", joins=ITEM_JOIN)
    progress = [
        RequestProgress(
            item=joined_item(row),
            requested=int(row["requested"] or 0),
            approved=int(row["approved"] or 0),
            allocated=int(row["allocated"] or 0),
            dispatched=int(row["dispatched"] or 0),
            delivered=int(row["delivered"] or 0),
        )
        for row in rows
    ]
    return sorted(progress, key=lambda p: (p.item.category, p.item.name_zh))


@dataclass(frozen=True)
class UnitStatus:
    open_requests: int
    hours_waiting: float | None
    fill_rate: float | None  # mean of each approved line's delivered ÷ approved
    lines_approved: int
    lines_delivered_in_full: int
    on_the_way: int  # shipments dispatched and not yet confirmed


def unit_status(scope: Scope) -> UnitStatus:
    """A community worker's four numbers for her unit (three queries)."""
    waiting = waiting_since(scope)
    open_requests = SupplyRequest.objects.filter(
        served_unit_id__in=scope.unit_ids, status__in=WAITING_STATUSES
    ).count()
    totals = _lines_in_period(scope).aggregate(
        rate=line_fill_rate(),
        approved=Count("pk", filter=Q(quantity_approved__gt=0)),
        in_full=Count(
            "pk",
            filter=Q(quantity_approved__gt=0, quantity_delivered__gte=F("quantity_approved")),
        ),
    )
    on_the_way = Shipment.objects.filter(
        served_unit_id__in=scope.unit_ids, status=ShipmentStatus.DISPATCHED
    ).aggregate(n=Count("pk"))["n"]
    oldest = min(waiting.values(), default=None)
    rate = totals["rate"]
    return UnitStatus(
        open_requests=open_requests,
        hours_waiting=(
            round((scope.moment - oldest).total_seconds() / 3600, 1) if oldest else None
        ),
        fill_rate=None if rate is None else round(rate, 4),
        lines_approved=totals["approved"],
        lines_delivered_in_full=totals["in_full"],
        on_the_way=on_the_way,
    )


@dataclass(frozen=True, slots=True)
class WaitingRequest:
    request_id: int
    unit: UnitNode
    status: str
    priority: str
    submitted_at: datetime
    needed_by: date | None
    hours_waiting: float

    @property
    def status_label(self) -> str:
        return str(RequestStatus(self.status).label)


def waiting_requests(scope: Scope, *, limit: int = 50) -> list[WaitingRequest]:
    """The requests of the units in scope still waiting, longest first (one query)."""
    rows = (
        SupplyRequest.objects.filter(
            served_unit_id__in=scope.unit_ids,
            status__in=WAITING_STATUSES,
            submitted_at__lte=scope.moment,
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", "served_unit_id", "status", "priority", "submitted_at", "needed_by")
    )[:limit]
    return [
        WaitingRequest(
            request_id=pk,
            unit=scope.directory.nodes[unit_id],
            status=status,
            priority=priority,
            submitted_at=submitted_at,
            needed_by=needed_by,
            hours_waiting=round((scope.moment - submitted_at).total_seconds() / 3600, 1),
        )
        for pk, unit_id, status, priority, submitted_at, needed_by in rows
    ]
