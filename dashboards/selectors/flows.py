"""Where the gifts went: donors → organisations → districts (or served units).

Every dispatch movement of a shipment points at its `ShipmentLine` (document_type
"shipment_line"), and the line carries the same lot (hence the donor), the shipment's site
(hence the organisation) and served unit, and what arrived. So the flow is read from the
shipment lines of the period — the distribution documents — in one grouped query, and never
sums the ledger. The flow is measured in shipment lines (one lot of one item on one
shipment), not in quantities: a donor's masks, pairs of gloves and kilograms of rice cannot
be added into one number.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from dashboards.selectors.grouped import named_groups
from dashboards.selectors.scope import Scope, UnitNode
from inventory.models import Donor, Organisation
from logistics.models import DiscrepancyReason, ShipmentLine, ShipmentStatus

SHIPPED = (
    ShipmentStatus.DISPATCHED,
    ShipmentStatus.DELIVERED,
    ShipmentStatus.DELIVERED_WITH_DISCREPANCY,
)


@dataclass(frozen=True, slots=True)
class Gift:
    """Goods of one donor, sent by one organisation, to one served unit."""

    donor_id: int | None
    donor_name: str
    organisation_id: int
    organisation_name: str
    organisation_name_en: str
    unit: UnitNode
    district: UnitNode
    arrived: int  # shipment lines delivered (in part or in full), or on the way
    lost: int  # shipment lines with goods lost or damaged on the way


def donation_flow(scope: Scope) -> list[Gift]:
    """Goods dispatched in the period from the sites in scope to the units in scope, by
    donor, organisation and unit (one query)."""
    lines = ShipmentLine.objects.filter(
        shipment__status__in=SHIPPED,
        shipment__dispatched_at__gte=scope.start,
        shipment__dispatched_at__lte=scope.end,
        shipment__served_unit_id__in=scope.unit_ids,
    )
    if scope.can_see_stock and scope.unit is None:
        lines = lines.filter(shipment__site_id__in=scope.site_ids)
    if scope.category:
        lines = lines.filter(item__category=scope.category)
    lost = Q(discrepancy_reason__in=[DiscrepancyReason.LOST, DiscrepancyReason.DAMAGED])
    # Grouped by ids, then the donors and organisations named (`named_groups`).
    per_flow = (
        lines.order_by()
        .values("lot__donor_id", "shipment__site__organisation_id", "shipment__served_unit_id")
        .annotate(
            arrived=Count(
                "pk", filter=Q(quantity_received__isnull=True) | Q(quantity_received__gt=0)
            ),
            lost=Count("pk", filter=lost),
        )
    )
    rows = named_groups(
        per_flow,
        select="g.*, d.name AS donor_name, o.name_zh, o.name_en",
        joins=f'LEFT JOIN {Donor._meta.db_table} d ON d.id = g."lot__donor_id" '
        f'JOIN {Organisation._meta.db_table} o ON o.id = g."shipment__site__organisation_id"',
    )
    gifts = []
    for row in rows:
        unit_id = row["shipment__served_unit_id"]
        gifts.append(
            Gift(
                donor_id=row["lot__donor_id"],
                donor_name=row["donor_name"] or "",
                organisation_id=row["shipment__site__organisation_id"],
                organisation_name=row["name_zh"],
                organisation_name_en=row["name_en"],
                unit=scope.directory.nodes[unit_id],
                district=scope.directory.district_of(unit_id),
                arrived=int(row["arrived"] or 0),
                lost=int(row["lost"] or 0),
            )
        )
    return sorted(gifts, key=lambda g: (-g.arrived, g.donor_name, g.unit.name))
