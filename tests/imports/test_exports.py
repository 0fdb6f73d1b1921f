"""Exports: CSV and XLSX, formula cells escaped, scoped to what the user may see, and the
donor traceability report (the balance identity of logistics.accounting)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inventory.services import DonationLineInput, donation_receive, stock_dispatch
from logistics.services import Receipt, shipment_create, shipment_deliver, shipment_dispatch
from tests.conftest import RECEIVED

EVIL_DONOR = '=HYPERLINK("http://x","点我")'


def rows_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "text/csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def get(client, name, fmt="csv"):
    response = client.get(reverse("imports:export", args=[name, fmt]))
    assert response.status_code == 200
    return rows_of(response)


@pytest.fixture
def world(staff, coordinator, site, item, unit, planned):
    """A planned shipment of 100 masks to `unit`, dispatched; plus a donation from a donor
    whose name is a formula, and 30 of it handed out before the tracker."""
    _request, shipment = planned
    shipment_dispatch(actor=coordinator, shipment=shipment)
    donation = donation_receive(
        actor=staff,
        site=site,
        donor=EVIL_DONOR,
        received_at=RECEIVED,
        lines=[DonationLineInput(item=item, quantity=50, batch="-B1")],
    )
    stock_dispatch(
        actor=staff,
        site=site,
        lot=donation.lines.get().lot,
        quantity=30,
        from_reserved=False,
        document_type="historical_distribution",
        document_id=unit.pk,
    )
    return shipment


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_balances_csv_escapes_formulas(staff_client, world):
    header, *rows = get(staff_client, "balances")
    assert header[:3] == ["site", "item", "item_name"]
    donors = {row[header.index("donor")] for row in rows}
    assert "'" + EVIL_DONOR in donors and EVIL_DONOR not in donors
    assert {row[header.index("batch")] for row in rows} >= {"'-B1"}


def test_movements_xlsx_keeps_numbers_numbers(staff_client, world):
    header, *rows = get(staff_client, "movements", "xlsx")
    quantities = sorted(row[header.index("quantity")] for row in rows)
    assert quantities == [-100, -30, 50, 100]  # numbers, not text, and never escaped


def test_requests_with_quantities_at_every_stage(staff_client, world):
    header, *rows = get(staff_client, "requests", "xlsx")
    (row,) = rows
    stages = [
        "quantity_requested",
        "quantity_approved",
        "quantity_allocated",
        "quantity_dispatched",
        "quantity_delivered",
    ]
    assert [row[header.index(name)] for name in stages] == [100, 100, 100, 100, 0]


def test_shipments(staff_client, world, unit):
    header, *rows = get(staff_client, "shipments")
    (row,) = rows
    assert row[header.index("served_unit")] == unit.code
    assert row[header.index("status")] == "dispatched"


def test_donor_traceability(staff_client, world, site, unit):
    header, *rows = get(staff_client, "donors")
    assert header == [
        "donor",
        "item",
        "item_name",
        "base_unit",
        "what",
        "site",
        "served_unit",
        "served_unit_name",
        "quantity",
    ]
    table = {(r[0], r[4]): int(r[8]) for r in rows}
    assert table == {
        ("成都市慈善总会", "received"): 100,
        ("成都市慈善总会", "in transit"): 100,
        ("'" + EVIL_DONOR, "received"): 50,
        ("'" + EVIL_DONOR, "in stock"): 20,
        ("'" + EVIL_DONOR, "delivered"): 30,
    }


def test_donor_traceability_balances_after_a_return(
    staff_client, coordinator, receive, approved, allocate, site, unit
):
    """The 2020 bug: 6,000 N95 given, 457 returned on delivery were counted both on hand
    and sent (6,457 accounted for). Now every row after "received" adds up to it."""
    receive(6000)
    request = approved(6000)
    allocate(request, 6000)
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    shipment_dispatch(actor=coordinator, shipment=shipment)
    line = shipment.lines.get()
    shipment_deliver(
        actor=coordinator,
        shipment=shipment,
        receipts={line.pk: Receipt(5543, reason="returned")},
    )
    _header, *rows = get(staff_client, "donors", "xlsx")
    table = {r[4]: r[8] for r in rows}
    assert table == {"received": 6000, "in stock": 457, "delivered": 5543}


def test_exports_follow_permissions(client, world, outsider, other_worker, worker):
    client.force_login(outsider)
    for name in ("balances", "movements", "requests", "shipments", "distributions", "donors"):
        assert get(client, name)[1:] == [], name
    client.force_login(other_worker)
    assert get(client, "requests")[1:] == []
    client.force_login(worker)  # the receiving community sees its request and shipment
    assert len(get(client, "requests")[1:]) == 1
    assert len(get(client, "shipments")[1:]) == 1
    assert get(client, "balances")[1:] == []


def test_unknown_exports_and_strangers(client, staff_client, db):
    assert staff_client.get(reverse("imports:export", args=["secrets", "csv"])).status_code == 404
    assert staff_client.get(reverse("imports:export", args=["balances", "pdf"])).status_code == 404
    client.logout()
    assert client.get(reverse("imports:export", args=["balances", "csv"])).status_code == 302


def test_historical_distributions(staff_client, world, unit):
    header, *rows = get(staff_client, "distributions")
    (row,) = rows
    assert (row[header.index("receiver")], int(row[header.index("quantity")])) == (unit.code, 30)
