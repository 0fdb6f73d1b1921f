"""The knobs of the checks and e-mails, from Django settings.

`config/settings.py` reads every one from the environment at start-up (README,
"Configuration"); this module only checks the values, so a test or a deployment that sets a
bad one in settings stops the caller with ImproperlyConfigured instead of misbehaving.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Average daily dispatch, for days of cover, is taken over this many days (issue 8).
DISPATCH_WINDOW_DAYS = 14


def _positive(name: str) -> int:
    value = getattr(settings, name)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ImproperlyConfigured(f"{name}={value!r} must be a positive whole number")
    return value


def expiry_window_days() -> int:
    """Lots expiring within this many days (or already expired) raise a near-expiry alert."""
    return _positive("NOTIFICATIONS_EXPIRY_WINDOW_DAYS")


def shipment_overdue_hours() -> int:
    """A dispatched shipment not delivered after this many hours is overdue."""
    return _positive("NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS")


def request_waiting_hours() -> int:
    """A submitted request with no decision after this many hours is waiting too long."""
    return _positive("NOTIFICATIONS_REQUEST_WAITING_HOURS")


def email_enabled() -> bool:
    return bool(settings.NOTIFICATIONS_EMAIL)


def email_give_up_hours() -> int:
    """The e-mail sweep stops trying to send an alert this old: it is news no longer."""
    return _positive("NOTIFICATIONS_EMAIL_GIVE_UP_HOURS")


def email_claim_minutes() -> int:
    """A sender that claimed an e-mail and vanished (killed) loses its claim after this."""
    return _positive("NOTIFICATIONS_EMAIL_CLAIM_MINUTES")


def email_language() -> str:
    """E-mails go out in this language to users whose own language is not known yet."""
    return settings.NOTIFICATIONS_EMAIL_LANGUAGE or settings.LANGUAGE_CODE


def site_url() -> str:
    """Where the tracker is served, for absolute links in e-mails."""
    value = settings.SITE_URL
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"SITE_URL={value!r} must start with http:// or https://")
    return value.rstrip("/")
