"""Bad input from outside, as an attacker sends it: each is a 4xx in the JSON error shape
(never a 500), names nothing of another organisation, and changes nothing."""

import json

import pytest
from django.db import connection
from django.test import Client

from inventory.models import Donation, Donor, StockBalance, StockMovement, StockTransfer
from inventory.services import DonationLineInput, donation_receive
from tests.conftest import RECEIVED, requires_postgres
from tests.factories import ItemFactory, SiteFactory


def donation(site, item, **extra):
    return {
        "site": site.code,
        "donor": "壹基金",
        "received_at": RECEIVED.isoformat(),
        "lines": [{"item": item.code, "quantity": 10}],
        **extra,
    }


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"}
    return body


def test_a_nul_byte_in_any_string_is_refused(api_staff, site, item):
    body = assert_error(api_staff.post("/donations", donation(site, item, note="a\x00b")), 400)
    assert "NUL" in body["detail"]
    assert_error(api_staff.get("/items", q="N95\x00"), 400)
    assert not Donation.objects.exists() and not StockMovement.objects.exists()


@pytest.mark.postgres
@requires_postgres()
def test_a_nul_byte_is_refused_on_postgresql_too(api_staff, site, item):
    assert connection.vendor == "postgresql"
    for field in ("note", "reference", "donor"):
        response = api_staff.post("/donations", donation(site, item, **{field: "x\x00"}))
        assert_error(response, 400)
    assert not Donation.objects.exists() and not Donor.objects.exists()


def test_a_nul_byte_in_a_page_form_is_refused(client, staff, site):
    client.force_login(staff)
    response = client.post("/accounts/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


def test_a_reused_receipt_number_is_a_conflict(api_staff, site, item):
    assert api_staff.post("/donations", donation(site, item, reference="R-1")).status_code == 201
    body = assert_error(api_staff.post("/donations", donation(site, item, reference="R-1")), 409)
    assert body["code"] == "conflict" and "R-1" in body["detail"]
    assert Donation.objects.count() == 1
    assert StockBalance.objects.get().on_hand == 10


def test_quantities_beyond_32_bits_are_stored(staff, site, item):
    """A roll-up or balance above 2^31 (a big site holding a big donation) is a number, not
    an overflow: the ledger columns are 64-bit."""
    for _ in range(2):
        donation_receive(
            actor=staff,
            site=site,
            donor="壹基金",
            received_at=RECEIVED,
            lines=[DonationLineInput(item=item, quantity=2_000_000_000)],
        )
    assert sum(StockBalance.objects.values_list("on_hand", flat=True)) == 4_000_000_000


def test_another_organisations_donor_id_is_not_found(api_staff, site, item, outsider):
    elsewhere = SiteFactory()
    theirs = Donor.objects.create(name="他们的捐赠人")
    donation_receive(
        actor=_superuser(),
        site=elsewhere,
        donor=theirs,
        received_at=RECEIVED,
        lines=[DonationLineInput(item=item, quantity=1)],
    )
    response = api_staff.post("/donations", donation(site, item, donor=theirs.pk))
    body = assert_error(response, 404)
    assert "他们的捐赠人" not in json.dumps(body, ensure_ascii=False)
    assert not Donation.objects.filter(site=site).exists()


def test_a_transfer_of_another_organisations_lot_names_nothing(api_staff, site, other_site, item):
    elsewhere = SiteFactory()
    theirs = donation_receive(
        actor=_superuser(),
        site=elsewhere,
        donor="他们的捐赠人",
        received_at=RECEIVED,
        lines=[DonationLineInput(item=item, quantity=5, batch="SECRET-BATCH")],
    )
    lot = theirs.lines.get().lot
    response = api_staff.post(
        "/stock/transfers",
        {
            "from_site": site.code,
            "to_site": other_site.code,
            "lines": [{"lot": lot.pk, "quantity": 1}],
        },
    )
    body = assert_error(response, 422)
    assert "SECRET-BATCH" not in body["detail"] and item.name_zh not in body["detail"]
    assert not StockTransfer.objects.exists()
    assert StockBalance.objects.get(site=elsewhere).on_hand == 5


def test_committing_against_another_organisations_line_is_not_found(api_coordinator, site, db):
    from tests.factories import ServedUnitFactory

    theirs = ServedUnitFactory(name="他们的社区")
    other_coordinator_request = _approved_line(theirs)
    response = api_coordinator.post(
        "/allocations/commit",
        {
            "allocations": [
                {"request_line": other_coordinator_request, "site": site.code, "quantity": 1}
            ]
        },
    )
    body = assert_error(response, 404)
    assert "他们的社区" not in body["detail"]


def _approved_line(unit) -> int:
    from supply_requests.models import SupplyRequest, SupplyRequestLine

    request = SupplyRequest.objects.create(
        served_unit=unit, requested_by=_superuser(), status="approved"
    )
    line = SupplyRequestLine.objects.create(
        request=request, item=ItemFactory(), quantity_requested=5, quantity_approved=5
    )
    return line.pk


def _superuser():
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username="root", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def test_an_unexpected_error_is_json_with_an_error_id(api_staff, monkeypatch, caplog):
    from inventory import api as inventory_api

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(inventory_api, "sites_for", explode)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/sites", headers=api_staff.headers)
    body = assert_error(response, 500)
    assert body["code"] == "server_error" and body["error_id"] in body["detail"]
    assert body["error_id"] in caplog.text and "boom" not in body["detail"]


def test_head_on_the_health_check(db):
    response = Client().head("/api/v1/health")
    assert response.status_code == 200


def test_dashboard_dates_outside_a_sane_range_are_a_field_error(
    api_coordinator, client, coordinator
):
    assert_error(api_coordinator.get("/dashboards/summary", as_of="9999-12-31"), 422)
    client.force_login(coordinator)
    response = client.get("/dashboards/figures/stock.json?date_from=0001-01-01")
    assert response.status_code == 400
    assert "date_from" in response.json()["errors"]
