"""Run one step of one import job in this process: what the embedded default's bounded
worker (`imports.worker`) starts as a child with capped memory and time."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.models import ImportStatus
from imports.tasks import check_import, run_import


class Command(BaseCommand):
    help = "Check or run one import job (used by the embedded import worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job_id", type=int)
        parser.add_argument("step", choices=[ImportStatus.CHECKING, ImportStatus.IMPORTING])

    def handle(self, *args, **options) -> None:
        step = check_import if options["step"] == ImportStatus.CHECKING else run_import
        try:
            self.stdout.write(step(options["job_id"]))
        except MemoryError as error:  # the cap was reached: the parent fails the job
            raise CommandError("out of memory") from error
