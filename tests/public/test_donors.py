"""Where did my gift go: per item, received = in stock + reserved + in transit + delivered +
lost or damaged + written off + adjusted, for anyone; private donors unnamed without consent;
unpublished organisations invisible."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Donor
from public.selectors import donor_accounts
from tests.public.conftest import give


def page(client, donor):
    response = client.get(reverse("public:donor", args=[donor.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_charity_sees_where_its_masks_went(client, world):
    (account,) = [entry.account for entry in donor_accounts(world["charity"])]
    assert (account.received, account.delivered, account.in_stock) == (100, 60, 40)
    assert account.balances and account.communities == 1
    text = page(client, world["charity"])
    assert "成都市慈善总会" in text and "医用防护口罩" in text
    assert "已送达" in text and "1 个社区或机构" in text


def test_private_donor_is_a_private_donor_without_consent(client, world):
    text = page(client, world["private"])
    assert "爱心人士" in text
    assert "张三" not in text and "13800000001" not in text


def test_named_with_consent(client, world):
    assert "李四" in page(client, world["named"])


def test_other_kinds_are_private_unless_they_agreed(client, world, staff, site, item):
    unknown = Donor.objects.create(name="王五")  # kind "other": not known to be an organisation
    give(staff, site, unknown, item, 5)
    assert "王五" not in page(client, unknown)


def test_unpublished_organisations_donor_is_not_found(client, world):
    url = reverse("public:donor", args=[world["hidden_donor"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("public:donor", args=[999999])).status_code == 404


def test_donor_page_leaves_out_what_went_to_an_unpublished_organisation(client, world, item):
    hidden_org = world["hidden_org"]
    site = hidden_org.sites.get()
    staff = hidden_org.memberships.get().user
    give(staff, site, world["charity"], item, 999)
    (account,) = [entry.account for entry in donor_accounts(world["charity"])]
    assert account.received == 100
    assert "999" not in page(client, world["charity"])


def test_donation_page_is_printable_and_shareable(client, world):
    donation = world["charity"].donations.get()
    response = client.get(reverse("public:donation", args=[donation.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert (
        f"捐赠 #{donation.pk}" in text and "成都市慈善总会" in text and "@media print" not in text
    )
    hidden = world["hidden_donor"].donations.get()
    assert client.get(reverse("public:donation", args=[hidden.pk])).status_code == 404


def test_donor_page_queries_do_not_grow_with_history(client, world, staff, site, item):
    from tests.public.conftest import forget_pages

    with CaptureQueriesContext(connection) as small:
        page(client, world["charity"])
    for _ in range(10):
        give(staff, site, world["charity"], item, 7)
    forget_pages()
    with CaptureQueriesContext(connection) as large:
        text = page(client, world["charity"])
    assert "170" in text
    assert len(large) == len(small)


@pytest.mark.english
def test_donor_page_in_english(client, world):
    text = client.get(reverse("public:donor", args=[world["private"].pk]), {"lang": "en"})
    assert "a private donor" in text.content.decode()
