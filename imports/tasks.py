"""Celery tasks for large imports: thin wrappers that take a job id and call `imports.jobs`.

Queued with `transaction.on_commit` by `job_queue_check` / `job_queue_run`, so a worker never
looks for a job that is not committed yet. Without a broker they run eagerly in-process.
"""

from celery import shared_task

from imports.jobs import job_check, job_run
from imports.models import ImportJob, ImportStatus


@shared_task
def check_import(job_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return job.status
    return job_check(job).status


@shared_task
def run_import(job_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job.status
    return job_run(job).status
