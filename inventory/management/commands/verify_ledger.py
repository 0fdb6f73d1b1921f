from django.core.management.base import BaseCommand

from inventory.models import Lot, Site
from inventory.selectors import balance_lot_mismatches, ledger_mismatches


class Command(BaseCommand):
    help = (
        "Recompute every stock balance from the ledger; exit 1 and list the differences if "
        "any balance disagrees with the sum of its movements, or with its lot's item or expiry."
    )

    def handle(self, *args, **options) -> None:
        mismatches = ledger_mismatches()
        copies = balance_lot_mismatches()
        if not mismatches and not copies:
            self.stdout.write(self.style.SUCCESS("Ledger OK: every balance equals its movements."))
            return
        sites = Site.objects.in_bulk(
            {m.site_id for m in mismatches} | {site_id for site_id, _lot in copies}
        )
        lots = Lot.objects.select_related("item").in_bulk(
            {m.lot_id for m in mismatches} | {lot_id for _site, lot_id in copies}
        )
        for m in mismatches:
            self.stderr.write(
                f"MISMATCH site={sites[m.site_id].code} lot={m.lot_id} ({lots[m.lot_id]}): "
                f"balance on_hand={m.balance_on_hand} ledger sum={m.ledger_sum}"
            )
        for site_id, lot_id in copies:
            self.stderr.write(
                f"MISMATCH site={sites[site_id].code} lot={lot_id} ({lots[lot_id]}): "
                "the balance's item or expiry differs from its lot's"
            )
        self.stderr.write(
            self.style.ERROR(
                f"{len(mismatches) + len(copies)} balance(s) disagree with the ledger or their lot"
            )
        )
        raise SystemExit(1)
