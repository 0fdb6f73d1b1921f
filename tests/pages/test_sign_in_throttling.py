"""Sign-in as a password guesser tries it: after AXES_FAILURE_LIMIT wrong passwords even the
right one is refused (and no session is made); the reset page stops mailing after a few
requests; the API refuses writes beyond its rate, per token and per address."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from inventory.models import Donation
from tests.api.conftest import ApiClient
from tests.conftest import RECEIVED


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(
        "zhang", "zhang@example.org", "right-password-2020"
    )


def sign_in(client, password):
    return client.post(reverse("login"), {"username": "zhang", "password": password})


def test_the_right_password_is_refused_after_repeated_failures(person, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    assert sign_in(client, "wrong").status_code == 429  # the last failure locks
    response = sign_in(client, "right-password-2020")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("imports:index")).status_code == 302  # still signed out


def test_a_success_before_the_limit_resets_the_count(person, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "right-password-2020").status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_password_reset_mails_are_throttled(person, settings):
    settings.PASSWORD_RESET_RATE_PER_HOUR = 3
    client = Client()
    for _ in range(3):
        response = client.post(reverse("password_reset"), {"email": "zhang@example.org"})
        assert response.status_code == 302
    response = client.post(reverse("password_reset"), {"email": "zhang@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def _donation(site, item, n):
    return {
        "site": site.code,
        "donor": "壹基金",
        "received_at": RECEIVED.isoformat(),
        "reference": f"R-{n}",
        "lines": [{"item": item.code, "quantity": 1}],
    }


def test_api_writes_are_throttled_per_token(staff, site, item, settings):
    settings.API_WRITE_RATE_PER_TOKEN = "3/m"
    client = ApiClient(staff)
    for n in range(3):
        assert client.post("/donations", _donation(site, item, n)).status_code == 201
    response = client.post("/donations", _donation(site, item, 99))
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert Donation.objects.count() == 3
    assert client.get("/items").status_code == 200  # reads are not counted
    # Another token of another person is not held back by this one's count.
    assert ApiClient(staff).post("/donations", _donation(site, item, 100)).status_code == 201


def test_api_writes_are_throttled_per_address(staff, coordinator, site, item, settings):
    settings.API_WRITE_RATE_PER_ADDRESS = "2/m"
    assert ApiClient(staff).post("/donations", _donation(site, item, 1)).status_code == 201
    assert ApiClient(coordinator).post("/donations", _donation(site, item, 2)).status_code == 201
    response = ApiClient(staff).post("/donations", _donation(site, item, 3))
    assert response.status_code == 429
    assert Donation.objects.count() == 2
