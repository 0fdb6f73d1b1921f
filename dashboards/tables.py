"""Every figure's data as a table (header row + rows), for its CSV download.

The rows are the selector's own rows — the numbers behind the figure, not the figure's
drawing — so a coordinator can check or re-use them in a spreadsheet.
"""

from django.utils.translation import gettext as _

from dashboards.figures.common import category_label, item_label, name_in_language
from dashboards.figures.stock import expiry_labels
from dashboards.selectors import (
    CoverageCell,
    Delivery,
    ExpiryLine,
    Gift,
    RequestProgress,
    StockDay,
    StockLine,
    Summary,
    UnitStatus,
)

Table = tuple[list[str], list[list]]


def kpi_table(summary: Summary) -> Table:
    rows = [
        [_("Open requests"), summary.open_requests],
        [_("Units waiting > 48 h"), summary.units_waiting_over_48h],
        [_("Fill rate this week"), summary.fill_rate_this_week],
        [_("Approved this week"), summary.approved_this_week],
        [_("Delivered this week"), summary.delivered_this_week],
        [_("Items out of stock"), summary.items_out_of_stock],
        [_("Expiring within 30 days"), summary.expiring_within_30_days],
        [_("Expired, still on hand"), summary.expired_on_hand],
    ]
    return [_("As of"), _("Measure"), _("Value")], [[summary.as_of, *row] for row in rows]


def unit_status_table(status: UnitStatus) -> Table:
    rows = [
        [_("Open requests"), status.open_requests],
        [_("Waiting for (hours)"), status.hours_waiting],
        [_("Fill rate in the period"), status.fill_rate],
        [_("Approved in the period"), status.approved],
        [_("Delivered in the period"), status.delivered],
        [_("Shipments on the way"), status.on_the_way],
    ]
    return [_("Measure"), _("Value")], rows


def _item_columns(item) -> list:
    return [category_label(item.category), item_label(item), item.base_unit]


def _item_headers() -> list[str]:
    return [_("Category"), _("Item"), _("Base unit")]


def stock_table(lines: list[StockLine]) -> Table:
    header = [
        _("Site"),
        *_item_headers(),
        _("On hand"),
        _("Reserved"),
        _("Available"),
        _("Dispatched in the last 14 days"),
        _("Days of cover"),
    ]
    rows = [
        [
            line.site_name,
            *_item_columns(line.item),
            line.on_hand,
            line.reserved,
            line.available,
            line.dispatched_14d,
            line.days_of_cover,
        ]
        for line in lines
    ]
    return header, rows


def stock_days_table(days: list[StockDay]) -> Table:
    header = [
        _("Day"),
        *_item_headers(),
        _("Received"),
        _("Dispatched"),
        _("Other changes"),
        _("On hand"),
    ]
    rows = [
        [d.day, *_item_columns(d.item), d.received, d.dispatched, d.other_change, d.on_hand]
        for d in days
    ]
    return header, rows


def expiry_table(lines: list[ExpiryLine]) -> Table:
    labels = expiry_labels()
    header = [*_item_headers(), _("Expires"), _("Quantity")]
    return header, [
        [*_item_columns(line.item), labels[line.bucket], line.quantity] for line in lines
    ]


def coverage_table(cells: list[CoverageCell]) -> Table:
    header = [
        _("District"),
        _("Street"),
        _("Served unit"),
        _("Category"),
        _("Requested"),
        _("Approved"),
        _("Delivered"),
        _("Fill rate"),
        _("Hours waiting"),
    ]
    rows = [
        [
            c.district.label,
            c.street.label,
            c.unit.label,
            category_label(c.category),
            c.requested,
            c.approved,
            c.delivered,
            c.fill_rate,
            c.hours_waiting,
        ]
        for c in cells
    ]
    return header, rows


def delivery_table(deliveries: list[Delivery]) -> Table:
    header = [
        _("Request"),
        _("Shipment"),
        _("District"),
        _("Served unit"),
        _("Submitted at"),
        _("Delivered at"),
        _("Needed by"),
        _("Lead time (hours)"),
        _("On time"),
        _("Quantity delivered"),
    ]
    rows = [
        [
            d.request_id,
            d.shipment_id,
            d.district.label,
            d.unit.label,
            d.submitted_at.isoformat(),
            d.delivered_at.isoformat(),
            d.needed_by,
            d.lead_hours,
            "" if d.on_time is None else (_("yes") if d.on_time else _("no")),
            d.quantity,
        ]
        for d in deliveries
    ]
    return header, rows


def flow_table(gifts: list[Gift]) -> Table:
    header = [
        _("Donor"),
        _("Organisation"),
        _("District"),
        _("Served unit"),
        _("Arrived or on the way"),
        _("Lost or damaged"),
    ]
    rows = [
        [
            g.donor_name,
            name_in_language(g.organisation_name, g.organisation_name_en),
            g.district.label,
            g.unit.label,
            g.arrived,
            g.lost,
        ]
        for g in gifts
    ]
    return header, rows


def progress_table(progress: list[RequestProgress]) -> Table:
    header = [
        *_item_headers(),
        _("Requested"),
        _("Approved"),
        _("Allocated"),
        _("Dispatched"),
        _("Delivered"),
    ]
    rows = [
        [*_item_columns(p.item), p.requested, p.approved, p.allocated, p.dispatched, p.delivered]
        for p in progress
    ]
    return header, rows
