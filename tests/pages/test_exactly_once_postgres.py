"""A double tap on a slow network: the same form sent twice at the same moment, on
separate connections, makes one donation. Needs real concurrent transactions (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from inventory.models import Donation, OrganisationRole, StockBalance
from tests.conftest import requires_postgres
from tests.factories import ItemFactory, MembershipFactory, SiteFactory
from tests.pages.test_bad_input_zh import ZH, donation_post

pytestmark = [requires_postgres(), pytest.mark.postgres]

TAPS = 6


def test_simultaneous_submits_of_one_form_make_one_donation(transactional_db):
    membership = MembershipFactory(role=OrganisationRole.STAFF)
    site = SiteFactory(organisation=membership.organisation)
    item = ItemFactory()
    data = donation_post(site, [{"item": item.code, "quantity": "40"}], once="double-tap")
    barrier = threading.Barrier(TAPS)

    def tap(_i):
        client = Client(**ZH)
        client.force_login(membership.user)
        barrier.wait()
        try:
            return client.post(reverse("pages:donation_new"), data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=TAPS) as pool:
        statuses = list(pool.map(tap, range(TAPS)))
    assert statuses == [302] * TAPS
    assert Donation.objects.count() == 1
    assert StockBalance.objects.get().on_hand == 40
