"""Reads of the register. Two kinds, never mixed: the community's own list with personal
fields (logged, workers only) and counts by category for anyone who may see the unit.

`households_reached` is the one read other apps (dashboards, `public`) use: counts only.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from households.access import reads_log, require_personal_access
from households.models import Category, Handover, Household, HouseholdCategory
from inventory.permissions import User
from supply_requests.models import ServedUnit


def households_personal(*, user: User, unit: ServedUnit, purpose: str) -> list[Household]:
    """The unit's households with their personal fields, for its own workers; every row
    read is logged, every refusal too."""
    require_personal_access(user, unit, purpose=purpose)
    households = list(
        Household.objects.filter(served_unit=unit)
        .prefetch_related("categories", "flags")
        .order_by("pk")
    )
    reads_log(user=user, unit=unit, households=households, purpose=purpose)
    return households


def household_personal(*, user: User, household: Household, purpose: str) -> Household:
    require_personal_access(user, household.served_unit, purpose=purpose)
    reads_log(user=user, unit=household.served_unit, households=[household], purpose=purpose)
    return household


def households_of_units(unit_ids: Iterable[int]) -> QuerySet[Household]:
    """Rows only for counting and for services; never render their personal fields."""
    return Household.objects.filter(served_unit_id__in=list(unit_ids))


@dataclass(frozen=True)
class HouseholdSummary:
    households: int = 0
    members: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    reached_last_7_days: int = 0

    def as_dict(self) -> dict:
        return {
            "households": self.households,
            "members": self.members,
            "by_category": dict(self.by_category),
            "reached_last_7_days": self.reached_last_7_days,
        }


def _reached_since(unit_ids: list[int], since: datetime) -> int:
    return (
        Handover.objects.filter(household__served_unit_id__in=unit_ids, handed_over_at__gte=since)
        .values("household_id")
        .distinct()
        .count()
    )


def household_summary(*, unit_ids: Iterable[int], now: datetime | None = None) -> HouseholdSummary:
    """Counts by category, members and households reached in the last 7 days — no person."""
    unit_ids = list(unit_ids)
    now = now or timezone.now()
    totals = Household.objects.filter(served_unit_id__in=unit_ids).aggregate(
        households=Count("pk"), members=Sum("members")
    )
    by_category = Counter(dict.fromkeys(Category.values, 0))
    for row in (
        HouseholdCategory.objects.filter(household__served_unit_id__in=unit_ids)
        .values("category")
        .annotate(n=Count("pk"))
    ):
        by_category[row["category"]] = row["n"]
    return HouseholdSummary(
        households=totals["households"] or 0,
        members=totals["members"] or 0,
        by_category=dict(by_category),
        reached_last_7_days=_reached_since(unit_ids, now - timedelta(days=7)),
    )


def households_reached(
    *, unit_ids: Iterable[int] | None = None, since: datetime | None = None
) -> dict[str, int]:
    """For other apps (issue 21's public pages, dashboards): how many households are
    registered and how many received something (since `since`, else ever), in these units
    (else everywhere). Counts only — no id, no name, no address."""
    households = Household.objects.all()
    if unit_ids is not None:
        households = households.filter(served_unit_id__in=list(unit_ids))
    registered = households.count()
    ids = list(households.values_list("served_unit_id", flat=True).distinct())
    since = since or datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone())
    return {"registered": registered, "reached": _reached_since(ids, since) if ids else 0}
