"""Retention: a household's personal fields are erased a set period after its isolation
ended (`HOUSEHOLDS_ERASE_AFTER_DAYS`, default 90). The row, its members, categories and
handovers stay, so every count stays true; what made it a person is gone."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from households.models import DuplicateFlag, Household

PERSONAL_FIELDS = ("contact_name", "phone", "building", "unit_no", "room", "notes")


def household_erase_due(*, today: date | None = None) -> int:
    """Erase every household whose isolation ended more than the period ago; returns how
    many. Idempotent: erased rows are not touched again."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.HOUSEHOLDS_ERASE_AFTER_DAYS)
    due = Household.objects.filter(erased_at__isnull=True, isolation_until__lt=cutoff)
    with transaction.atomic():
        ids = list(due.select_for_update(of=("self",)).values_list("pk", flat=True))
        if not ids:
            return 0
        # An update, not save(): "" is stored as "" (never encrypted), so nothing is left.
        Household.objects.filter(pk__in=ids).update(
            **dict.fromkeys(PERSONAL_FIELDS, ""),
            phone_hash="",
            address_hash="",
            erased_at=timezone.now(),
        )
        DuplicateFlag.objects.filter(household_id__in=ids).delete()
        DuplicateFlag.objects.filter(other_id__in=ids).delete()
    return len(ids)
