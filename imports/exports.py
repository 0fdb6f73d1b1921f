"""Exports to CSV and XLSX, each scoped to what the user may see.

Tables come from the apps' django-import-export resources (formula-escaped by their base);
the donor traceability report is the balance identity of `logistics.accounting` per donor
and item (received = in stock + reserved + in transit + delivered + lost or damaged + written
off + adjusted). CSV is
streamed row by row (with a BOM, so Excel reads the Chinese); XLSX is written by openpyxl in
write-only mode.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from inventory.models import Donor, Item, Lot, StockMovement
from inventory.permissions import User
from inventory.resources import (
    StockBalanceResource,
    StockMovementResource,
    escape_formula,
)
from inventory.selectors import balances_for, sites_for
from logistics.accounting import TERMS, lot_accounts
from logistics.models import ShipmentLine
from logistics.resources import (
    HistoricalDistributionResource,
    ShipmentLineResource,
)
from supply_requests.models import SupplyRequestLine
from supply_requests.resources import SupplyRequestLineResource
from supply_requests.selectors import requests_for, units_for

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Export:
    title: str
    rows: Callable[[User], tuple[list[str], Iterable[list]]]


def _resource_rows(resource, queryset) -> tuple[list[str], Iterator[list]]:
    rows = (
        resource.export_resource(obj, force_native_type=True)
        for obj in resource.iter_queryset(queryset)
    )
    return resource.get_export_headers(), rows


def balances(user: User):
    queryset = balances_for(user).select_related("lot__donor").order_by("site__code", "item__code")
    return _resource_rows(StockBalanceResource(), queryset)


def movements(user: User):
    queryset = (
        StockMovement.objects.filter(site__in=sites_for(user))
        .select_related("site", "item", "actor")
        .order_by("occurred_at", "id")
    )
    return _resource_rows(StockMovementResource(), queryset)


def requests(user: User):
    queryset = (
        SupplyRequestLine.objects.filter(request__in=requests_for(user))
        .select_related("request__served_unit", "item")
        .order_by("request_id", "id")
    )
    return _resource_rows(SupplyRequestLineResource(), queryset)


def shipments(user: User):
    queryset = (
        ShipmentLine.objects.filter(
            Q(shipment__site__in=sites_for(user)) | Q(shipment__served_unit__in=units_for(user))
        )
        .distinct()
        .select_related("shipment__site", "shipment__served_unit", "item", "lot__donor")
        .order_by("shipment_id", "id")
    )
    return _resource_rows(ShipmentLineResource(), queryset)


def distributions(user: User):
    resource = HistoricalDistributionResource()
    queryset = (
        resource.get_queryset()
        .filter(site__in=sites_for(user))
        .select_related("site", "item", "lot__donor")
        .order_by("occurred_at", "id")
    )
    return _resource_rows(resource, queryset)


def donor_traceability(user: User) -> tuple[list[str], list[list]]:
    """Per donor and item of the lots received at the user's sites, the balance identity
    (`logistics.accounting`, the same selector as the public donor pages): one row per term,
    and the rows after "received" add up to it — wherever the goods went since."""
    lots = Lot.objects.filter(donation_line__donation__site__in=sites_for(user))
    accounts = lot_accounts(lots)
    donors = Donor.objects.in_bulk({a.donor_id for a in accounts} - {None})
    items = Item.objects.in_bulk({a.item_id for a in accounts})
    rows = []
    for account in accounts:
        donor, item = donors.get(account.donor_id), items[account.item_id]
        for term, label in TERMS.items():
            quantity = getattr(account, term)
            if quantity or term == "received":
                name = donor.name if donor else ""
                row = [name, item.code, item.name_zh, item.base_unit, str(label)]
                rows.append([*row, "", "", "", quantity])
    rows.sort(key=lambda r: (r[0], r[1]))  # stable: the terms keep their order
    headers = ["donor", "item", "item_name", "base_unit", "what", "site", "served_unit"]
    headers += ["served_unit_name", "quantity"]
    return headers, [[escape_formula(value) for value in row] for row in rows]


EXPORTS: dict[str, Export] = {
    "balances": Export(gettext_lazy("Stock balances"), balances),
    "movements": Export(gettext_lazy("Stock movements (the ledger)"), movements),
    "requests": Export(gettext_lazy("Requests, with quantities at every stage"), requests),
    "shipments": Export(gettext_lazy("Shipments"), shipments),
    "distributions": Export(gettext_lazy("Historical distributions"), distributions),
    "donors": Export(gettext_lazy("Donor traceability"), donor_traceability),
}


def _text(value: object) -> object:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_text(value) for value in row])


def response(name: str, fmt: str, user: User) -> HttpResponse:
    """The export `name` as a CSV or XLSX download."""
    headers, rows = EXPORTS[name].rows(user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        reply = StreamingHttpResponse(_csv_stream(headers, rows), content_type="text/csv")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=name)
        sheet.append(headers)
        for row in rows:
            sheet.append([_text(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        reply = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
