"""`donation_receive_bulk` writes exactly what `donation_receive` writes, donation by
donation, keeps every balance equal to its ledger, and refuses what it refuses."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.exceptions import NotPermitted, ValidationFailed
from inventory.models import (
    DailyStockRollup,
    Donation,
    DonationLine,
    ItemPack,
    OrganisationRole,
    StockBalance,
    StockMovement,
)
from inventory.selectors import balance_lot_mismatches, ledger_mismatches
from inventory.services import (
    DonationInput,
    DonationLineInput,
    donation_receive,
    donation_receive_bulk,
)
from inventory.services.ledger import rollups_rebuild
from tests.conftest import RECEIVED
from tests.factories import ItemFactory, MembershipFactory, SiteFactory


def snapshot(site):
    """Everything a receipt writes at a site, without ids and timestamps."""
    donations = [
        (
            d.donor.name,
            d.received_at,
            d.reference,
            d.note,
            d.recorded_by_id,
            [
                (
                    line.item_id,
                    line.quantity,
                    line.pack_name,
                    line.pack_count,
                    line.batch,
                    line.expiry,
                    line.lot.donor.name,
                    line.lot.batch,
                    line.lot.expiry,
                    line.lot.received_at,
                )
                for line in d.lines.order_by("id")
            ],
        )
        for d in Donation.objects.filter(site=site).order_by("id")
    ]
    balances = sorted(
        (b.lot.donation_line.item_id, b.on_hand, b.reserved, b.lot.donation_line.quantity)
        for b in StockBalance.objects.filter(site=site).select_related("lot__donation_line")
    )
    movements = sorted(
        (m.item_id, m.quantity, m.kind, m.actor_id, m.reason.split(" from ")[-1])
        for m in StockMovement.objects.filter(site=site)
    )
    rollups = sorted(
        (r.item_id, r.received, r.dispatched, r.other_change, r.on_hand)
        for r in DailyStockRollup.objects.filter(site=site)
    )
    return donations, balances, movements, rollups


line_strategy = st.tuples(
    st.integers(0, 1),  # which item
    st.integers(1, 500),  # quantity
    st.sampled_from(["", "箱"]),  # pack
    st.sampled_from(["", "B1", " B2 "]),  # batch
    st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2023, 1, 1))),
)
donation_strategy = st.tuples(
    st.sampled_from(["壹基金", " 腾讯公益 ", "李女士"]),
    st.lists(line_strategy, min_size=1, max_size=4),
)


class BulkMatchesOneByOne(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(donation_strategy, min_size=1, max_size=5))
    def test_same_rows_as_donation_receive(self, donations):
        membership = MembershipFactory(role=OrganisationRole.STAFF)
        one_by_one = SiteFactory(organisation=membership.organisation)
        in_bulk = SiteFactory(organisation=membership.organisation)
        items = [ItemFactory(), ItemFactory(base_unit="副")]
        for item in items:
            ItemPack.objects.create(item=item, name="箱", quantity=400)
        inputs = [
            DonationInput(
                donor=donor,
                received_at=RECEIVED,
                note="n",
                lines=[
                    DonationLineInput(
                        item=items[i], quantity=q, pack_name=pack, batch=batch, expiry=expiry
                    )
                    for i, q, pack, batch, expiry in lines
                ],
            )
            for donor, lines in donations
        ]
        for donation in inputs:
            donation_receive(
                actor=membership.user,
                site=one_by_one,
                donor=donation.donor,
                received_at=donation.received_at,
                lines=donation.lines,
                note=donation.note,
            )
        received = donation_receive_bulk(actor=membership.user, site=in_bulk, donations=inputs)

        assert snapshot(in_bulk) == snapshot(one_by_one)
        assert [len(r.line_ids) for r in received] == [len(d.lines) for d in inputs]
        assert ledger_mismatches() == []
        assert balance_lot_mismatches() == []


@pytest.fixture
def bulk(staff, site):
    def _bulk(*donations, actor=None, at=None):
        return donation_receive_bulk(actor=actor or staff, site=at or site, donations=donations)

    return _bulk


def test_returns_the_lines_in_input_order(bulk, item):
    other = ItemFactory()
    (received,) = bulk(
        DonationInput(
            donor="壹基金",
            received_at=RECEIVED,
            lines=[DonationLineInput(item=item, quantity=5), DonationLineInput(other, 7)],
        )
    )
    lines = [DonationLine.objects.get(pk=pk) for pk in received.line_ids]
    assert [(line.item, line.quantity) for line in lines] == [(item, 5), (other, 7)]
    assert [line.lot.balances.get().on_hand for line in lines] == [5, 7]
    assert {line.donation_id for line in lines} == {received.donation_id}


@pytest.mark.parametrize(
    ("donation", "message"),
    [
        (dict(lines=[]), "at least one line"),
        (dict(received_at=dt.date(2999, 1, 1)), "future"),
        (dict(donor="  "), "Name the donor"),
        (dict(quantity=0), "more than zero"),
        (dict(pack_name="桶"), "no pack called"),
    ],
)
def test_refuses_what_donation_receive_refuses_and_writes_nothing(bulk, item, donation, message):
    line = DonationLineInput(
        item=item, quantity=donation.pop("quantity", 5), pack_name=donation.pop("pack_name", "")
    )
    values = {"donor": "壹基金", "received_at": RECEIVED, "lines": [line], **donation}
    with pytest.raises(ValidationFailed, match=message):
        bulk(DonationInput(**values))
    assert not StockMovement.objects.exists() and not Donation.objects.exists()


def test_refuses_a_recorded_or_repeated_reference(bulk, item):
    first = DonationInput(
        donor="d", received_at=RECEIVED, reference="R-1", lines=[DonationLineInput(item, 1)]
    )
    bulk(first)
    with pytest.raises(ValidationFailed, match="already recorded"):
        bulk(first)
    second = DonationInput(
        donor="d", received_at=RECEIVED, reference="R-2", lines=[DonationLineInput(item, 1)]
    )
    with pytest.raises(ValidationFailed, match="given to two donations"):
        bulk(second, second)
    assert Donation.objects.count() == 1


def test_another_organisation_may_not_receive_here(bulk, outsider, item):
    donation = DonationInput(donor="d", received_at=RECEIVED, lines=[DonationLineInput(item, 1)])
    with pytest.raises(NotPermitted):
        bulk(donation, actor=outsider)
    assert not Donation.objects.exists()


def test_text_that_needs_escaping_survives_the_bulk_write(bulk, item):
    awkward = "第一行\n\t制表\\N 符号 \\ 结束"
    (received,) = bulk(
        DonationInput(
            donor="壹基金\\N",
            received_at=RECEIVED,
            reference="R\\1",
            note=awkward,
            lines=[DonationLineInput(item=item, quantity=1, batch="B\\N")],
        )
    )
    donation = Donation.objects.get(pk=received.donation_id)
    assert (donation.note, donation.reference, donation.donor.name) == (
        awkward,
        "R\\1",
        "壹基金\\N",
    )
    assert donation.lines.get().batch == "B\\N"


def test_the_daily_roll_up_stays_equal_to_the_ledger(bulk, staff, site, item):
    """Receipts on earlier and later days exist; the bulk receipt lands between them."""
    now = timezone.now()
    for days in (-3, 0, 2):
        donation_receive(
            actor=staff,
            site=site,
            donor="d",
            received_at=RECEIVED,
            lines=[DonationLineInput(item=item, quantity=10)],
            occurred_at=now + dt.timedelta(days=days),
        )
    other = ItemFactory()
    bulk(
        DonationInput(
            donor="d",
            received_at=RECEIVED,
            lines=[DonationLineInput(item=item, quantity=5), DonationLineInput(other, 7)],
        )
    )
    assert rollups_rebuild(dry_run=True).changed == 0
    assert ledger_mismatches() == []
