"""Property (issue 14): the planner is fair per served unit. Splitting a unit's outstanding
need over several requests (lines) changes neither its total share nor anyone else's."""

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from supply_requests.planning import Demand, fair_shares

ITEM = 7


@st.composite
def units_supply_and_a_split(draw: st.DrawFn):
    """One line per unit (tier, need, outstanding), a supply, and a way to split one unit's
    line into several lines whose outstanding adds up to the original."""
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, 2),
                st.one_of(st.integers(1, 5), st.integers(1, 3000)),
                st.integers(2, 1500),
            ),
            min_size=1,
            max_size=15,
        )
    )
    demands = [
        Demand(line_id=i + 1, item_id=ITEM, tier=t, need=n, outstanding=o, unit_id=100 + i)
        for i, (t, n, o) in enumerate(rows)
    ]
    total = sum(d.outstanding for d in demands)
    supply = draw(st.integers(0, total + 50))
    victim = draw(st.sampled_from(demands))
    cuts = sorted(draw(st.sets(st.integers(1, victim.outstanding - 1), min_size=1, max_size=4)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, victim.outstanding], strict=True)]
    return demands, supply, victim, parts


def _per_unit(shares) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for share in shares:
        totals[share.unit_id] += share.quantity
    return dict(totals)


@settings(max_examples=300)
@given(units_supply_and_a_split())
def test_splitting_a_units_need_over_several_requests_does_not_change_any_share(case):
    demands, supply, victim, parts = case
    before = _per_unit(fair_shares(demands, supply))
    # The unit keeps its first line (with the first part) and files the rest as new lines.
    next_id = max(d.line_id for d in demands) + 1
    split = [d for d in demands if d is not victim]
    split.append(Demand(victim.line_id, ITEM, victim.tier, victim.need, parts[0], victim.unit_id))
    split.extend(
        Demand(next_id + i, ITEM, victim.tier, victim.need, part, victim.unit_id)
        for i, part in enumerate(parts[1:])
    )
    after_shares = fair_shares(split, supply)
    assert _per_unit(after_shares) == before
    # And no line of the split unit gets more than it asked for.
    for share in after_shares:
        assert 0 <= share.quantity <= share.outstanding
