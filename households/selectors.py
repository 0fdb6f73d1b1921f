"""Reads of the register. Two kinds, never mixed: the community's own list with personal
fields (logged, workers only) and counts by category for anyone who may see the unit.

`households_reached` is the one read other apps (dashboards, `public`) use: counts only.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from households.access import can_read_personal, reads_log, require_personal_access
from households.crypto import mask_phone
from households.models import (
    VULNERABLE,
    Category,
    Handover,
    Household,
    HouseholdCategory,
    Round,
    RoundStatus,
)
from inventory.models import MovementKind, StockMovement
from inventory.permissions import User
from supply_requests.models import ServedUnit
from supply_requests.roles import roles_for


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


class PersonalRegister(Sequence):
    """The unit's households with their personal fields, for its own workers, read one
    slice at a time (a page of `Paginator`, ninja's `Page`): the count and each slice are a
    fixed few statements whatever the register's size, and only the rows of a slice read
    are logged. Access is checked (and a refusal logged) when it is made.

    In the order of registration (`pk`), or `by_address` (building, unit, room): the
    addresses are encrypted, so that order is found from the keys alone (one statement,
    decrypted here, nothing logged, as nothing of them is shown) before the slice is read."""

    def __init__(self, *, user: User, unit: ServedUnit, purpose: str, by_address: bool = False):
        require_personal_access(user, unit, purpose=purpose)
        self.user, self.unit, self.purpose = user, unit, purpose
        self.households = Household.objects.filter(served_unit=unit).order_by("pk")
        self.by_address = by_address
        self._keys: list[int] | None = None
        self._count: int | None = None

    def _ordered_keys(self) -> list[int]:
        if self._keys is None:
            rows = self.households.values_list("pk", "building", "unit_no", "room")
            self._keys = [pk for pk, *_address in sorted(rows, key=lambda row: (*row[1:], row[0]))]
        return self._keys

    def __len__(self) -> int:
        if self.by_address:
            return len(self._ordered_keys())
        if self._count is None:
            self._count = self.households.count()
        return self._count

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            start = index if index >= 0 else len(self) + index
            rows = self[start : start + 1] if start >= 0 else []
            if not rows:
                raise IndexError(index)
            return rows[0]
        if self.by_address:
            keys = self._ordered_keys()[index]
            found = self.households.filter(pk__in=keys).prefetch_related("categories", "flags")
            by_pk = {household.pk: household for household in found}
            rows = [by_pk[pk] for pk in keys if pk in by_pk]
        else:
            rows = list(self.households[index].prefetch_related("categories", "flags"))
        reads_log(user=self.user, unit=self.unit, households=rows, purpose=self.purpose)
        return rows


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


# --- Rounds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Door:
    """One door of a round as its reader may see it (a volunteer: phone masked)."""

    stop_id: int
    position: int
    household_id: int
    address: str
    contact_name: str
    phone: str
    members: int
    item: str
    quantity: int
    outcome: str
    outcome_label: str
    outcome_at: datetime | None


def rounds_open_for(user: User) -> QuerySet[Round]:
    """The open rounds a volunteer (or worker) walks: her own."""
    return Round.objects.filter(volunteer_id=user.pk, status=RoundStatus.OPEN).select_related(
        "served_unit"
    )


def rounds_visible(user: User) -> QuerySet[Round]:
    """Rounds of the communities the user works for, and her own rounds as a volunteer."""
    return Round.objects.filter(
        Q(served_unit_id__in=roles_for(user).worker_unit_ids) | Q(volunteer_id=user.pk)
    ).select_related("served_unit", "volunteer")


def round_doors(*, user: User, round_: Round) -> list[Door]:
    """The door list: workers of the community read it in full; the round's volunteer
    reads it while the round is open, phone masked. Every door read is logged."""
    worker = can_read_personal(user, round_.served_unit)
    round_.refresh_from_db(fields=["status"])
    if not worker and not (user.pk == round_.volunteer_id and round_.status == RoundStatus.OPEN):
        require_personal_access(user, round_.served_unit, purpose="round")
    stops = list(round_.stops.select_related("household", "item").order_by("position", "pk"))
    reads_log(
        user=user,
        unit=round_.served_unit,
        households=[s.household for s in stops],
        purpose="round",
    )
    return [
        Door(
            stop_id=s.pk,
            position=s.position,
            household_id=s.household_id,
            address=s.household.address,
            contact_name=s.household.contact_name,
            phone=s.household.phone if worker else mask_phone(s.household.phone),
            members=s.household.members,
            item=s.item.name_zh,
            quantity=s.quantity,
            outcome=s.outcome,
            outcome_label=s.get_outcome_display(),
            outcome_at=s.outcome_at,
        )
        for s in stops
    ]


# --- What coordinators see: counts per community, no person ---------------------------------


@dataclass(frozen=True)
class CommunityReach:
    unit_id: int
    households: int
    members: int
    by_category: dict[str, int]
    vulnerable: int
    reached_last_7_days: int
    vulnerable_unreached: int
    # Days since the household waiting longest got anything (since registration if never).
    longest_wait_days: int


def community_reach(
    *, unit_ids: Iterable[int], now: datetime | None = None
) -> list[CommunityReach]:
    """Per community with a register: households by category, reached in the last 7 days,
    vulnerable households not reached, and the longest wait since a last handover. Two
    queries whatever the number of households; no id, name or address leaves."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    unit_ids = list(unit_ids)
    rows = list(
        Household.objects.filter(served_unit_id__in=unit_ids)
        .annotate(last=Max("handovers__handed_over_at"))
        .values_list("pk", "served_unit_id", "members", "created_at", "last")
    )
    categories: dict[int, set[str]] = {}
    for household_id, category in HouseholdCategory.objects.filter(
        household__served_unit_id__in=unit_ids
    ).values_list("household_id", "category"):
        categories.setdefault(household_id, set()).add(category)
    per_unit: dict[int, list] = {}
    for row in rows:
        per_unit.setdefault(row[1], []).append(row)
    reach = []
    for unit_id, unit_rows in per_unit.items():
        by_category = Counter(dict.fromkeys(Category.values, 0))
        vulnerable = reached = unreached = 0
        longest = 0
        for household_id, _unit, _members, created_at, last in unit_rows:
            cats = categories.get(household_id, set())
            by_category.update(cats)
            is_reached = last is not None and last >= week_ago
            reached += is_reached
            if cats & VULNERABLE:
                vulnerable += 1
                unreached += not is_reached
            longest = max(longest, (now - (last or created_at)).days)
        reach.append(
            CommunityReach(
                unit_id=unit_id,
                households=len(unit_rows),
                members=sum(r[2] for r in unit_rows),
                by_category=dict(by_category),
                vulnerable=vulnerable,
                reached_last_7_days=reached,
                vulnerable_unreached=unreached,
                longest_wait_days=longest,
            )
        )
    return sorted(reach, key=lambda r: (-r.vulnerable_unreached, -r.longest_wait_days, r.unit_id))


def households_reached_by_lot(lot_ids: Iterable[int]) -> dict[int, int]:
    """How many households each donor's lot reached (through handovers posted out of a
    community's stock, kits included via their own lot) — a number per lot, no person."""
    return _households_reached(Q(lot_id__in=list(lot_ids)), per="lot_id")


def households_reached_by_item(lots: QuerySet) -> dict[int, int]:
    """Per item, how many different households the goods of `lots` reached (handed over
    from a community's stock, at a door or on a round): a count, never a person. A kit is
    its own lot: goods given as parts of kits are counted under the kit, not here."""
    return _households_reached(Q(lot__in=lots), per="item_id")


def _households_reached(movements: Q, *, per: str) -> dict[int, int]:
    """Different households reached per `per` (a movement column) by the handovers among
    `movements`. Two queries, whatever the number of lots or handovers."""
    pairs = list(
        StockMovement.objects.filter(
            movements, kind=MovementKind.HANDOVER, document_type="household_handover"
        )
        .values_list(per, "document_id")
        .distinct()
        .order_by()
    )
    household_of = dict(
        Handover.objects.filter(pk__in={handover for _key, handover in pairs}).values_list(
            "pk", "household_id"
        )
    )
    reached: dict[int, set[int]] = {}
    for key, handover in pairs:
        reached.setdefault(key, set()).add(household_of[handover])
    return {key: len(households) for key, households in reached.items()}
