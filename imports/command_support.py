"""What the import_* management commands share: arguments, the acting user, the run, and
the printed summary (rows read, lines imported, quantities per unit, every skipped, held or
failed row with its number and reason)."""

import hashlib
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from imports.importers.base import ImportContext, ImportOptions, Plan
from imports.jobs import require_importer
from imports.models import ImportJob, ImportStatus, RowStatus
from imports.runner import ImportRefused, check, execute
from imports.sheets import SheetError
from imports.upload_limits import inspect_upload
from inventory.models import Organisation, Site


def _headings() -> dict[str, str]:
    return {
        RowStatus.SKIPPED: _("Rows skipped"),
        RowStatus.REVIEW: _("Rows held for review (not imported)"),
        RowStatus.ERROR: _("Rows with errors"),
    }


class ImportCommand(BaseCommand):
    kind: str
    with_site = False
    with_organisation = False
    with_items = False
    with_receivers = False
    with_submit = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the sheet: .xlsx or .csv (UTF-8, UTF-8 BOM, GB18030)")
        if self.with_organisation or self.with_site:
            parser.add_argument("--organisation", required=True, help="organisation code")
        if self.with_site:
            parser.add_argument("--site", required=True, help="site code")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows, list the invalid ones, exit 0",
        )
        if self.with_items:
            parser.add_argument(
                "--create-missing-items",
                action="store_true",
                help="create items not in the catalogue (category guessed, marked for review)",
            )
        if self.with_receivers:
            parser.add_argument(
                "--create-missing-receivers",
                action="store_true",
                help="create unknown receivers as served units of kind 'other' (code review-…)",
            )
        if self.with_submit:
            parser.add_argument("--submit", action="store_true", help="submit the requests")
        if self.kind in ("donations", "distributions"):
            parser.add_argument(
                "--received-on",
                type=date.fromisoformat,
                help="date of the list when neither a date column nor its title or footer "
                "gives one (otherwise such rows are held for review)",
            )
        parser.add_argument("--user", help="username to act as (default: the first superuser)")

    def _actor(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(f"No active user {username!r}." if username else "Name a --user.")
        return actor

    def _place(self, options) -> tuple[Organisation | None, Site | None]:
        organisation = site = None
        if options.get("organisation"):
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with code {options['organisation']!r}.")
        if options.get("site"):
            site = Site.objects.filter(code=options["site"], organisation=organisation).first()
            if site is None:
                raise CommandError(
                    f"No site {options['site']!r} in organisation {options['organisation']!r}."
                )
        return organisation, site

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        content = path.read_bytes()
        actor = self._actor(options.get("user"))
        organisation, site = self._place(options)
        import_options = ImportOptions(
            create_missing_items=options.get("create_missing_items", False),
            create_missing_receivers=options.get("create_missing_receivers", False),
            skip_invalid=options["skip_invalid"],
            submit=options.get("submit", False),
            received_on=options.get("received_on"),
        )
        try:
            require_importer(actor, self.kind, organisation, site)
            # The command reads in its own process, but the same bounds hold: a bomb file
            # would take the machine the command runs on.
            inspect_upload(content, path.name)
            context = ImportContext(
                actor=actor,
                kind=self.kind,
                organisation=organisation,
                site=site,
                options=import_options,
                file_name=path.name,
            )
            plan = self._run(content, context, dry_run=options["dry_run"])
        except ImportRefused as refused:
            self._summary(refused.plan, path)
            raise CommandError(
                _(
                    "%(n)d row(s) have errors: nothing was imported. Fix them, or use "
                    "--skip-invalid to import the valid rows."
                )
                % {"n": len(refused.plan.errors)}
            ) from None
        except (SheetError, DomainError) as error:
            raise CommandError(str(error)) from None
        self._summary(plan, path)
        written = plan.count(RowStatus.NEW) + plan.count(RowStatus.MERGED)
        if options["dry_run"]:
            self.stdout.write(
                _("Dry run: nothing written (%(n)d line(s) would be imported).") % {"n": written}
            )
            if plan.errors and not import_options.skip_invalid:
                raise CommandError(_("%(n)d row(s) have errors.") % {"n": len(plan.errors)})
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported %(n)d line(s).") % {"n": written}))

    def _run(self, content: bytes, context: ImportContext, *, dry_run: bool) -> Plan:
        if dry_run:
            return check(content, context)
        job = ImportJob.objects.create(
            kind=self.kind,
            status=ImportStatus.IMPORTING,
            organisation=context.organisation,
            site=context.site,
            created_by=context.actor,
            file_name=context.file_name,
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            options=context.options.as_json(),
        )
        context.job_id = job.pk
        try:
            plan = execute(content, context)
        except ImportRefused as refused:
            self._close(job, ImportStatus.FAILED, refused.plan)
            raise
        except BaseException as error:
            # Never leave a job "importing" with its file held: close it, say why, drop the file.
            job.status, job.finished_at, job.content = ImportStatus.FAILED, timezone.now(), b""
            job.error = str(error)[:2000] or error.__class__.__name__
            job.save()
            raise
        self._close(job, ImportStatus.DONE, plan)
        return plan

    def _close(self, job: ImportJob, status: str, plan: Plan) -> None:
        job.status, job.finished_at = status, timezone.now()
        if status == ImportStatus.FAILED:
            job.content = b""  # nothing was written; the file is not kept
        job.report = [outcome.as_list() for outcome in plan.outcomes]
        job.totals = plan.totals()
        job.rows_total = job.rows_done = len(plan.outcomes)
        with transaction.atomic():
            job.save()

    def _summary(self, plan: Plan, path: Path) -> None:
        totals = plan.totals()
        self.stdout.write(
            _("%(file)s: %(rows)d row(s) read.") % {"file": path.name, "rows": totals["rows"]}
        )
        for note in plan.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(
            "  "
            + _(
                "new: %(new)d  merged: %(merged)d  skipped: %(skipped)d  "
                "held for review: %(review)d  errors: %(error)d"
            )
            % totals
        )
        if totals["quantities"]:
            quantities = " · ".join(f"{qty:,} {unit}" for unit, qty in totals["quantities"].items())
            self.stdout.write("  " + _("quantities: %(q)s") % {"q": quantities})
        for status, heading in _headings().items():
            rows = [outcome for outcome in plan.outcomes if outcome.status == status]
            if rows:
                self.stdout.write(f"{heading}:")
                for outcome in rows:
                    self.stdout.write(
                        "  "
                        + _("row %(row)d: %(why)s")
                        % {"row": outcome.number, "why": outcome.message}
                    )
