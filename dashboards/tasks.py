"""Celery tasks of the dashboards: thin wrappers over services (pretix's habit)."""

from dataclasses import asdict
from datetime import date

from celery import shared_task

from inventory.services.ledger import rollups_rebuild


@shared_task(name="dashboards.tasks.rebuild_daily_rollups")
def rebuild_daily_rollups(day: str | None = None) -> dict:
    """Recompute the daily stock roll-up from the ledger — every day, or `day` (YYYY-MM-DD)
    and the days after it — and return what it found. Run nightly: post_movement keeps the
    roll-up current, so this normally finds nothing to change; a count above zero means a
    write bypassed the ledger service and is worth a look."""
    result = rollups_rebuild(since=date.fromisoformat(day) if day else None)
    return {**asdict(result), "since": day, "changed": result.changed}
