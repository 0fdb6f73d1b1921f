"""Celery tasks of supply requests: thin wrappers over its check (see `notifications.tasks`
for why they are safe to run twice and to kill)."""

from typing import Any

from celery import shared_task

from notifications.tasks import CHECK_TASK_OPTIONS, TRANSIENT_DB
from supply_requests.checks import waiting_requests_check


@shared_task(autoretry_for=TRANSIENT_DB, **CHECK_TASK_OPTIONS)
def check_waiting_requests() -> dict[str, Any]:
    return waiting_requests_check().as_dict()
