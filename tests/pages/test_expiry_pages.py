"""The stock page shows expired stock as its own figure and writes it off in one action; a
coordinator releases expired stock on purpose from its own page (issue 14)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from inventory.models import StockBalance
from logistics.models import Allocation

LAST_YEAR = timezone.localdate() - dt.timedelta(days=365)
NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)
CHINESE = {"headers": {"Accept-Language": "zh-hans"}}


def test_stock_page_shows_expired_stock_and_writes_it_off_in_one_action(
    client, staff, site, receive
):
    old = receive(500, expiry=LAST_YEAR)
    receive(200, expiry=NEXT_YEAR)
    client.force_login(staff)
    page = client.get(reverse("pages:stock"), {"site": site.code}, **CHINESE)
    assert "已过期库存" in page.text and "500" in page.text
    assert reverse("pages:write_off_expired") in page.text
    # One action, after a confirmation that says what will happen and changes nothing yet.
    asked = client.post(reverse("pages:write_off_expired"), {"site": site.code}, **CHINESE)
    assert asked.status_code == 200 and StockBalance.objects.get(lot=old).on_hand == 500
    response = client.post(
        reverse("pages:write_off_expired"), {"site": site.code, "confirmed": "1"}, **CHINESE
    )
    assert response.status_code == 302
    assert StockBalance.objects.get(lot=old).on_hand == 0
    assert StockBalance.objects.exclude(lot=old).get().on_hand == 200
    after = client.get(reverse("pages:stock"), {"site": site.code}, **CHINESE)
    assert reverse("pages:write_off_expired") not in after.text


def test_release_expired_page_needs_a_reason_and_records_it(
    client, coordinator, site, receive, approved
):
    old = receive(500, expiry=LAST_YEAR)
    line = approved(50).lines.get()
    client.force_login(coordinator)
    url = reverse("pages:release_expired")
    data = {"request_line": line.pk, "site": site.code, "quantity": 50}
    missing = client.post(url, data)
    assert missing.status_code == 200 and not Allocation.objects.exists()
    done = client.post(url, {**data, "reason": "区卫健局同意用于非医疗用途"})
    assert done.status_code == 302
    allocation = Allocation.objects.get()
    assert (allocation.lot_id, allocation.expired_release_reason) == (
        old.pk,
        "区卫健局同意用于非医疗用途",
    )


def test_release_expired_page_is_for_coordinators_only(client, staff):
    client.force_login(staff)
    assert client.get(reverse("pages:release_expired")).status_code == 404


def test_the_pick_list_flags_a_lot_expiring_soon_in_chinese(
    client, coordinator, site, unit, receive, approved
):
    from logistics.services import AllocationInput, allocation_commit, shipment_create

    receive(50, expiry=timezone.localdate() + dt.timedelta(days=10))
    line = approved(20).lines.get()
    allocation_commit(actor=coordinator, allocations=[AllocationInput(line.pk, site, 20)])
    shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
    client.force_login(coordinator)
    page = client.get(reverse("pages:shipment", args=[shipment.pk]), **CHINESE)
    assert "即将到期" in page.text and "expiry-flag" in page.text
