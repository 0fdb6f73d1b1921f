"""A mistyped donation can be found, printed for the donor and voided or corrected; the
ledger stays whole (verify_ledger) and stock already promised or sent is never reversed."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from inventory.models import AdjustmentReason, Donation, StockAdjustment, StockBalance
from tests.pages.test_bad_input_zh import ZH, donation_post


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def record(staff_client, site, item, quantity="2000000", **line):
    response = staff_client.post(
        reverse("pages:donation_new"),
        donation_post(site, [{"item": item.code, "quantity": quantity, **line}]),
        **ZH,
    )
    assert response.status_code == 302
    return Donation.objects.order_by("-pk").first()


def test_the_donations_list_finds_by_donor_item_and_date(staff_client, site, item):
    donation = record(staff_client, site, item, "30")
    url = reverse("pages:donations")
    for query in (
        {"q": "慈善总会"},
        {"q": "防护口罩"},
        {"since": "2020-01-30", "until": "2020-01-30"},
    ):
        page = staff_client.get(url, query, **ZH)
        assert [d.pk for d in page.context["page"]] == [donation.pk]
    assert list(staff_client.get(url, {"q": "没有这个"}, **ZH).context["page"]) == []
    assert list(staff_client.get(url, {"since": "2020-02-01"}, **ZH).context["page"]) == []


def test_the_receipt_is_bilingual_with_packs_and_base_units(staff_client, site, item):
    donation = record(staff_client, site, item, "3", unit="箱", pack_size="200")
    html = staff_client.get(reverse("pages:donation", args=[donation.pk]), **ZH).content.decode()
    assert "捐赠物资接收凭证" in html and "Donation receipt" in html
    assert "3 箱" in html and "600 只" in html


def test_a_mistyped_line_is_voided_with_an_entry_error_and_the_ledger_stays_clean(
    staff_client, site, item
):
    donation = record(staff_client, site, item, "2000")
    line = donation.lines.get()
    url = reverse("pages:donation_line_void", args=[line.pk])
    asking = staff_client.post(url, {"once": "v1"}, **ZH)
    assert asking.status_code == 200 and StockBalance.objects.get().on_hand == 2000
    staff_client.post(url, {"once": "v1", "confirmed": "1"}, **ZH)
    staff_client.post(url, {"once": "v1", "confirmed": "1"}, **ZH)  # a double tap
    line.refresh_from_db()
    assert line.voided_at is not None
    assert StockBalance.objects.get().on_hand == 0
    adjustment = StockAdjustment.objects.get()
    assert adjustment.reason == AdjustmentReason.ENTRY_ERROR and adjustment.quantity == -2000
    call_command("verify_ledger")


def test_a_line_is_corrected_to_the_right_quantity(staff_client, site, item):
    donation = record(staff_client, site, item, "2000")
    line = donation.lines.get()
    staff_client.post(
        reverse("pages:donation_line_correct", args=[line.pk]), {"quantity": "200"}, **ZH
    )
    assert sorted(StockBalance.objects.values_list("on_hand", flat=True)) == [0, 200]
    assert donation.lines.filter(voided_at__isnull=True).get().quantity == 200
    call_command("verify_ledger")


def test_promised_stock_is_not_voided_and_the_reason_is_said(
    staff_client, site, item, approved, allocate
):
    donation = record(staff_client, site, item, "100")
    allocate(approved(10), 10)
    line = donation.lines.get()
    response = staff_client.post(
        reverse("pages:donation_line_void", args=[line.pk]), {"confirmed": "1"}, follow=True, **ZH
    )
    line.refresh_from_db()
    assert line.voided_at is None
    assert "预留给申请" in response.content.decode()
    assert StockBalance.objects.get().on_hand == 100


def test_another_organisations_donation_is_not_found(client, outsider, staff, site, item):
    client.force_login(staff)
    donation = record(client, site, item, "5")
    client.force_login(outsider)
    assert client.get(reverse("pages:donation", args=[donation.pk])).status_code == 404
    line = donation.lines.get()
    response = client.post(reverse("pages:donation_line_void", args=[line.pk]), {"confirmed": "1"})
    assert response.status_code == 404
