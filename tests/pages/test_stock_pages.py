import pytest
from django.urls import reverse

from inventory.models import Donation, ItemAlias, StockBalance


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def donation_post(site, item_text, quantity="100", unit=""):
    return {
        "site": site.code,
        "donor": "成都市慈善总会",
        "received_at": "2020-01-30",
        "reference": "",
        "note": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-item": item_text,
        "lines-0-quantity": quantity,
        "lines-0-unit": unit,
        "lines-0-pack_size": "",
        "lines-0-batch": "",
        "lines-0-expiry": "",
    }


def test_staff_records_a_donation_found_by_its_alias(staff_client, site, item):
    ItemAlias.objects.create(item=item, alias="N95口罩")
    response = staff_client.post(reverse("pages:donation_new"), donation_post(site, "N95口罩"))
    assert response.status_code == 302
    assert StockBalance.objects.get().on_hand == 100


def test_unknown_item_and_unknown_pack_are_errors_next_to_their_fields(staff_client, site, item):
    response = staff_client.post(reverse("pages:donation_new"), donation_post(site, "不存在的物资"))
    assert "item" in response.context["lines"].forms[0].errors
    response = staff_client.post(
        reverse("pages:donation_new"), donation_post(site, item.code, unit="箱")
    )
    assert response.status_code == 200
    assert "没有名为“箱”的包装" in str(response.context["lines"].forms[0].errors["unit"])
    assert not Donation.objects.exists()


def test_stock_page_flags_expiry_and_writes_off_after_confirming(staff_client, site, receive):
    lot = receive(30, batch="B-7")
    page = staff_client.get(reverse("pages:stock"))
    assert page.status_code == 200 and page.context["rows"][0]["b"].lot == lot
    write_off = {
        "site": site.code,
        "lot": lot.pk,
        "direction": "remove",
        "quantity": 5,
        "reason": "damaged",
    }
    asking = staff_client.post(reverse("pages:adjust"), write_off)
    assert asking.status_code == 200 and "B-7" in asking.content.decode()
    assert StockBalance.objects.get().on_hand == 30
    staff_client.post(reverse("pages:adjust"), {**write_off, "confirmed": "1"})
    assert StockBalance.objects.get().on_hand == 25


def test_count_sheet_posts_the_difference(staff_client, site, receive):
    lot = receive(30)
    staff_client.post(reverse("pages:count_start"), {"site": site.code})
    count = site.counts.get()
    review = staff_client.post(
        reverse("pages:count", args=[count.pk]), {f"counted-{lot.pk}": "28", "action": "review"}
    )
    assert StockBalance.objects.get().on_hand == 30
    page = staff_client.get(review["Location"])
    assert [row["difference"] for row in page.context["review_rows"]] == [-2]
    staff_client.post(reverse("pages:count", args=[count.pk]), {"action": "post", "confirmed": "1"})
    assert StockBalance.objects.get().on_hand == 28


def test_workers_and_outsiders_have_no_stock_pages(client, worker, outsider, site):
    for user in (worker, outsider):
        client.force_login(user)
        for name in ("pages:stock", "pages:donation_new", "pages:adjust"):
            assert client.get(reverse(name)).status_code == 404
