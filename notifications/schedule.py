"""The beat schedule. Settings import it: `CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE`.

Every time is a cron expression ("minute hour day-of-month month day-of-week") read from the
environment, in CELERY_TIMEZONE (= TIME_ZONE, Asia/Shanghai by default). A bad expression
stops start-up with a message naming the variable. This module is imported by the settings,
so it must not import Django models.
"""

from typing import Any

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_str


def env_crontab(name: str, default: str) -> crontab:
    expression = env_str(name, default)
    try:
        return crontab.from_string(expression)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"{name}={expression!r} is not a cron expression "
            f"(minute hour day-of-month month day-of-week): {exc}"
        ) from None


# A run not started within this many seconds is dropped: the next one does the same work,
# and a worker back after an outage should not chew through a pile of stale runs.
_HOUR = 60 * 60

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "notifications-low-stock": {
        "task": "notifications.tasks.check_low_stock",
        "schedule": env_crontab("SCHEDULE_LOW_STOCK", "*/15 * * * *"),
        "options": {"expires": _HOUR},
    },
    "notifications-near-expiry": {
        "task": "notifications.tasks.check_near_expiry",
        "schedule": env_crontab("SCHEDULE_NEAR_EXPIRY", "0 7 * * *"),
        "options": {"expires": 12 * _HOUR},
    },
    "notifications-overdue-shipments": {
        "task": "notifications.tasks.check_overdue_shipments",
        "schedule": env_crontab("SCHEDULE_OVERDUE_SHIPMENTS", "*/15 * * * *"),
        "options": {"expires": _HOUR},
    },
    "notifications-waiting-requests": {
        "task": "notifications.tasks.check_waiting_requests",
        "schedule": env_crontab("SCHEDULE_WAITING_REQUESTS", "*/15 * * * *"),
        "options": {"expires": _HOUR},
    },
    "notifications-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": env_crontab("SCHEDULE_PENDING_EMAILS", "*/10 * * * *"),
        "options": {"expires": _HOUR},
    },
    # Written in the dashboards app (another issue). Sent with no argument: the task's own
    # default (its optional ISO date) decides which day is rolled up.
    "dashboards-daily-rollups": {
        "task": "dashboards.tasks.rebuild_daily_rollups",
        "schedule": env_crontab("SCHEDULE_DAILY_ROLLUPS", "30 0 * * *"),
        "options": {"expires": 12 * _HOUR},
    },
}
