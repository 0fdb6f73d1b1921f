"""A phone on a bad network retries the same POST: the same key from the same user returns
the first response and creates nothing new."""

import pytest

from inventory.models import Donation, StockMovement
from supply_requests.models import SupplyRequest


@pytest.fixture
def donation_body(site, item):
    return {
        "site": site.code,
        "donor": "腾讯公益",
        "received_at": "2020-02-01",
        "lines": [{"item": item.code, "quantity": 200}],
    }


def test_a_retry_with_the_same_key_replays_the_first_response(api_staff, donation_body):
    headers = {"Idempotency-Key": "phone-42-donation-1"}
    first = api_staff.post("/donations", donation_body, headers=headers)
    second = api_staff.post("/donations", donation_body, headers=headers)
    third = api_staff.post("/donations", donation_body, headers=headers)
    assert first.status_code == second.status_code == third.status_code == 201
    assert first.json() == second.json() == third.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Donation.objects.count() == 1
    assert StockMovement.objects.count() == 1


def test_without_a_key_each_post_creates(api_staff, donation_body):
    api_staff.post("/donations", donation_body)
    api_staff.post("/donations", donation_body)
    assert Donation.objects.count() == 2


def test_the_same_key_for_a_different_body_is_refused(api_staff, donation_body):
    headers = {"Idempotency-Key": "k1"}
    assert api_staff.post("/donations", donation_body, headers=headers).status_code == 201
    changed = donation_body | {"donor": "someone else"}
    response = api_staff.post("/donations", changed, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Donation.objects.count() == 1


def test_keys_belong_to_their_user(api_staff, api_coordinator, donation_body):
    headers = {"Idempotency-Key": "shared-key"}
    api_staff.post("/donations", donation_body, headers=headers)
    api_coordinator.post("/donations", donation_body, headers=headers)
    assert Donation.objects.count() == 2


def test_a_failed_request_is_not_remembered(api_staff, donation_body, item):
    headers = {"Idempotency-Key": "retry-after-fix"}
    bad = donation_body | {"lines": [{"item": "no-such-item", "quantity": 1}]}
    assert api_staff.post("/donations", bad, headers=headers).status_code == 422
    assert api_staff.post("/donations", bad, headers=headers).status_code == 422
    # Same key, now a different (corrected) body: the failure left nothing behind.
    assert api_staff.post("/donations", donation_body, headers=headers).status_code == 201


def test_request_creation_is_idempotent_too(api_worker, unit, item):
    body = {"served_unit": unit.pk, "lines": [{"item": item.code, "quantity": None}]}
    headers = {"Idempotency-Key": "req-1"}
    first = api_worker.post("/requests", body, headers=headers)
    again = api_worker.post("/requests", body, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert SupplyRequest.objects.count() == 1
