"""Tokens as an attacker holds them: an old one, one whose owner changed her password, one
trying to make a child that would outlive it. Each is refused and nothing is made."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from tests.api.conftest import ApiClient


def test_a_token_expires_after_its_lifetime(staff, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 90
    client = ApiClient(staff)
    assert client.get("/items").status_code == 200
    row = ApiToken.objects.get(user=staff)
    assert row.expires_at - row.created_at >= timedelta(days=89, hours=23)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = client.get("/items")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_a_password_change_revokes_every_token(staff):
    client = ApiClient(staff)
    assert client.get("/items").status_code == 200
    staff.set_password("a-new-long-password-2020")
    staff.save()
    assert client.get("/items").status_code == 401
    # The password change page too (the usual way): a new token made after it works.
    assert ApiClient(staff).get("/items").status_code == 200


def test_a_token_cannot_mint_tokens(staff):
    client = ApiClient(staff)
    before = ApiToken.objects.count()
    response = client.post("/tokens", {"name": "child"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert ApiToken.objects.count() == before


def test_a_signed_in_person_still_makes_tokens(staff):
    browser = Client()
    browser.force_login(staff)
    made = browser.post("/api/v1/tokens", {"name": "sync"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["expires_at"]
