"""Import jobs, one function per step: create (upload), check (preview), start (confirm),
run (write). Pages, tasks and commands call these; the rules of who may import what live
in `require_importer`.

Every upload is inspected (`imports.upload_limits`) before it is kept, and every check and
run happens outside the web request: in a Celery task with time and memory limits, or —
the embedded default, no broker — in a bounded worker process (`imports.worker`). A sheet
that still kills its worker only ends its own job; `job_sweep` fails jobs stuck past the
time limit so they can be retried.
"""

import datetime
import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError, NotPermitted, ValidationFailed
from core.memory import collector_paused
from imports.importers.base import ImportContext, ImportOptions
from imports.models import ImportedRow, ImportJob, ImportKind, ImportStatus
from imports.runner import ImportRefused, check, execute, importer_for
from imports.sheets import SheetError
from imports.upload_limits import inspect_upload
from inventory.models import Organisation, Site
from inventory.permissions import organisation_ids_for
from inventory.selectors import sites_for
from supply_requests.roles import roles_for

logger = logging.getLogger(__name__)


def require_importer(
    user: AbstractBaseUser, kind: str, organisation: Organisation | None, site: Site | None
) -> None:
    """Stock into the user's own organisation's sites; sites and served units for her own
    organisation; the shared catalogue for any organisation member; requests for the units
    she may request for (checked per row)."""
    roles = roles_for(user)
    if kind in (ImportKind.DONATIONS, ImportKind.DISTRIBUTIONS):
        if site is None or not sites_for(user).filter(pk=site.pk).exists():
            raise NotPermitted(_("Choose one of your organisation's sites."))
        if organisation is not None and site.organisation_id != organisation.pk:
            raise ValidationFailed(
                _("%(site)s does not belong to %(org)s.")
                % {"site": site.name, "org": organisation.name_zh}
            )
    elif kind in (ImportKind.SITES, ImportKind.SERVED_UNITS):
        if organisation is None or not (
            roles.is_admin or organisation.pk in organisation_ids_for(user)
        ):
            raise NotPermitted(_("Choose one of your organisations."))
    elif kind == ImportKind.ITEMS:
        if not (roles.is_admin or roles.organisation_ids):
            raise NotPermitted(_("Only organisation staff may import the catalogue."))
    elif not (roles.is_admin or roles.is_community_worker or roles.is_coordinator):
        raise NotPermitted(
            _("Only community workers and coordinators may import their units' requests.")
        )


def job_create(
    *,
    actor: AbstractBaseUser,
    kind: str,
    file_name: str,
    content: bytes,
    organisation: Organisation | None = None,
    site: Site | None = None,
    options: ImportOptions | None = None,
) -> ImportJob:
    """Keep an uploaded sheet, ready to be checked."""
    if kind not in ImportKind.values:
        raise ValidationFailed(_("Unknown kind of import."))
    if importer_for(kind).needs_site and site is not None:
        organisation = organisation or site.organisation
    require_importer(actor, kind, organisation, site)
    try:
        rows = inspect_upload(content, file_name)
    except SheetError as error:
        raise ValidationFailed(str(error)) from error
    return ImportJob.objects.create(
        kind=kind,
        organisation=organisation,
        site=site,
        created_by=actor,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        options=(options or ImportOptions()).as_json(),
        rows_total=rows,
        step_started_at=timezone.now(),
    )


