"""Offers: a short form anyone can send (a sum to answer, no script needed), limited in size
and rate; staff see each beside the current needs of its item, accept it as a pledge that
becomes a donation on arrival, or decline it with a reason; the offerer reads the answer."""

import re

import pytest
from django.urls import reverse

from inventory.models import Donation, StockBalance
from public.models import Offer, OfferStatus

NEW = reverse("public:offer_new")


def fill(client, **changes):
    form = client.get(NEW, {"item": "n95"}).content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', form).group(1)
    a, b = map(int, re.search(r"(\d) \+ (\d)", form).groups())
    data = {
        "offerer_kind": "organisation",
        "name": "某某医疗器械公司",
        "contact": "028-12345678",
        "item": "n95",
        "quantity": "５００",  # full-width digits, as a phone's Chinese keyboard types them
        "location": "成都高新区",
        "available_on": "2020-02-01",
        "challenge": challenge,
        "answer": str(a + b),
        **changes,
    }
    return client.post(NEW, data)


def test_the_form_works_without_script(client, world):
    page = client.get(NEW, {"item": "n95"}).content.decode()
    assert "<script" not in page and 'value="n95" selected' in page


def test_an_offer_is_sent_and_its_page_says_it_waits(client, world):
    response = fill(client)
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(offer.token + "/")
    assert offer.quantity == 500 and offer.status == OfferStatus.NEW
    page = client.get(response["Location"]).content.decode()
    assert "等待答复" in page and "028-12345678" not in page


def test_a_wrong_sum_is_a_field_error_in_chinese(client, world):
    response = fill(client, answer="1")
    assert response.status_code == 400 and "算式" in response.content.decode()
    assert not Offer.objects.exists()


def test_the_hidden_field_and_a_forged_challenge_are_refused(client, world):
    assert fill(client, website="http://spam").status_code == 400
    assert fill(client, challenge="forged").status_code == 400
    assert not Offer.objects.exists()


def test_sizes_are_limited(client, world):
    response = fill(client, name="长" * 101, quantity="99999999999")
    assert response.status_code == 400 and not Offer.objects.exists()


def test_offers_are_rate_limited_per_address(client, world, settings):
    settings.PUBLIC_OFFER_RATE = "2/h"
    codes = [fill(client).status_code for _ in range(3)]
    assert codes == [302, 302, 429] and Offer.objects.count() == 2


@pytest.fixture
def offer(client, world):
    fill(client)
    return Offer.objects.get()


def test_staff_see_the_offer_beside_the_need(client, offer, staff):
    client.force_login(staff)
    page = client.get(reverse("public:offers_manage")).content.decode()
    assert "某某医疗器械公司" in page and "玉林北路社区" in page


def test_accepted_offer_is_a_pledge_then_a_donation(client, offer, staff, site):
    client.force_login(staff)
    url = reverse("public:offers_manage")
    client.post(url, {"offer": offer.pk, "action": "accept", "site": site.pk, "answer": ""})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PLEDGED and offer.site == site
    client.logout()
    assert site.name in client.get(reverse("public:offer", args=[offer.token])).content.decode()
    client.force_login(staff)
    client.post(url, {"offer": offer.pk, "action": "receive", "quantity": "480"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.RECEIVED
    donation = Donation.objects.get(offer=offer)
    assert donation.lines.get().quantity == 480
    assert StockBalance.objects.get(lot__donation_line__donation=donation).on_hand == 480
    client.post(url, {"offer": offer.pk, "action": "receive", "quantity": "480"})  # double tap
    assert Donation.objects.filter(donor=donation.donor).count() == 1


def test_declined_offer_needs_a_reason_the_offerer_reads(client, offer, staff):
    client.force_login(staff)
    url = reverse("public:offers_manage")
    client.post(url, {"offer": offer.pk, "action": "decline", "answer": ""})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.NEW
    client.post(url, {"offer": offer.pk, "action": "decline", "answer": "已足够"})
    client.logout()
    page = client.get(reverse("public:offer", args=[offer.token])).content.decode()
    assert "已足够" in page and "已婉拒" in page


def test_strangers_cannot_manage(client, offer, outsider):
    assert client.get(reverse("public:offers_manage")).status_code == 302
    assert client.get(reverse("public:publishing_manage")).status_code == 302


def test_staff_switch_publishing_and_consent(client, world, staff, organisation):
    from public.selectors import published_organisations

    client.force_login(staff)
    url = reverse("public:publishing_manage")
    client.post(url, {"organisation": organisation.pk, "published": "0"})
    assert not published_organisations().exists()
    client.post(
        url, {"organisation": organisation.pk, "donor": world["private"].pk, "name_public": "1"}
    )
    world["private"].public_consent.refresh_from_db()
    assert world["private"].public_consent.name_public
    client.post(url, {"organisation": world["hidden_org"].pk, "published": "1"})
    assert not published_organisations().exists()  # not their organisation
