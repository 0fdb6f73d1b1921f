"""End import jobs stuck in checking/importing past the time limit (their worker died or
their message was lost), so they can be retried. Also a beat task (imports.tasks)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from imports.jobs import job_sweep


class Command(BaseCommand):
    help = "Fail import jobs stuck past the time limit so they can be retried."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, help="seconds (default: IMPORTS_STUCK_AFTER_SECONDS)"
        )

    def handle(self, *args, **options) -> None:
        seconds = options.get("older_than")
        ended = job_sweep(older_than=timedelta(seconds=seconds) if seconds else None)
        self.stdout.write(f"{len(ended)} stuck import job(s) ended: {ended}")
