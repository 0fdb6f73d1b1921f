"""The knobs of the checks, read from Django settings, else from the environment.

`logistics/settings.py` is meant to define the NOTIFICATIONS_* names (see the block in the
issue 8 note); until it does, the same environment variables are read here, so the worker and
the web process agree either way. A bad value stops the caller with ImproperlyConfigured.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

# Average daily dispatch, for days of cover, is taken over this many days (issue 8).
DISPATCH_WINDOW_DAYS = 14


def _positive(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = env_int(name, default)
    if not isinstance(value, int) or value <= 0:
        raise ImproperlyConfigured(f"{name}={value!r} must be a positive whole number")
    return value


def expiry_window_days() -> int:
    """Lots expiring within this many days (or already expired) raise a near-expiry alert."""
    return _positive("NOTIFICATIONS_EXPIRY_WINDOW_DAYS", 30)


def shipment_overdue_hours() -> int:
    """A dispatched shipment not delivered after this many hours is overdue."""
    return _positive("NOTIFICATIONS_SHIPMENT_OVERDUE_HOURS", 48)


def request_waiting_hours() -> int:
    """A submitted request with no decision after this many hours is waiting too long."""
    return _positive("NOTIFICATIONS_REQUEST_WAITING_HOURS", 48)


def email_enabled() -> bool:
    value = getattr(settings, "NOTIFICATIONS_EMAIL", None)
    return env_bool("NOTIFICATIONS_EMAIL", True) if value is None else bool(value)


def email_give_up_hours() -> int:
    """The e-mail sweep stops trying to send an alert this old: it is news no longer."""
    return _positive("NOTIFICATIONS_EMAIL_GIVE_UP_HOURS", 24)


def email_claim_minutes() -> int:
    """A sender that claimed an e-mail and vanished (killed) loses its claim after this."""
    return _positive("NOTIFICATIONS_EMAIL_CLAIM_MINUTES", 10)


def email_language() -> str:
    """E-mails go out in this language to users whose own language is not known yet."""
    value = getattr(settings, "NOTIFICATIONS_EMAIL_LANGUAGE", None)
    return value or env_str("NOTIFICATIONS_EMAIL_LANGUAGE", settings.LANGUAGE_CODE)


def site_url() -> str:
    """Where the tracker is served, for absolute links in e-mails."""
    value = getattr(settings, "SITE_URL", None) or env_str("SITE_URL", "http://127.0.0.1:8000")
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"SITE_URL={value!r} must start with http:// or https://")
    return value.rstrip("/")
