"""Deleting what is kept only for a while: expired sessions and idempotency records past
their window. Run daily by beat (accounts.tasks) and by `manage.py purge_expired`."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import IdempotencyRecord


def sessions_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the sessions that expired before `now`; returns how many. Sessions live in the
    database (Django's default engine), and this is the engine's own `clear_expired`, counted."""
    now = now or timezone.now()
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


def idempotency_records_purge(
    *, now: datetime.datetime | None = None, hours: int | None = None
) -> int:
    """Delete the idempotency records older than `hours` (IDEMPOTENCY_WINDOW_HOURS); returns
    how many. A retry within the window is still replayed; one after it is a new request."""
    now = now or timezone.now()
    window = datetime.timedelta(hours=settings.IDEMPOTENCY_WINDOW_HOURS if hours is None else hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - window).delete()
    return deleted
