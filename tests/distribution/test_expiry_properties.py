"""Property (issue 14): whatever lots are on the shelf and whatever is asked, an allocation
never takes an expired lot unless the coordinator released expired stock with a reason; and
it succeeds exactly when the lots that may be used hold enough."""

import datetime as dt

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.exceptions import InsufficientStock
from inventory.models import OrganisationRole
from inventory.services import DonationLineInput, donation_receive
from logistics.models import Allocation
from logistics.services import AllocationInput, allocation_commit
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.factories import (
    ItemFactory,
    MembershipFactory,
    ServedUnitFactory,
    SiteFactory,
    UnitMembershipFactory,
)

lots = st.lists(
    st.tuples(
        st.integers(1, 60),  # quantity
        st.one_of(st.none(), st.integers(-400, 400)),  # expiry, days from today
    ),
    min_size=1,
    max_size=6,
)


class ExpiredLotsPropertyTest(TestCase):
    def setUp(self):
        membership = MembershipFactory(role=OrganisationRole.COORDINATOR)
        self.coordinator = membership.user
        MembershipFactory(user=self.coordinator, organisation=membership.organisation, role="staff")
        self.site = SiteFactory(organisation=membership.organisation)
        self.item = ItemFactory()
        unit = ServedUnitFactory()
        unit.organisations.add(membership.organisation)
        worker = UnitMembershipFactory(served_unit=unit).user
        request = request_create(
            actor=worker,
            served_unit=unit,
            lines=[RequestLineInput(item=self.item, quantity=100_000)],
        )
        request = request_submit(actor=worker, request=request)
        self.line = request.lines.get()
        request_approve(actor=self.coordinator, request=request, approved={self.line.pk: 100_000})

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(lots, st.integers(1, 250), st.sampled_from(["", "  ", "cleared for cleaning"]))
    def test_an_expired_lot_is_never_allocated_without_a_release(self, shelf, asked, release):
        today = timezone.localdate()
        expiries = [None if d is None else today + dt.timedelta(days=d) for _q, d in shelf]
        donation_receive(
            actor=self.coordinator,
            site=self.site,
            donor="d",
            received_at=dt.date(2020, 1, 28),
            lines=[
                DonationLineInput(item=self.item, quantity=q, expiry=e)
                for (q, _d), e in zip(shelf, expiries, strict=True)
            ],
        )
        usable = sum(q for (q, _d), e in zip(shelf, expiries, strict=True) if not e or e >= today)
        released = bool(release.strip())
        may_use = sum(q for q, _d in shelf) if released else usable
        try:
            allocation_commit(
                actor=self.coordinator,
                allocations=[AllocationInput(self.line.pk, self.site, asked, release)],
            )
        except InsufficientStock:
            assert asked > may_use
            assert not Allocation.objects.exists()
            return
        assert asked <= may_use
        for allocation in Allocation.objects.select_related("lot"):
            expired = allocation.lot.expiry is not None and allocation.lot.expiry < today
            assert released or not expired, "an expired lot was allocated without a release"
            assert allocation.expired_release_reason == (release.strip() if expired else "")
