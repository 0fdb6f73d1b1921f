"""Celery tasks: thin wrappers that take ids (or nothing) and call a service.

Safe to run twice and safe to kill: every check does all its writes in one transaction and
raises each alert once per crossing (unique constraints, conditional updates), so a second run
— a retry, a redelivery after a worker died, beat firing while the last run is still going —
finds nothing left to do. Transient errors (the database or the mail server away for a moment)
are retried with exponential backoff. A worker process lost mid-task (killed, out of memory)
is retried too, at most `max_retries` times, then marked failed, so a task that kills its
worker every time does not loop forever.
"""

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from notifications import services

# Shared with the checks of distribution (logistics.tasks, supply_requests.tasks).
TRANSIENT_DB = (OperationalError, InterfaceError)

CHECK_TASK_OPTIONS: dict[str, Any] = {
    "retry_backoff": 5,  # seconds before the first retry, doubled each time
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
    # The worker's main process re-sends a task whose pool process died, counted against
    # max_retries, after default_retry_delay seconds.
    "retry_on_worker_lost": True,
    "default_retry_delay": 5,
    # A check stuck on a lock for this long is killed and marked failed; beat runs it again.
    "time_limit": 15 * 60,
}


@shared_task(autoretry_for=TRANSIENT_DB, **CHECK_TASK_OPTIONS)
def check_low_stock(threshold_ids: list[int] | None = None) -> dict[str, Any]:
    return services.low_stock_check(threshold_ids=threshold_ids).as_dict()


@shared_task(autoretry_for=TRANSIENT_DB, **CHECK_TASK_OPTIONS)
def check_near_expiry() -> dict[str, Any]:
    return services.near_expiry_check().as_dict()


# OSError covers SMTP errors (smtplib.SMTPException is one), refused and timed-out connections.
@shared_task(autoretry_for=(OSError, *TRANSIENT_DB), **{**CHECK_TASK_OPTIONS, "max_retries": 8})
def send_notification_emails(notification_ids: list[int]) -> int:
    return services.notification_emails_send(notification_ids=notification_ids)


@shared_task(autoretry_for=(OSError, *TRANSIENT_DB), **CHECK_TASK_OPTIONS)
def send_pending_emails() -> int:
    """The sweep: e-mails whose queued task never ran or never finished."""
    return services.notification_emails_send(notification_ids=services.pending_email_ids())
