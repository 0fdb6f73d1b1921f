"""Property-based tests of the fair-share planner (supply_requests/planning.py).

Pure functions over plain data: no database, no Django fixtures. Each property is one rule
of DESIGN.md "Requests and distribution", checked against random demand with hypothesis.
"""

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supply_requests.planning import Demand, Share, SitePick, assign_sites, fair_shares

ITEM = 7
# Enough examples to find rounding and tie-break corners, few enough that the file runs in a
# few seconds (the suite has `filterwarnings = error` and no time to waste).
EXAMPLES = 200


# --- strategies ------------------------------------------------------------------------------


@st.composite
def demands_and_supply(draw: st.DrawFn, max_lines: int = 25) -> tuple[list[Demand], int]:
    """Demand lines of one item (distinct line ids) and a supply from zero to a surplus."""
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, 3),  # tier
                # Small needs often, so equal needs (and equal remainders) happen: that is where
                # the tie-break is exercised.
                st.one_of(st.integers(1, 5), st.integers(1, 5000)),
                st.integers(1, 2000),  # outstanding
            ),
            max_size=max_lines,
        )
    )
    line_ids = draw(
        st.lists(st.integers(1, 100_000), min_size=len(rows), max_size=len(rows), unique=True)
    )
    demands = [
        Demand(line_id=line_id, item_id=ITEM, tier=tier, need=need, outstanding=outstanding)
        for line_id, (tier, need, outstanding) in zip(line_ids, rows, strict=True)
    ]
    total = sum(d.outstanding for d in demands)
    # Up to 1.5 × the demand: shortage (the interesting case) most of the time, surplus too.
    supply = draw(st.integers(0, total + total // 2 + 10))
    return demands, supply


# --- an independent reference: continuous weighted water-filling ------------------------------


def reference_level(members: Sequence[Demand], supply: int) -> Fraction | None:
    """The water level of one tier by progressive filling: raise a common share per need,
    freeze lines that reach their outstanding quantity, repeat until nobody new freezes.

    Deliberately a different algorithm from the planner's (which sorts by saturation point
    once): agreement between the two is the evidence."""
    active = list(members)
    remaining = Fraction(supply)
    while active:
        level = remaining / sum(d.need for d in active)
        frozen = [d for d in active if d.outstanding <= level * d.need]
        if not frozen:
            return level
        remaining -= sum(d.outstanding for d in frozen)
        active = [d for d in active if d not in frozen]
    return None  # every line is full: the tier was not short


def reference_shares(demands: Sequence[Demand], supply: int) -> dict[int, Fraction]:
    """Exact (fractional) share of every line: tiers in order, water-filling inside the tier
    that runs short, nothing below it."""
    tiers: dict[int, list[Demand]] = defaultdict(list)
    for demand in demands:
        tiers[demand.tier].append(demand)
    exact: dict[int, Fraction] = {}
    remaining = Fraction(max(supply, 0))
    for tier in sorted(tiers):
        members = tiers[tier]
        total = sum(d.outstanding for d in members)
        if remaining >= total:
            exact.update((d.line_id, Fraction(d.outstanding)) for d in members)
            remaining -= total
            continue
        level = reference_level(members, int(remaining)) if remaining else Fraction(0)
        assert level is not None
        for d in members:
            exact[d.line_id] = min(Fraction(d.outstanding), level * d.need)
        remaining = Fraction(0)
    return exact


def by_line(shares: Sequence[Share]) -> dict[int, Share]:
    return {s.line_id: s for s in shares}


# --- properties of fair_shares ----------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(demands_and_supply())
def test_allocates_whole_units_within_stock_and_outstanding_and_leaves_nothing_idle(
    case: tuple[list[Demand], int],
) -> None:
    """A plan hands out min(supply, total outstanding) in whole units, no line above its
    outstanding quantity."""
    demands, supply = case
    shares = fair_shares(demands, supply)
    assert sorted(s.line_id for s in shares) == sorted(d.line_id for d in demands)
    for share in shares:
        assert type(share.quantity) is int
        assert 0 <= share.quantity <= share.outstanding
    allocated = sum(s.quantity for s in shares)
    assert allocated <= supply
    assert allocated == min(supply, sum(d.outstanding for d in demands))


@settings(max_examples=EXAMPLES)
@given(demands_and_supply())
def test_a_higher_tier_is_served_in_full_before_a_lower_tier_gets_anything(
    case: tuple[list[Demand], int],
) -> None:
    """No line of a tier gets anything while a line of a higher-priority tier is short."""
    demands, supply = case
    shares = fair_shares(demands, supply)
    short_tiers = [s.tier for s in shares if s.quantity < s.outstanding]
    if not short_tiers:
        return
    first_short = min(short_tiers)
    for share in shares:
        if share.tier < first_short:
            assert share.quantity == share.outstanding
        elif share.tier > first_short:
            assert share.quantity == 0, share


@settings(max_examples=EXAMPLES)
@given(demands_and_supply())
def test_the_short_tier_is_max_min_fair_by_need(case: tuple[list[Demand], int]) -> None:
    """Inside the tier that runs short, no line that got more per unit of need could give one
    unit to a line that is not full without ending below it."""
    demands, supply = case
    shares = fair_shares(demands, supply)
    tiers: dict[int, list[Share]] = defaultdict(list)
    for share in shares:
        tiers[share.tier].append(share)
    for members in tiers.values():
        given_out = sum(s.quantity for s in members)
        if not 0 < given_out < sum(s.outstanding for s in members):
            continue  # full or empty tier: nothing to share fairly
        for i in members:
            if i.quantity == i.outstanding:
                continue
            for j in members:
                # (x_j - 1) / need_j <= (x_i + 1) / need_i, cross-multiplied to stay exact.
                assert (j.quantity - 1) * i.need <= (i.quantity + 1) * j.need, (i, j)


@settings(max_examples=EXAMPLES)
@given(demands_and_supply())
def test_the_short_tier_follows_its_water_level(case: tuple[list[Demand], int]) -> None:
    """In the short tier every line gets its outstanding quantity if that is at most the water
    level times its need, else that product rounded down or up."""
    demands, supply = case
    shares = fair_shares(demands, supply)
    tiers: dict[int, list[Share]] = defaultdict(list)
    for share in shares:
        tiers[share.tier].append(share)
    for members in tiers.values():
        given_out = sum(s.quantity for s in members)
        if not 0 < given_out < sum(s.outstanding for s in members):
            assert all(s.level is None for s in members)  # no level where nothing was shared
            continue
        levels = {s.level for s in members}
        assert len(levels) == 1, "one water level per tier"
        (level,) = levels
        assert level is not None
        tier_demands = [d for d in demands if d.line_id in {s.line_id for s in members}]
        assert level == reference_level(tier_demands, given_out)
        for share in members:
            fair = level * share.need
            if share.outstanding <= fair:
                # Saturated: its whole outstanding is within the fair share.
                assert share.quantity == share.outstanding, share
            else:
                # Not saturated: the fair share in whole units. Rounding up may reach the
                # outstanding quantity exactly (then outstanding == ceil(fair) > fair), which
                # is why "full ⇒ outstanding/need <= level" holds only for saturated lines.
                assert share.quantity in {math.floor(fair), math.ceil(fair)}, share
                assert share.quantity <= share.outstanding


@settings(max_examples=EXAMPLES)
@given(demands_and_supply())
def test_rounding_loses_less_than_one_unit_per_line(case: tuple[list[Demand], int]) -> None:
    """Every line's whole-unit share is within one unit of its exact water-filling share."""
    demands, supply = case
    exact = reference_shares(demands, supply)
    for share in fair_shares(demands, supply):
        assert abs(share.quantity - exact[share.line_id]) < 1, (share, exact[share.line_id])


@settings(max_examples=EXAMPLES)
@given(demands_and_supply(), st.randoms(use_true_random=False))
def test_the_plan_depends_on_the_demands_not_on_their_order(
    case: tuple[list[Demand], int], rnd: random.Random
) -> None:
    """The same demands in any order give the same plan, line by line, and the same picks."""
    demands, supply = case
    shuffled = list(demands)
    rnd.shuffle(shuffled)
    first = fair_shares(demands, supply)
    assert fair_shares(demands, supply) == first
    assert by_line(fair_shares(shuffled, supply)) == by_line(first)
    sites = [(1, supply // 2), (2, supply - supply // 2)]
    assert assign_sites(first, sites) == assign_sites(fair_shares(shuffled, supply), sites)


# --- properties of assign_sites ---------------------------------------------------------------


@st.composite
def shares_and_sites(draw: st.DrawFn) -> tuple[list[Share], list[tuple[int, int]]]:
    """A plan and the site stock it was made from (supply = the sum over sites, as in
    logistics.selectors.allocation_plan), sites listed in the coordinator's order."""
    demands, _supply = draw(demands_and_supply(max_lines=15))
    site_ids = draw(st.lists(st.integers(1, 500), min_size=1, max_size=6, unique=True))
    quantities = draw(
        st.lists(st.integers(0, 3000), min_size=len(site_ids), max_size=len(site_ids))
    )
    available = list(zip(site_ids, quantities, strict=True))
    return fair_shares(demands, sum(quantities)), available


@settings(max_examples=EXAMPLES)
@given(shares_and_sites())
def test_site_picks_cover_each_share_from_sites_in_the_given_order(
    case: tuple[list[Share], list[tuple[int, int]]],
) -> None:
    """Each line's picks add up to its share, no site gives more than it has, and a site is
    only touched once every site before it is empty."""
    shares, available = case
    picks = assign_sites(shares, available)
    taken_by_line: dict[int, int] = defaultdict(int)
    taken_by_site: dict[int, int] = defaultdict(int)
    for pick in picks:
        assert pick.quantity > 0
        taken_by_line[pick.line_id] += pick.quantity
        taken_by_site[pick.site_id] += pick.quantity
    assert {s.line_id: s.quantity for s in shares if s.quantity} == dict(taken_by_line)
    stock = dict(available)
    for site_id, taken in taken_by_site.items():
        assert taken <= stock[site_id]
    position = {site_id: index for index, (site_id, _qty) in enumerate(available)}
    used = [position[p.site_id] for p in picks]
    # Picks walk the sites forwards only ...
    assert used == sorted(used)
    # ... and every site before the last one used is emptied.
    if used:
        for site_id, quantity in available[: max(used)]:
            assert taken_by_site[site_id] == quantity, (site_id, quantity)


# --- small cases computed by hand -------------------------------------------------------------


def demand(line_id: int, need: int, outstanding: int, tier: int = 2) -> Demand:
    return Demand(line_id=line_id, item_id=ITEM, tier=tier, need=need, outstanding=outstanding)


def quantities(shares: Sequence[Share]) -> dict[int, int]:
    return {s.line_id: s.quantity for s in shares}


def test_a_big_unit_that_asked_for_little_is_filled_and_the_rest_flows_to_the_other() -> None:
    # 600 over need 5000 + 500 is 0.109 per person: unit 1 needs only 100 (0.02 per person),
    # so it is full and the remaining 500 go to unit 2 (level 1.0, below its 1000).
    shares = fair_shares([demand(1, need=5000, outstanding=100), demand(2, 500, 1000)], 600)
    assert quantities(shares) == {1: 100, 2: 500}
    assert {s.level for s in shares} == {Fraction(1)}


def test_an_odd_unit_between_two_equal_lines_goes_to_the_smaller_line_id() -> None:
    plan = fair_shares([demand(9, 100, 50), demand(4, 100, 50)], 7)
    assert quantities(plan) == {4: 4, 9: 3}
    assert fair_shares([demand(4, 100, 50), demand(9, 100, 50)], 7) == plan


def test_proportional_to_need_with_largest_remainders() -> None:
    # Level 10/6: exact shares 1.67, 3.33, 5 → 1 + 3 + 5 = 9, the spare unit to 1.67.
    shares = fair_shares([demand(1, 1, 99), demand(2, 2, 99), demand(3, 3, 99)], 10)
    assert quantities(shares) == {1: 2, 2: 3, 3: 5}


@pytest.mark.parametrize("supply", [0, -5])
def test_no_stock_gives_nothing_to_anyone(supply: int) -> None:
    shares = fair_shares([demand(1, 10, 5, tier=0), demand(2, 10, 5)], supply)
    assert quantities(shares) == {1: 0, 2: 0}
    assert all(s.level is None for s in shares)


def test_no_demand_gives_an_empty_plan() -> None:
    assert fair_shares([], 100) == []
    assert assign_sites([], [(1, 100)]) == []


def test_the_frontline_tier_eats_everything() -> None:
    shares = fair_shares(
        [
            demand(1, need=3000, outstanding=400, tier=0),
            demand(2, need=1000, outstanding=400, tier=0),
            demand(3, need=50_000, outstanding=10, tier=1),
            demand(4, need=50_000, outstanding=10, tier=2),
        ],
        200,
    )
    # Tier 0 is short: 200 split 3:1 by need; the huge units below get nothing.
    assert quantities(shares) == {1: 150, 2: 50, 3: 0, 4: 0}


def test_a_surplus_fills_every_line() -> None:
    shares = fair_shares([demand(1, 10, 5, tier=0), demand(2, 10, 7, tier=3)], 1000)
    assert quantities(shares) == {1: 5, 2: 7}
    assert all(s.level is None for s in shares)


def test_sites_are_drained_in_the_given_order_and_empty_sites_are_skipped() -> None:
    shares = fair_shares([demand(1, 5000, 100), demand(2, 500, 1000)], 600)
    picks = assign_sites(shares, [(10, 300), (11, 0), (12, 300)])
    assert picks == [SitePick(1, 10, 100), SitePick(2, 10, 200), SitePick(2, 12, 300)]


def test_shares_beyond_the_sites_stock_are_refused() -> None:
    shares = fair_shares([demand(1, 10, 100)], 100)
    with pytest.raises(ValueError, match="exceed"):
        assign_sites(shares, [(10, 60)])
