import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from demo.scale.generate import generate
from demo.scale.tiers import TIERS


class Command(BaseCommand):
    help = (
        "Fill the database with reproducible synthetic data at a scale tier (small: 10 sites, "
        "100 items, 100 units, 10k movements; medium: 50/200/300/100k; large: 200/300/1,000/"
        "1M movements and 100k requests). Bulk-written (COPY on PostgreSQL); the ledger stays "
        "true: run verify_ledger after."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tier", choices=sorted(TIERS), default="small")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--prefix", default="", help="code prefix, so several tiers can share a database"
        )

    def handle(self, *args, tier: str, seed: int, prefix: str, **options) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            written = generate(TIERS[tier], seed=seed, prefix=prefix)
        # The dashboards' daily roll-up follows the ledger: rebuild it from what was written.
        call_command("rebuild_rollups", verbosity=0)
        if connection.vendor == "postgresql":
            # Statistics for the planner now, as after any bulk load: until autovacuum gets
            # to them it plans the first reads for tables a tenth of their size.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        for label, count in written.items():
            self.stdout.write(f"{label:40} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"tier {tier} (seed {seed}) written in {elapsed:.1f} s; roll-ups rebuilt"
            )
        )
