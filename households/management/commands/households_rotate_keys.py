"""Re-encrypt every household under the first HOUSEHOLDS_ENCRYPTION_KEYS key, and recompute
the duplicate hashes (so a new HOUSEHOLDS_HASH_KEY takes effect too).

Rotation: 1. put the new Fernet key first in HOUSEHOLDS_ENCRYPTION_KEYS (keep the old one
after it); 2. run this command; 3. remove the old key. Safe to run twice."""

from django.core.management.base import BaseCommand
from django.db import transaction

from households import crypto
from households.models import Household

ENCRYPTED = ("contact_name", "phone", "building", "unit_no", "room", "notes")


class Command(BaseCommand):
    help = "Re-encrypt household personal fields under the current key; recompute hashes."

    def handle(self, *args, **options) -> None:
        done = 0
        ids = list(Household.objects.filter(erased_at__isnull=True).values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            with transaction.atomic():
                rows = Household.objects.select_for_update(of=("self",)).filter(
                    pk__in=ids[start : start + 500]
                )
                for household in rows:
                    # Read decrypts with any key; save encrypts with the first.
                    household.phone_hash = crypto.keyed_hash(
                        crypto.normalise_phone(household.phone)
                    )
                    household.address_hash = crypto.keyed_hash(
                        crypto.normalise_address(
                            household.building, household.unit_no, household.room
                        )
                    )
                    household.save(update_fields=[*ENCRYPTED, "phone_hash", "address_hash"])
                    done += 1
        self.stdout.write(f"{done} household(s) re-encrypted.")
