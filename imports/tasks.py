"""Celery tasks for large imports: thin wrappers that take a job id and call `imports.jobs`.

Queued with `transaction.on_commit` by `job_queue_check` / `job_queue_run`, so a worker never
looks for a job that is not committed yet. Without a broker they run eagerly in-process.

Tasks are acknowledged late (settings), so one whose worker dies is delivered again. Each
delivery is counted on the job; after MAX_DELIVERIES the job fails with its reason instead of
running again — a sheet that kills its worker would otherwise take every worker down in
turn. The import itself is one transaction, so a killed run has written nothing.

Each task has a soft and a hard time limit (IMPORTS_TIME_LIMIT_SECONDS); the worker
processes' memory is capped in `logistics/celery.py`. `sweep_import_jobs` (beat) ends jobs
stuck past the limit.
"""

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.jobs import job_check, job_fail, job_files_purge, job_run, job_sweep
from imports.models import ImportJob, ImportStatus

MAX_DELIVERIES = 3


def _deliver(job_id: int, step: str) -> ImportJob | None:
    """Count this delivery of a job's step; the job, if that step should run now."""
    counted = ImportJob.objects.filter(pk=job_id, status=step).update(
        deliveries=F("deliveries") + 1, step_started_at=timezone.now()
    )
    job = ImportJob.objects.get(pk=job_id)
    if not counted:  # done, failed, or the step already finished: nothing to do
        return None
    if job.deliveries > MAX_DELIVERIES:
        message = _(
            "The import stopped its worker %(n)d times (the file may be too large for the "
            "server); nothing was imported. Split the file and try again."
        ) % {"n": MAX_DELIVERIES}
        job_fail(job, message)
        return None
    return job


_LIMITS = {
    "soft_time_limit": settings.IMPORTS_TIME_LIMIT_SECONDS,
    "time_limit": settings.IMPORTS_TIME_LIMIT_SECONDS + 30,
}


@shared_task(**_LIMITS)
def check_import(job_id: int) -> str:
    job = _deliver(job_id, ImportStatus.CHECKING)
    if job is None:
        return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)
    return job_check(job).status


@shared_task(**_LIMITS)
def run_import(job_id: int) -> str:
    job = _deliver(job_id, ImportStatus.IMPORTING)
    if job is None:
        return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)
    return job_run(job).status


@shared_task
def sweep_import_jobs() -> int:
    """End stuck jobs, and drop the files of jobs finished past the retention period."""
    ended = len(job_sweep())
    job_files_purge()
    return ended


@shared_task
def purge_import_files() -> int:
    """Drop the files of jobs finished past the retention period, now (`manage.py
    purge_expired`); beat does the same within `sweep_import_jobs`."""
    return job_files_purge()
