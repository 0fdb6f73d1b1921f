"""`live_token` judges every rule of a live token on the row it reads by digest: revoked,
expired (or, made before tokens had an expiry, older than the lifetime), its user inactive
or with a new password — each is refused; only a live one is returned."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create, live_token


def test_a_live_token_is_found_and_each_dead_one_refused(staff, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 90
    row, token = api_token_create(actor=staff, name="sync")
    assert live_token(token) == row
    assert live_token("rlt_not-a-token") is None
    assert live_token(token.removeprefix("rlt_")) is None

    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert live_token(token) is None

    # Made before tokens carried an expiry: the lifetime counts from when it was made.
    old = timezone.now() - timedelta(days=91)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=None, created_at=old)
    assert live_token(token) is None
    ApiToken.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert live_token(token) == row

    staff.is_active = False
    staff.save()
    assert live_token(token) is None
    staff.is_active = True
    staff.save()
    assert live_token(token) == row

    ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    assert live_token(token) is None


def test_a_password_change_kills_the_token(staff):
    _row, token = api_token_create(actor=staff, name="sync")
    staff.set_password("a-new-long-password-2020")
    staff.save()
    assert live_token(token) is None
