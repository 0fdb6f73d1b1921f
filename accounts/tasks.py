"""Celery tasks of accounts: thin wrappers over `accounts.housekeeping`, run daily by beat
(SCHEDULE_PURGE). Safe to run twice: a second run finds nothing left to delete."""

from celery import shared_task

from accounts.housekeeping import idempotency_records_purge, sessions_purge


@shared_task
def purge_expired_sessions() -> int:
    return sessions_purge()


@shared_task
def purge_idempotency_records() -> int:
    return idempotency_records_purge()
