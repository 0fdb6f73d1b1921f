"""manage.py import_households FILE --unit CODE --as USERNAME [--dry-run] [--skip-invalid]

Issue 20: register a community's households from a sheet (`imports.households_sheet`), as
one of its community workers; row number and reason for every row that cannot be."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.exceptions import NotPermitted
from imports.households_sheet import households_import
from imports.sheets import SheetError
from supply_requests.models import ServedUnit


class Command(BaseCommand):
    help = "Register a community's households from a spreadsheet (all rows or none)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="the community's code")
        parser.add_argument("--as", dest="username", required=True, help="a worker of it")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--skip-invalid", action="store_true")

    def handle(self, *args, **options) -> None:
        translation.activate("zh-hans")
        unit = ServedUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No served unit with code {options['unit']!r}")
        actor = get_user_model().objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"No user {options['username']!r}")
        path = Path(options["file"])
        try:
            report = households_import(
                actor=actor,
                unit=unit,
                content=path.read_bytes(),
                filename=path.name,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
        except (OSError, SheetError, NotPermitted) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        for number, reason in report.errors:
            self.stderr.write(f"row {number}: {reason}")
        verb = (
            "registered"
            if report.written
            else "would register"
            if options["dry_run"]
            else "registered none of"
        )
        self.stdout.write(
            f"{len(report.registered)} household(s) {verb}; {len(report.errors)} row error(s)."
        )
        if report.errors and not options["skip_invalid"]:
            raise SystemExit(1)
