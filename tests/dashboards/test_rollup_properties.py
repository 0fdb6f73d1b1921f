"""Property: whatever stock operations people post, on whatever (back-)dates, the daily
roll-up equals a from-scratch recomputation — both a plain-Python model of the accepted
operations and `rollups_rebuild`'s own recomputation from the ledger — and the ledger
still verifies."""

import contextlib
import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.exceptions import DomainError
from inventory.models import DailyStockRollup, ItemCategory, OrganisationRole
from inventory.selectors import ledger_mismatches
from inventory.services import (
    DonationLineInput,
    TransferLineInput,
    donation_receive,
    stock_adjust,
    stock_dispatch,
    stock_transfer,
)
from inventory.services.ledger import rollups_rebuild
from tests.factories import ItemFactory, MembershipFactory, SiteFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITES, ITEMS = 2, 2
# Ten days, at hours that straddle local and UTC midnight (23:30 UTC is 07:30 next day).
moment = st.builds(
    lambda day, minutes: (
        dt.datetime(2020, 1, 20, tzinfo=SHANGHAI) + dt.timedelta(days=day, minutes=minutes)
    ),
    st.integers(0, 9),
    st.sampled_from([30, 7 * 60, 15 * 60 + 50, 23 * 60 + 45]),
)
operation = st.tuples(
    st.sampled_from(["receive", "dispatch", "write_off", "found", "transfer"]),
    st.integers(0, SITES - 1),
    st.integers(0, 3),  # which item (receive) or which lot received so far (others)
    st.integers(1, 60),
    moment,
)


class RollupPropertyTest(TestCase):
    def setUp(self):
        membership = MembershipFactory(role=OrganisationRole.STAFF)
        self.actor = membership.user
        self.sites = [SiteFactory(organisation=membership.organisation) for _ in range(SITES)]
        self.items = [
            ItemFactory(category=category)
            for category in (ItemCategory.PROTECTIVE, ItemCategory.ISOLATION_NECESSITY)
        ]

    def apply(self, op, lots) -> list[tuple[int, int, dt.datetime, str, int]]:
        """Post one operation; return the movements it made as (site, item, when, kind,
        signed quantity) — the model's own record, not read back from the database."""
        kind, s, which, quantity, when = op
        site, actor = self.sites[s], self.actor
        if kind == "receive":
            item = self.items[which % ITEMS]
            donation = donation_receive(
                actor=actor,
                site=site,
                donor="d",
                received_at=dt.date(2020, 1, 20),
                lines=[DonationLineInput(item=item, quantity=quantity)],
                occurred_at=when,
            )
            lots.append(donation.lines.get().lot)
            return [(s, item.pk, when, "receipt", quantity)]
        if not lots:
            return []
        lot = lots[which % len(lots)]
        if kind == "dispatch":
            stock_dispatch(
                actor=actor,
                site=site,
                lot=lot,
                quantity=quantity,
                from_reserved=False,
                occurred_at=when,
            )
            return [(s, lot.item_id, when, "dispatch", -quantity)]
        if kind in ("write_off", "found"):
            signed = -quantity if kind == "write_off" else quantity
            reason = "damaged" if kind == "write_off" else "found"
            stock_adjust(
                actor=actor,
                site=site,
                lot=lot,
                quantity=signed,
                reason=reason,
                occurred_at=when,
            )
            return [(s, lot.item_id, when, kind, signed)]
        stock_transfer(
            actor=actor,
            from_site=site,
            to_site=self.sites[1 - s],
            lines=[TransferLineInput(lot=lot, quantity=quantity)],
            occurred_at=when,
        )
        return [
            (s, lot.item_id, when, "transfer_out", -quantity),
            (1 - s, lot.item_id, when, "transfer_in", quantity),
        ]

    def model_rows(self, movements) -> dict:
        """The roll-up computed from scratch, in Python, from the accepted movements."""
        days = defaultdict(lambda: [0, 0, 0])
        for s, item_id, when, kind, signed in movements:
            key = (self.sites[s].pk, item_id, when.astimezone(SHANGHAI).date())
            if kind == "receipt":
                days[key][0] += signed
            elif kind == "dispatch":
                days[key][1] -= signed
            else:
                days[key][2] += signed
        rows, on_hand = {}, defaultdict(int)
        for (site_id, item_id, day), (received, dispatched, other) in sorted(days.items()):
            on_hand[(site_id, item_id)] += received - dispatched + other
            rows[(site_id, item_id, day)] = (
                received,
                dispatched,
                other,
                on_hand[(site_id, item_id)],
            )
        return rows

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, max_size=20))
    def test_roll_up_equals_a_recomputation_from_scratch(self, operations):
        lots, movements = [], []
        for op in operations:
            # A refused operation (not enough stock) must have changed nothing.
            with contextlib.suppress(DomainError):
                movements.extend(self.apply(op, lots))
        stored = {
            (r.site_id, r.item_id, r.day): (r.received, r.dispatched, r.other_change, r.on_hand)
            for r in DailyStockRollup.objects.all()
        }
        assert stored == self.model_rows(movements)
        assert rollups_rebuild(dry_run=True).changed == 0
        assert ledger_mismatches() == []
