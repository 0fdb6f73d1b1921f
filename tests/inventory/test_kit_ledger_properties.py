"""Property (issue 20): any sequence of kit assemblies, disassemblies and dispatches keeps
every balance equal to its ledger sum and non-negative, conserves each component (in stock
+ inside kits in stock + gone out), and refused operations change nothing."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.exceptions import DomainError
from inventory.models import KitAssembly, KitComponent, OrganisationRole, StockBalance
from inventory.selectors import ledger_mismatches
from inventory.services import (
    DonationLineInput,
    donation_receive,
    kit_assemble,
    kit_disassemble,
    stock_dispatch,
)
from tests.factories import ItemFactory, MembershipFactory, SiteFactory

operation = st.one_of(
    st.tuples(st.just("assemble"), st.integers(-1, 6)),
    st.tuples(st.just("disassemble"), st.integers(-1, 4)),
    st.tuples(st.just("dispatch_kit"), st.integers(1, 3)),
)


class KitLedgerPropertyTest(TestCase):
    def setUp(self):
        membership = MembershipFactory(role=OrganisationRole.STAFF)
        self.actor = membership.user
        self.site = SiteFactory(organisation=membership.organisation)
        self.kit = ItemFactory()
        self.parts = {ItemFactory(): 2, ItemFactory(): 3}
        for component, per_kit in self.parts.items():
            KitComponent.objects.create(kit=self.kit, component=component, quantity=per_kit)
        for index, component in enumerate(self.parts):
            for expiry in (dt.date(2099, 1, 1 + index), None):
                donation_receive(
                    actor=self.actor,
                    site=self.site,
                    donor="d",
                    received_at=dt.date(2020, 1, 28),
                    lines=[DonationLineInput(item=component, quantity=7, expiry=expiry)],
                )

    def on_hand(self, item):
        return sum(
            StockBalance.objects.filter(site=self.site, item=item).values_list("on_hand", flat=True)
        )

    def apply(self, op, dispatched):
        kind, n = op
        if kind == "assemble":
            kit_assemble(actor=self.actor, site=self.site, kit=self.kit, count=n)
            return 0
        balances = StockBalance.objects.filter(site=self.site, item=self.kit, on_hand__gt=0)
        balance = balances.order_by("lot_id").first()
        if balance is None:
            raise DomainError("no kit here")
        if kind == "disassemble":
            kit_disassemble(actor=self.actor, site=self.site, kit_lot=balance.lot, count=n)
            return 0
        stock_dispatch(
            actor=self.actor, site=self.site, lot=balance.lot, quantity=n, from_reserved=False
        )
        return n

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, max_size=15))
    def test_kits_keep_the_ledger_whole(self, operations):
        dispatched = 0
        for op in operations:
            before = {item: self.on_hand(item) for item in [self.kit, *self.parts]}
            try:
                dispatched += self.apply(op, dispatched)
            except DomainError:
                after = {item: self.on_hand(item) for item in [self.kit, *self.parts]}
                assert after == before, op
            kits = self.on_hand(self.kit)
            for component, per_kit in self.parts.items():
                # Every unit received is on a shelf, inside a kit on a shelf, or went out
                # inside a dispatched kit.
                assert self.on_hand(component) + (kits + dispatched) * per_kit == 14, op
            for balance in StockBalance.objects.all():
                assert 0 <= balance.reserved <= balance.on_hand
        assembled = sum(a.count - a.disassembled for a in KitAssembly.objects.all())
        assert assembled == self.on_hand(self.kit) + dispatched
        assert ledger_mismatches() == []
