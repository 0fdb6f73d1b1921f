"""Fair-share planning for shortages: who gets how much of a scarce item.

Pure functions over plain data (no database), so the rules can be read, tested with
hypothesis and timed in isolation:

1. **Priority tiers first.** Tier 0 is frontline medical units and critical requests, then
   high, normal, low. A tier is served in full before the next one gets anything.
2. **Inside a tier, max-min ("water-filling") weighted by need, per served unit.** All the
   open lines of one unit for the item (in one tier) are one claimant with one weight — its
   need — however many requests carry them, so filing two requests gains nothing. Every
   claimant gets the same share per unit of need — the water level — unless that is more
   than its outstanding approved quantity, in which case it gets exactly what is
   outstanding and the rest flows to the others. So no unit's share per need can be raised
   without lowering one that is already smaller.
3. **Whole units.** Each claimant gets its exact share rounded down or up (never off by more
   than one); the leftover units go to the largest remainders, ties broken by the claimant's
   first line id, so the same input always gives the same plan. A unit's share is then
   given to its lines oldest first.

Reasons are codes (`WHY`), translated where they are shown, never stored as English.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

TIER_LABELS = {
    0: _("frontline medical or critical"),
    1: _("high"),
    2: _("normal"),
    3: _("low"),
}
# Why a claimant got what it got: the code is stored, the words are looked up when shown.
FULL_BELOW_SHARE = "full_below_share"
FAIR_SHARE = "fair_share"
FULL_TIER = "full_tier"
NOTHING_LEFT = "nothing_left"
WHY = {
    FULL_BELOW_SHARE: _("full: its outstanding quantity is below the fair share"),
    FAIR_SHARE: _("fair share of a short tier, in proportion to need"),
    FULL_TIER: _("full: enough stock for the whole tier"),
    NOTHING_LEFT: _("nothing: stock ran out in a higher-priority tier"),
}


@dataclass(frozen=True, slots=True)
class Demand:
    """One approved request line still waiting for stock."""

    line_id: int
    item_id: int
    tier: int
    need: int  # weight, ≥ 1: the unit's, the same on every line of the unit
    outstanding: int  # approved minus already allocated, ≥ 1
    unit_id: int | None = None  # lines of one unit (and tier) share one weight; None: alone


@dataclass(frozen=True, slots=True)
class Share:
    line_id: int
    item_id: int
    tier: int
    need: int
    outstanding: int
    quantity: int
    level: Fraction | None  # the tier's water level (share per need), None if not reached
    why: str  # a code, see `WHY`
    unit_id: int | None = None
    unit_quantity: int = 0  # what the unit gets in all (its lines of this item and tier)


def _water_fill(demands: Sequence[Demand], supply: int) -> list[Share]:
    """Split `supply` (< total outstanding) over one tier, max-min by need, in whole units."""
    # Order by the level at which each line saturates. A float key is exact enough to order
    # (quantities stay far below 2**53) and ~2x cheaper than Fraction; the saturation test
    # itself below is exact integer arithmetic.
    by_saturation = sorted(demands, key=lambda d: (d.outstanding / d.need, d.line_id))
    remaining, weight = supply, sum(d.need for d in demands)
    saturated: list[Demand] = []
    for position, demand in enumerate(by_saturation):
        # The line is filled completely if its outstanding/need ≤ the level remaining/weight.
        if demand.outstanding * weight <= remaining * demand.need:
            saturated.append(demand)
            remaining -= demand.outstanding
            weight -= demand.need
        else:
            rest = by_saturation[position:]
            break
    else:
        rest = []
    level = Fraction(remaining, weight) if weight else None
    shares = [
        Share(
            d.line_id,
            d.item_id,
            d.tier,
            d.need,
            d.outstanding,
            d.outstanding,
            level,
            FULL_BELOW_SHARE,
            d.unit_id,
            d.outstanding,
        )
        for d in saturated
    ]
    floors = {d.line_id: remaining * d.need // weight for d in rest}
    leftover = remaining - sum(floors.values())
    # Largest remainder first; the remainder of line d is (remaining * need) mod weight.
    by_remainder = sorted(rest, key=lambda d: (-(remaining * d.need % weight), d.line_id))
    bonus = {d.line_id for d in by_remainder[:leftover]}
    shares.extend(
        Share(
            d.line_id,
            d.item_id,
            d.tier,
            d.need,
            d.outstanding,
            floors[d.line_id] + (d.line_id in bonus),
            level,
            FAIR_SHARE,
            d.unit_id,
            floors[d.line_id] + (d.line_id in bonus),
        )
        for d in rest
    )
    return shares


def fair_shares(demands: Iterable[Demand], supply: int) -> list[Share]:
    """Split `supply` of one item over its demands: tiers in order, max-min inside a tier,
    one claimant per served unit (its lines' outstanding summed, its need counted once)."""
    groups: dict[tuple, list[Demand]] = {}
    for demand in demands:
        key = (demand.tier, demand.line_id if demand.unit_id is None else -1, demand.unit_id)
        members = groups.get(key)
        if members is None:
            groups[key] = [demand]
        else:
            members.append(demand)
    # A unit with one line is its own claimant (the common case, and no new objects); a unit
    # with several becomes one claimant holding their sum, named by its first line.
    claimants: dict[int, list[Demand]] = {}
    merged: list[Demand] = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(members[0])
            continue
        members.sort(key=lambda d: d.line_id)
        first = members[0]
        claimants[first.line_id] = members
        merged.append(
            Demand(
                line_id=first.line_id,
                item_id=first.item_id,
                tier=first.tier,
                need=max(d.need for d in members),
                outstanding=sum(d.outstanding for d in members),
                unit_id=first.unit_id,
            )
        )
    shares: list[Share] = []
    for claim in _claimant_shares(merged, supply):
        members = claimants.get(claim.line_id)
        if members is None:
            shares.append(claim)
            continue
        # The unit's share goes to its lines oldest first.
        left = claim.quantity
        for demand in members:
            take = min(left, demand.outstanding)
            left -= take
            shares.append(
                Share(
                    demand.line_id,
                    demand.item_id,
                    demand.tier,
                    claim.need,
                    demand.outstanding,
                    take,
                    claim.level,
                    claim.why,
                    demand.unit_id,
                    claim.quantity,
                )
            )
    shares.sort(key=lambda s: s.line_id)
    return shares


def _claimant_shares(demands: Iterable[Demand], supply: int) -> list[Share]:
    """Tiers in order, max-min inside a tier, over claimants (one `Demand` each)."""
    tiers: dict[int, list[Demand]] = defaultdict(list)
    for demand in demands:
        tiers[demand.tier].append(demand)
    shares: list[Share] = []
    remaining = max(supply, 0)
    for tier in sorted(tiers):
        members = tiers[tier]
        total = sum(d.outstanding for d in members)
        if remaining >= total:
            shares.extend(
                Share(
                    d.line_id,
                    d.item_id,
                    d.tier,
                    d.need,
                    d.outstanding,
                    d.outstanding,
                    None,
                    FULL_TIER,
                    d.unit_id,
                    d.outstanding,
                )
                for d in members
            )
            remaining -= total
        elif remaining > 0:
            shares.extend(_water_fill(members, remaining))
            remaining = 0
        else:
            shares.extend(
                Share(
                    d.line_id,
                    d.item_id,
                    d.tier,
                    d.need,
                    d.outstanding,
                    0,
                    None,
                    NOTHING_LEFT,
                    d.unit_id,
                    0,
                )
                for d in members
            )
    return shares


@dataclass(frozen=True, slots=True)
class SitePick:
    line_id: int
    site_id: int
    quantity: int


def assign_sites(shares: Sequence[Share], available: Sequence[tuple[int, int]]) -> list[SitePick]:
    """Take each line's share from the sites in the order given (the coordinator's order of
    preference), splitting a line over two sites only when one runs out. Higher tiers and
    smaller line ids pick first, so the result is deterministic."""
    stock = [[site_id, quantity] for site_id, quantity in available if quantity > 0]
    picks: list[SitePick] = []
    cursor = 0
    for share in sorted(shares, key=lambda s: (s.tier, s.line_id)):
        wanted = share.quantity
        while wanted > 0 and cursor < len(stock):
            site_id, left = stock[cursor]
            take = min(wanted, left)
            picks.append(SitePick(share.line_id, site_id, take))
            wanted -= take
            stock[cursor][1] -= take
            if stock[cursor][1] == 0:
                cursor += 1
        if wanted:
            raise ValueError("shares exceed the stock of the sites")  # a bug, not user input
    return picks
