"""Celery tasks of the household register: thin wrappers over services."""

from celery import shared_task

from households.services import household_erase_due
from notifications.tasks import CHECK_TASK_OPTIONS, TRANSIENT_DB


@shared_task(autoretry_for=TRANSIENT_DB, **CHECK_TASK_OPTIONS)
def erase_expired_households() -> int:
    return household_erase_due()
