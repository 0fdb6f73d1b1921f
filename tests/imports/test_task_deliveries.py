"""A large import's Celery task is delivered again when its worker dies (late acks); after
MAX_DELIVERIES the job fails with a reason instead of taking the next worker down too."""

from imports import tasks
from imports.importers.base import ImportOptions
from imports.jobs import job_check, job_create, job_start
from imports.models import ImportStatus
from inventory.models import DonationLine
from tests.conftest import RECEIVED
from tests.imports.conftest import csv_bytes

ROWS = [["物资", "数量", "捐赠方"], ["N95口罩", "400", "壹基金"]]


def uploaded(staff, site):
    return job_create(
        actor=staff,
        kind="donations",
        file_name="d.csv",
        content=csv_bytes(ROWS),
        site=site,
        options=ImportOptions(received_on=RECEIVED),
    )


def test_each_delivery_is_counted_and_a_normal_run_imports(staff, site, catalogue):
    job = job_check(uploaded(staff, site))
    assert job_start(job)

    assert tasks.run_import(job.pk) == ImportStatus.DONE
    job.refresh_from_db()
    assert job.deliveries == 1
    assert DonationLine.objects.count() == 1


def test_a_job_whose_worker_died_too_often_fails_and_writes_nothing(staff, site, catalogue):
    job = job_check(uploaded(staff, site))
    assert job_start(job)
    # Three deliveries already ended with the worker killed mid-import (their transaction
    # rolled back with the process): the counter is all that is left of them.
    type(job).objects.filter(pk=job.pk).update(deliveries=tasks.MAX_DELIVERIES)

    assert tasks.run_import(job.pk) == ImportStatus.FAILED
    job.refresh_from_db()
    assert "stopped its worker 3 times" in job.error
    assert job.finished_at is not None
    assert DonationLine.objects.count() == 0


def test_the_check_is_bounded_too_and_a_late_delivery_does_nothing(staff, site, catalogue):
    job = uploaded(staff, site)
    type(job).objects.filter(pk=job.pk).update(deliveries=tasks.MAX_DELIVERIES)
    assert tasks.check_import(job.pk) == ImportStatus.FAILED
    # A copy of the message delivered after the job finished finds nothing to do.
    assert tasks.check_import(job.pk) == ImportStatus.FAILED
    job.refresh_from_db()
    assert job.deliveries == tasks.MAX_DELIVERIES + 1


def test_confirming_starts_the_count_again(staff, site, catalogue):
    job = uploaded(staff, site)
    assert tasks.check_import(job.pk) == ImportStatus.READY
    job.refresh_from_db()
    assert job.deliveries == 1
    assert job_start(job)
    job.refresh_from_db()
    assert job.deliveries == 0


def test_the_end_of_a_run_keeps_a_count_another_process_moved_meanwhile(
    staff, site, catalogue, monkeypatch
):
    """A step's end saves only what it changes: a delivery counted while the import ran is
    not overwritten with the count the worker read, and the file is not sent back again."""
    from django.db.models import F

    from imports import jobs
    from imports.models import ImportJob

    job = job_check(uploaded(staff, site))
    assert job_start(job)
    execute = jobs.execute

    def counted_meanwhile(content, context):
        ImportJob.objects.filter(pk=job.pk).update(deliveries=F("deliveries") + 1)
        return execute(content, context)

    monkeypatch.setattr(jobs, "execute", counted_meanwhile)
    finished = jobs.job_run(job)

    assert finished.status == ImportStatus.DONE
    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.status, stored.deliveries) == (ImportStatus.DONE, 1)
    assert bytes(stored.content) == csv_bytes(ROWS)  # a finished job keeps its file
