"""Exports to CSV and XLSX, each scoped to what the user may see.

Tables come from the apps' django-import-export resources (formula-escaped by their base);
the donor traceability report is built here from ledger balances and movements: for each
donor, what was given, where it is now, and which served units got how much. CSV is
streamed row by row (with a BOM, so Excel reads the Chinese); XLSX is written by openpyxl in
write-only mode.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import DonationLine, MovementKind, StockBalance, StockMovement
from inventory.permissions import User
from inventory.resources import (
    StockBalanceResource,
    StockMovementResource,
    escape_formula,
)
from inventory.selectors import balances_for, sites_for
from logistics.models import ShipmentLine
from logistics.resources import (
    HISTORICAL_DISTRIBUTION,
    HistoricalDistributionResource,
    ShipmentLineResource,
)
from supply_requests.models import ServedUnit, SupplyRequestLine
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


_ITEM = ("item__code", "item__name_zh", "item__base_unit")


def _trace_row(donor, values, what, *, site="", unit=None, quantity=0) -> tuple:
    item = tuple(values[name] for name in _ITEM)
    unit_code, unit_name = (unit.code, unit.name) if unit else ("", "")
    return (donor or "", *item, what, site, unit_code, unit_name, quantity)


def donor_traceability(user: User) -> tuple[list[str], list[list]]:
    """Per donor and item: given (donation lines at the user's sites), on hand now per site
    (balances by lot donor), sent per served unit (shipment dispatches) and distributed
    before the tracker (historical distributions)."""
    sites = sites_for(user)
    given, on_hand = _("given"), _("on hand")
    sent, earlier = _("sent"), _("distributed before the tracker")
    rows = [
        _trace_row(r["donation__donor__name"], r, given, quantity=r["total"])
        for r in DonationLine.objects.filter(donation__site__in=sites)
        .values("donation__donor__name", *_ITEM)
        .annotate(total=Sum("quantity"))
    ]
    rows += [
        _trace_row(r["lot__donor__name"], r, on_hand, site=r["site__code"], quantity=r["total"])
        for r in StockBalance.objects.filter(site__in=sites, on_hand__gt=0)
        .values("lot__donor__name", *_ITEM, "site__code")
        .annotate(total=Sum("on_hand"))
    ]
    unit_of_line = ShipmentLine.objects.filter(pk=OuterRef("document_id")).values(
        "shipment__served_unit_id"
    )
    dispatched = StockMovement.objects.filter(site__in=sites, kind=MovementKind.DISPATCH)
    shipped = (
        dispatched.filter(document_type="shipment_line")
        .annotate(unit_id=Subquery(unit_of_line))
        .values("lot__donor__name", *_ITEM, "unit_id")
        .annotate(total=Sum("quantity"))
    )
    historical = (
        dispatched.filter(document_type=HISTORICAL_DISTRIBUTION)
        .values("lot__donor__name", *_ITEM, unit_id=F("document_id"))
        .annotate(total=Sum("quantity"))
    )
    outbound = [(sent, r) for r in shipped] + [(earlier, r) for r in historical]
    units = ServedUnit.objects.in_bulk({r["unit_id"] for _what, r in outbound})
    rows += [
        _trace_row(
            r["lot__donor__name"], r, what, unit=units.get(r["unit_id"]), quantity=-r["total"]
        )
        for what, r in outbound
    ]
    order = {given: 0, on_hand: 1, sent: 2, earlier: 3}
    rows.sort(key=lambda r: (r[0], r[1], order[r[4]], r[5], r[6]))
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
