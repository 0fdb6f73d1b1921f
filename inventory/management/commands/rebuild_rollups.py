from datetime import date

from django.core.management.base import BaseCommand, CommandError

from inventory.services.ledger import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the daily stock roll-up from the ledger (all days, or from --since on) and "
        "write the rows that differ; idempotent. With --check, write nothing and exit 1 if any "
        "row differs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            help="first day to recompute (YYYY-MM-DD); later days follow, since on-hand carries",
        )
        parser.add_argument(
            "--check", action="store_true", help="only compare; exit 1 on any difference"
        )

    def handle(self, *args, since: date | None = None, check: bool = False, **options) -> None:
        result = rollups_rebuild(since=since, dry_run=check)
        scope = f"from {since}" if since else "all days"
        summary = (
            f"{scope}: {result.unchanged} row(s) right, {result.created} missing, "
            f"{result.updated} wrong, {result.deleted} stale"
        )
        if check and result.changed:
            raise CommandError(f"Roll-up differs from the ledger ({summary})", returncode=1)
        verb = "Roll-up checked" if check else "Roll-up rebuilt"
        self.stdout.write(self.style.SUCCESS(f"{verb}, {summary}."))
