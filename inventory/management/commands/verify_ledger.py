from django.core.management.base import BaseCommand

from inventory.models import Lot, Site
from inventory.selectors import ledger_mismatches


class Command(BaseCommand):
    help = (
        "Recompute every stock balance from the ledger; exit 1 and list the differences if "
        "any balance disagrees with the sum of its movements."
    )

    def handle(self, *args, **options) -> None:
        mismatches = ledger_mismatches()
        if not mismatches:
            self.stdout.write(self.style.SUCCESS("Ledger OK: every balance equals its movements."))
            return
        sites = Site.objects.in_bulk({m.site_id for m in mismatches})
        lots = Lot.objects.select_related("item").in_bulk({m.lot_id for m in mismatches})
        for m in mismatches:
            self.stderr.write(
                f"MISMATCH site={sites[m.site_id].code} lot={m.lot_id} ({lots[m.lot_id]}): "
                f"balance on_hand={m.balance_on_hand} ledger sum={m.ledger_sum}"
            )
        self.stderr.write(
            self.style.ERROR(f"{len(mismatches)} balance(s) disagree with the ledger")
        )
        raise SystemExit(1)
