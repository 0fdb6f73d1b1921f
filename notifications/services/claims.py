"""Claiming a periodic check for one process, at most once per interval."""

from datetime import datetime, timedelta

from notifications.models import CheckClaim


def check_claim(*, name: str, every: timedelta, now: datetime) -> bool:
    """True if the caller may run the check `name` now: it has not started within `every`,
    and no other process claimed it first (one conditional UPDATE: of two, one wins)."""
    due = CheckClaim.objects.filter(name=name, last_started_at__lte=now - every)
    if due.update(last_started_at=now):
        return True
    if CheckClaim.objects.filter(name=name).exists():
        return False
    # First run ever: make the row (another process may make it at the same moment), then
    # claim it like any other run.
    CheckClaim.objects.bulk_create(
        [CheckClaim(name=name, last_started_at=now - every - timedelta(seconds=1))],
        ignore_conflicts=True,
    )
    return bool(due.update(last_started_at=now))