class Progress:
    """How far a step is, written to the job now and then where a page can read it.

    A step goes through stages: planning the rows (one `tick` per row), then, when
    importing, writing them (one `tick` per row written, or `stage` calls from a bulk write)
    and the commit and the report. Each stage owns a share of the bar in proportion to the
    time it takes (`IMPORT_STAGES`, from the worker's run of the import benchmark), so the
    bar moves with the work. `rows_done` is that share of the
    job's rows and never reaches `rows_total` before the step has ended (`_finish` does
    that): a page never shows 100 % of a step still running, nor more rows than the sheet has.

    Inside the write transaction the job row would only change at commit, so on PostgreSQL
    the count goes through a second connection of its own; SQLite allows one writer at a
    time, so there the bar jumps to the end when the transaction commits."""

    def __init__(self, job: ImportJob, rows: int, stages: tuple[float, ...] = (1.0,)) -> None:
        self.job_id, self.rows = job.pk, max(rows, 1)
        # Where each stage ends on the bar (0–1); ticks move the bar within the current one.
        self.stages, self.current, self.start = stages, 0, 0.0
        self.begun = 0.0  # where the current stage began on the bar
        self.done, self.written = 0, -1
        self.step = max(1, self.rows // 50)
        self.side = None

    @property
    def fraction(self) -> float:
        end = self.stages[self.current]
        return self.start + (end - self.start) * min(self.done, self.rows) / self.rows

    def tick(self) -> None:
        self.done += 1
        if self.done % self.step == 0:
            self._publish()

    def stage(self, fraction: float | None = None) -> None:
        """The current stage is over (or, with `fraction`, that part of it): move on."""
        end = self.stages[self.current]
        if fraction is None:
            self.start = self.begun = end
            self.current = min(self.current + 1, len(self.stages) - 1)
        else:
            self.start = max(self.start, self.begun + (end - self.begun) * min(fraction, 1.0))
        self.done = 0
        self._publish()

    def _publish(self) -> None:
        done = min(int(self.rows * self.fraction), self.rows - 1)
        if done > self.written:
            self.written = done
            self.write(done)

    def write(self, done: int) -> None:
        connection = connections["default"]
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(rows_done=done)
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection("default")
            with self.side.cursor() as cursor:
                cursor.execute(
                    "UPDATE imports_importjob SET rows_done = %s WHERE id = %s", [done, self.job_id]
                )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


# Where the import's stages end on its progress bar: reading and planning, writing, the
# fingerprints and the roll-up; the rest is the commit (nothing left to check: foreign keys
# are checked as the rows go in) and the row report saved on the job. From the worker's run
# of a 100,000-line sheet (bench.imports, two runs): reading and planning 13–19 %, writing
# ~64 %, fingerprints and roll-up ~7 %, the report 7–10 %.
IMPORT_STAGES = (0.18, 0.82, 0.9)


def context_for(job: ImportJob, progress: Progress | None = None) -> ImportContext:
    return ImportContext(
        actor=job.created_by,
        kind=job.kind,
        organisation=job.organisation,
        site=job.site,
        options=ImportOptions.from_json(job.options),
        file_name=job.file_name,
        job_id=job.pk,
        tick=progress.tick if progress else (lambda: None),
        stage=progress.stage if progress else (lambda fraction=None: None),
    )


def previous_import(job: ImportJob) -> ImportJob | None:
    """A finished import of the very same file into the same place."""
    return (
        ImportJob.objects.filter(
            file_sha256=job.file_sha256,
            kind=job.kind,
            organisation=job.organisation,
            site=job.site,
            status=ImportStatus.DONE,
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


def _note_previous_import(job: ImportJob, plan) -> None:
    earlier = previous_import(job)
    if earlier is not None:
        when = timezone.localtime(earlier.finished_at).strftime("%Y-%m-%d %H:%M")
        plan.notes.append(
            _("This file was already imported on %(when)s (import #%(id)d).")
            % {"when": when, "id": earlier.pk}
        )


def _finish(
    job: ImportJob, status: str, plan=None, error: str = "", retryable: bool = False
) -> ImportJob:
    """End a step. A failed job is closed and its file dropped, unless it may be retried (a
    job swept because its worker stopped): then its file stays for the retry."""
    job.status, job.error, job.retryable = status, error, retryable
    if plan is not None:
        job.report = [outcome.as_list() for outcome in plan.outcomes]
        job.totals = plan.totals()
        job.rows_total = job.rows_done = len(plan.outcomes)
    else:
        job.rows_done = job.rows_total
    if status in (ImportStatus.DONE, ImportStatus.FAILED):
        job.finished_at = timezone.now()
    # Only what a step's end changes: the file (megabytes) is not sent back to the database
    # unless it is dropped, and a counter another process moved meanwhile is not overwritten.
    fields = ["status", "error", "retryable", "report", "totals", "rows_total", "rows_done"]
    fields.append("finished_at")
    if status == ImportStatus.FAILED and not retryable:
        job.content = b""  # a failed job is closed; its file is not kept
        fields.append("content")
    job.save(update_fields=fields)
    return job


def job_files_purge(*, days: int | None = None) -> int:
    """Drop the uploaded files of jobs finished more than `days` (the
    IMPORTS_FILE_RETENTION_DAYS setting) ago; their reports stay. Returns how many."""
    keep = settings.IMPORTS_FILE_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=keep)
    return (
        ImportJob.objects.filter(
            status__in=(ImportStatus.DONE, ImportStatus.FAILED), finished_at__lt=cutoff
        )
        .exclude(content=b"")
        .update(content=b"")
    )


def job_fail(job: ImportJob, error: str) -> ImportJob:
    """Give up on a job, saying why (nothing of it was written)."""
    return _finish(job, ImportStatus.FAILED, error=error)


def _unreadable(job: ImportJob, error: BaseException) -> ImportJob:
    """Any other exception of a reader or importer: the job fails saying so, never hangs."""
    logger.exception("import job %s failed", job.pk)
    message = _("The file could not be read (%(error)s); nothing was imported.") % {
        "error": str(error)[:300] or type(error).__name__
    }
    return _finish(job, ImportStatus.FAILED, error=message)


# A step keeps the cyclic garbage collector paused (as `check` and `execute` do) until its
# report is saved: a 100,000-row plan is millions of small objects without cycles, and a
# collector turned on while they are alive walked them in ~140 collections, one a full one
# (1.5–3.3 s of the worker's run); once the step returns they go by reference counting.
@collector_paused()
def job_check(job: ImportJob) -> ImportJob:
    """The preview: every row's outcome and the totals, nothing written. READY, or FAILED
    when the file cannot be read at all."""
    job.content = bytes(job.content)
    progress = Progress(job, job.rows_total)
    try:
        plan = check(job.content, context_for(job, progress))
    except (SheetError, DomainError) as error:
        return _finish(job, ImportStatus.FAILED, error=str(error))
    except Exception as error:  # whatever a damaged file makes a reader raise
        return _unreadable(job, error)
    finally:
        progress.close()
    _note_previous_import(job, plan)
    return _finish(job, ImportStatus.READY, plan)


def job_date_give(*, actor: AbstractBaseUser, job: ImportJob, day: datetime.date) -> ImportJob:
    """The preview asked for the list's date: record it on the job and check again (the
    rows held for want of a date are then planned at that date)."""
    if job.created_by_id != actor.pk:
        raise NotPermitted(_("Only the person who uploaded the sheet may change it."))
    if job.status != ImportStatus.READY:
        raise ValidationFailed(_("This import is no longer waiting for a check."))
    if day > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        options={**job.options, "received_on": day.isoformat()},
        status=ImportStatus.CHECKING,
    )
    if updated != 1:
        raise ValidationFailed(_("This import is no longer waiting for a check."))
    job.refresh_from_db()
    job_queue_check(job)
    return job


def job_start(job: ImportJob) -> bool:
    """Claim a checked job for importing; False if it was not ready or someone else already
    confirmed it (the conditional update's row count says who won)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.IMPORTING, rows_done=0, deliveries=0, step_started_at=timezone.now()
    )
    return claimed == 1


def _already_written(job: ImportJob) -> bool:
    """The import's transaction committed (its rows carry this job) even if the worker died
    before it could say so: running it again would write nothing, so it is done."""
    return ImportedRow.objects.filter(job_id=job.pk).exists()


@collector_paused()
def job_run(job: ImportJob) -> ImportJob:
    """Import a claimed job in one transaction: DONE, or FAILED with the reason and nothing
    written. A second delivery of a run whose transaction committed writes nothing again."""
    job.refresh_from_db()
    if _already_written(job):
        return _finish(job, ImportStatus.DONE)
    job.content = bytes(job.content)
    progress = Progress(job, job.rows_total, IMPORT_STAGES)
    try:
        plan = execute(job.content, context_for(job, progress))
    except ImportRefused as refused:
        message = _("%(n)d row(s) have errors; nothing was imported.") % {
            "n": len(refused.plan.errors)
        }
        return _finish(job, ImportStatus.FAILED, refused.plan, message)
    except (SheetError, DomainError) as error:
        return _finish(job, ImportStatus.FAILED, error=str(error))
    except IntegrityError:
        message = _("Another import wrote some of these rows meanwhile; nothing was imported.")
        return _finish(job, ImportStatus.FAILED, error=message)
    except Exception as error:
        logger.exception("import job %s failed", job.pk)
        message = _("The import failed (%(error)s); nothing was imported.") % {"error": error}
        return _finish(job, ImportStatus.FAILED, error=message)
    finally:
        progress.close()
    _note_previous_import(job, plan)
    return _finish(job, ImportStatus.DONE, plan)


def _dispatch(job_id: int, step: str) -> None:
    """Hand a step to whoever runs imports here, once the job is committed."""
    worker = settings.IMPORTS_WORKER
    if worker == "inline":  # tests only: the test's own transaction is not visible elsewhere
        from imports.tasks import check_import, run_import

        (check_import if step == ImportStatus.CHECKING else run_import)(job_id)
    elif worker == "celery":
        from imports.tasks import check_import, run_import

        task = check_import if step == ImportStatus.CHECKING else run_import
        transaction.on_commit(lambda: task.delay(job_id))
    else:
        from imports.worker import submit

        transaction.on_commit(lambda: submit(job_id, step))


def job_queue_check(job: ImportJob) -> None:
    """Queue the check (preview) of an uploaded job; never read in the caller's thread."""
    _dispatch(job.pk, ImportStatus.CHECKING)


def job_queue_run(job: ImportJob) -> None:
    """Queue the run of a claimed (`job_start`) job."""
    _dispatch(job.pk, ImportStatus.IMPORTING)


def job_sweep(*, older_than: timedelta | None = None) -> list[int]:
    """End every job whose step started longer ago than the limit and is still running —
    its worker died or its message was lost. A run whose transaction committed is DONE; any
    other stuck job FAILS with the reason, and may be retried (`job_retry`). The ids ended."""
    limit = older_than or timedelta(seconds=settings.IMPORTS_STUCK_AFTER_SECONDS)
    cutoff = timezone.now() - limit
    ended = []
    stuck = ImportJob.objects.filter(
        status__in=(ImportStatus.CHECKING, ImportStatus.IMPORTING), step_started_at__lt=cutoff
    ).values_list("pk", "status")
    for pk, status in stuck:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .filter(pk=pk, status=status, step_started_at__lt=cutoff)
                .first()
            )
            if job is None:  # it finished meanwhile
                continue
            if status == ImportStatus.IMPORTING and _already_written(job):
                _finish(job, ImportStatus.DONE)
            else:
                _finish(
                    job,
                    ImportStatus.FAILED,
                    error=_(
                        "The import stopped without finishing (its worker was stopped or ran "
                        "out of time); nothing was imported. You may try it again."
                    ),
                    retryable=True,
                )
        ended.append(pk)
    return ended


def job_retry(job: ImportJob, *, actor: AbstractBaseUser) -> bool:
    """Check a swept job again from the start (the preview, then a fresh confirm). Only its
    uploader may; False if it is not a swept job. Exactly once holds because a confirmed
    run's rows carry fingerprints the database keeps unique."""
    if job.created_by_id != actor.pk:
        return False
    again = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED, retryable=True).update(
        status=ImportStatus.CHECKING,
        retryable=False,
        error="",
        deliveries=0,
        rows_done=0,
        finished_at=None,
        step_started_at=timezone.now(),
    )
    if again:
        job_queue_check(job)
    return again == 1
