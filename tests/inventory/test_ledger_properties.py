"""Property: whatever sequence of stock operations people attempt, every balance stays
non-negative, reserved never exceeds on hand, and each balance equals its ledger sum. Refused
operations change nothing. A plain-Python model of the shelves predicts every balance."""

import datetime as dt
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.exceptions import DomainError
from inventory.models import OrganisationRole, StockBalance
from inventory.selectors import ledger_mismatches
from inventory.services import (
    DonationLineInput,
    TransferLineInput,
    donation_receive,
    stock_adjust,
    stock_dispatch,
    stock_release,
    stock_reserve,
    stock_transfer,
)
from tests.factories import ItemFactory, MembershipFactory, SiteFactory

SITES, LOTS = 2, 2
quantity = st.integers(min_value=-3, max_value=40)
operation = st.one_of(
    st.tuples(st.just("reserve"), st.integers(0, SITES - 1), st.integers(0, LOTS - 1), quantity),
    st.tuples(st.just("release"), st.integers(0, SITES - 1), st.integers(0, LOTS - 1), quantity),
    st.tuples(
        st.sampled_from(["dispatch_reserved", "dispatch_free", "write_off", "found", "transfer"]),
        st.integers(0, SITES - 1),
        st.integers(0, LOTS - 1),
        quantity,
    ),
)


def expected_after(op, shelves):
    """What the operation should do to the model, or None if it must be refused."""
    kind, s, lot, q = op
    on_hand, reserved = shelves[(s, lot)]
    available = on_hand - reserved
    if q <= 0:
        return None
    if kind == "reserve":
        return {(s, lot): (on_hand, reserved + q)} if q <= available else None
    if kind == "release":
        return {(s, lot): (on_hand, reserved - q)} if q <= reserved else None
    if kind == "dispatch_reserved":
        return {(s, lot): (on_hand - q, reserved - q)} if q <= reserved else None
    if kind in ("dispatch_free", "write_off"):
        return {(s, lot): (on_hand - q, reserved)} if q <= available else None
    if kind == "found":
        return {(s, lot): (on_hand + q, reserved)}
    other = 1 - s
    if q > available:
        return None
    return {
        (s, lot): (on_hand - q, reserved),
        (other, lot): (shelves[(other, lot)][0] + q, shelves[(other, lot)][1]),
    }


class LedgerPropertyTest(TestCase):
    def setUp(self):
        membership = MembershipFactory(role=OrganisationRole.STAFF)
        self.actor = membership.user
        self.sites = [SiteFactory(organisation=membership.organisation) for _ in range(SITES)]
        item = ItemFactory()
        self.lots = []
        for i in range(LOTS):
            donation = donation_receive(
                actor=self.actor,
                site=self.sites[0],
                donor="d",
                received_at=dt.date(2020, 1, 28),
                lines=[DonationLineInput(item=item, quantity=50 + 10 * i)],
            )
            self.lots.append(donation.lines.get().lot)

    def apply(self, op):
        kind, s, lot_index, q = op
        site, lot, actor = self.sites[s], self.lots[lot_index], self.actor
        if kind == "reserve":
            stock_reserve(actor=actor, site=site, lot=lot, quantity=q)
        elif kind == "release":
            stock_release(actor=actor, site=site, lot=lot, quantity=q)
        elif kind in ("dispatch_reserved", "dispatch_free"):
            stock_dispatch(
                actor=actor, site=site, lot=lot, quantity=q, from_reserved=kind.endswith("reserved")
            )
        elif kind == "write_off":
            stock_adjust(actor=actor, site=site, lot=lot, quantity=-q, reason="damaged")
        elif kind == "found":
            stock_adjust(actor=actor, site=site, lot=lot, quantity=q, reason="found")
        else:
            stock_transfer(
                actor=actor,
                from_site=site,
                to_site=self.sites[1 - s],
                lines=[TransferLineInput(lot=lot, quantity=q)],
            )

    def shelves_in_db(self):
        shelves = defaultdict(lambda: (0, 0))
        for row in StockBalance.objects.all():
            key = (self.sites.index(row.site), self.lots.index(row.lot))
            shelves[key] = (row.on_hand, row.reserved)
        return shelves

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(operation, max_size=25))
    def test_balances_follow_the_model_and_the_ledger(self, operations):
        model = defaultdict(lambda: (0, 0), {(0, 0): (50, 0), (0, 1): (60, 0)})
        for op in operations:
            predicted = expected_after(op, model)
            try:
                self.apply(op)
            except DomainError:
                assert predicted is None, f"{op} was refused but should have worked"
            else:
                assert predicted is not None, f"{op} worked but should have been refused"
                model.update(predicted)
            shelves = self.shelves_in_db()
            for key in set(model) | set(shelves):
                assert shelves[key] == model[key], (op, key)
                on_hand, reserved = shelves[key]
                assert on_hand >= 0 and 0 <= reserved <= on_hand
        assert ledger_mismatches() == []
