"""The bookkeeping of spreadsheet imports: each upload (a job) and each row it brought in.

A job keeps the uploaded file itself, so the preview, the confirmed import and a Celery
worker on another machine all read the same bytes. `ImportedRow` remembers the fingerprint
of every row that was written: importing the same rows again (the same file, or a longer
version of it) recognises them and writes nothing twice — the unique constraint holds even
when two people confirm the same sheet at the same moment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import Organisation, Site


class ImportKind(models.TextChoices):
    ITEMS = "items", _("Item catalogue")
    SITES = "sites", _("Sites")
    SERVED_UNITS = "served_units", _("Served units")
    DONATIONS = "donations", _("Donations received")
    DISTRIBUTIONS = "distributions", _("Historical distributions")
    REQUESTS = "requests", _("Supply requests")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class RowStatus(models.TextChoices):
    NEW = "new", _("New")
    MERGED = "merged", _("Merged")
    SKIPPED = "skipped", _("Skipped")
    REVIEW = "review", _("Held for review")
    ERROR = "error", _("Error")


class ImportJob(models.Model):
    """One uploaded sheet: checked (preview), then imported in one transaction, or failed."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    content = models.BinaryField(_("file content"))
    options = models.JSONField(_("options"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    # Per row: [row number, status, message, summary]; the preview and the final report.
    report = models.JSONField(_("row report"), default=list, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    # Deliveries of the current step's Celery task. Tasks are acknowledged late, so a sheet
    # that kills its worker (out of memory, say) is delivered again; `imports.tasks` fails
    # the job after a few rather than letting it take every worker down in turn.
    deliveries = models.PositiveSmallIntegerField(_("task deliveries"), default=0, editable=False)
    # When the current step (check or import) last started: a job still running long after
    # is stuck (its worker died), and the sweeper ends it so it can be retried.
    step_started_at = models.DateTimeField(_("step started at"), null=True, blank=True)
    retryable = models.BooleanField(_("may be retried"), default=False, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status"], name="importjob_kind_status")]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.get_kind_display()} {self.file_name} ({self.get_status_display()})"
        )

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.FAILED) else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportedRow(models.Model):
    """A row that an import wrote, by fingerprint: 64 bits of the SHA-256 of its normalised
    content, of where it went (kind, organisation, site) and of which occurrence of identical
    rows in its file it is. 64 bits keep the unique index small, so writing 100,000 of them
    stays cheap; a collision needs billions of rows in one place."""

    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="imported_rows")
    fingerprint = models.BigIntegerField()
    row_number = models.PositiveIntegerField()
    document_type = models.CharField(max_length=40, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], name="importedrow_unique_fingerprint")
        ]

    def __str__(self) -> str:
        return f"row {self.row_number} of import #{self.job_id}"
