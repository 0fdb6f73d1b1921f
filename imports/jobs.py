"""Import jobs, one function per step: create (upload), check (preview), start (confirm),
run (write). Pages, tasks and commands call these; the rules of who may import what live
in `require_importer`.

Large files (`IMPORTS_ASYNC_ROWS`, 50,000 rows by default) are checked and run by Celery
tasks queued after commit; smaller ones in the request that asked.
"""

import datetime
import hashlib
import io
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError, NotPermitted, ValidationFailed
from imports.importers.base import ImportContext, ImportOptions
from imports.models import ImportJob, ImportKind, ImportStatus
from imports.runner import ImportRefused, check, execute, importer_for
from imports.sheets import SheetError
from inventory.models import Organisation, Site
from inventory.permissions import organisation_ids_for
from inventory.selectors import sites_for
from supply_requests.roles import roles_for

logger = logging.getLogger(__name__)

ASYNC_ROWS: int = getattr(settings, "IMPORTS_ASYNC_ROWS", 50_000)
MAX_FILE_BYTES: int = getattr(settings, "IMPORTS_MAX_FILE_BYTES", 50 * 1024 * 1024)


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


def estimate_rows(content: bytes, file_name: str) -> int:
    """Rows in the file without reading it all (decides whether Celery takes it)."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True)
            rows = max((sheet.max_row or 0) for sheet in workbook.worksheets)
            workbook.close()
            return rows
        except Exception:  # an unreadable workbook is reported properly by the check
            return 0
    return content.count(b"\n") + 1


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
    if not content:
        raise ValidationFailed(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 1024 // 1024}
        )
    return ImportJob.objects.create(
        kind=kind,
        organisation=organisation,
        site=site,
        created_by=actor,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        options=(options or ImportOptions()).as_json(),
        rows_total=estimate_rows(content, file_name),
    )


def is_large(job: ImportJob) -> bool:
    return job.rows_total >= ASYNC_ROWS


class Progress:
    """Counts rows and writes the count to the job now and then, where a page can read it.

    Inside the write transaction the job row would only change at commit, so on PostgreSQL
    the count goes through a second connection of its own; SQLite allows one writer at a
    time, so there the bar jumps to the end when the transaction commits."""

    def __init__(self, job: ImportJob, total: int) -> None:
        self.job_id, self.total, self.done = job.pk, max(total, 1), 0
        self.step = max(1, self.total // 50)
        self.side = None

    def tick(self) -> None:
        self.done += 1
        if self.done % self.step == 0:
            self.write(min(self.done, self.total))

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


def _finish(job: ImportJob, status: str, plan=None, error: str = "") -> ImportJob:
    job.status, job.error = status, error
    if plan is not None:
        job.report = [outcome.as_list() for outcome in plan.outcomes]
        job.totals = plan.totals()
        job.rows_total = job.rows_done = len(plan.outcomes)
    else:
        job.rows_done = job.rows_total
    if status in (ImportStatus.DONE, ImportStatus.FAILED):
        job.finished_at = timezone.now()
    if status == ImportStatus.FAILED:
        job.content = b""  # a failed job is closed; its file is not kept
    job.save()
    return job


FILE_RETENTION_DAYS: int = getattr(settings, "IMPORTS_FILE_RETENTION_DAYS", 30)


def job_files_purge(*, days: int | None = None) -> int:
    """Drop the uploaded files of jobs finished more than `days` (the
    IMPORTS_FILE_RETENTION_DAYS setting) ago; their reports stay. Returns how many."""
    keep = FILE_RETENTION_DAYS if days is None else days
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


def job_check(job: ImportJob) -> ImportJob:
    """The preview: every row's outcome and the totals, nothing written. READY, or FAILED
    when the file cannot be read at all."""
    job.content = bytes(job.content)
    progress = Progress(job, job.rows_total)
    try:
        plan = check(job.content, context_for(job, progress))
    except (SheetError, DomainError) as error:
        return _finish(job, ImportStatus.FAILED, error=str(error))
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
        status=ImportStatus.IMPORTING, rows_done=0, deliveries=0
    )
    return claimed == 1


def job_run(job: ImportJob) -> ImportJob:
    """Import a claimed job in one transaction: DONE, or FAILED with the reason and nothing
    written."""
    job.refresh_from_db()
    job.content = bytes(job.content)
    progress = Progress(job, 2 * max(job.rows_total, 1))
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


def job_queue_check(job: ImportJob) -> None:
    """Check now, or — for a large file — in a Celery task once this transaction commits."""
    if is_large(job):
        # Imported here: the tasks module imports this one.
        from imports.tasks import check_import

        transaction.on_commit(lambda: check_import.delay(job.pk))
    else:
        job_check(job)


def job_queue_run(job: ImportJob) -> None:
    if is_large(job):
        # Imported here: the tasks module imports this one.
        from imports.tasks import run_import

        transaction.on_commit(lambda: run_import.delay(job.pk))
    else:
        job_run(job)
