"""Celery tasks of logistics: thin wrappers over its check (see `notifications.tasks`
for why they are safe to run twice and to kill)."""

from typing import Any

from celery import shared_task

from logistics.checks import overdue_shipments_check
from notifications.tasks import CHECK_TASK_OPTIONS, TRANSIENT_DB


@shared_task(autoretry_for=TRANSIENT_DB, **CHECK_TASK_OPTIONS)
def check_overdue_shipments() -> dict[str, Any]:
    return overdue_shipments_check().as_dict()
