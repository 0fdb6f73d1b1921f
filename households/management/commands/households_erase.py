"""Erase the personal fields of households whose isolation ended long enough ago."""

from django.core.management.base import BaseCommand

from households.services import household_erase_due


class Command(BaseCommand):
    help = "Erase personal fields of households past isolation + HOUSEHOLDS_ERASE_AFTER_DAYS."

    def handle(self, *args, **options) -> None:
        erased = household_erase_due()
        self.stdout.write(f"{erased} household(s) erased.")
