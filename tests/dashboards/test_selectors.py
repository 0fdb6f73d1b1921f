"""Every figure's numbers on the known world of conftest.py, worked out by hand."""

import datetime as dt

from dashboards.selectors import (
    Summary,
    base_scope,
    coverage,
    default_window,
    deliveries,
    donation_flow,
    expiry_horizon,
    kpis,
    narrow,
    stock_on_hand,
    stock_over_time,
    summary,
    unit_progress,
    unit_status,
    waiting_requests,
)
from tests.dashboards.conftest import DONOR

JAN = {day: dt.date(2020, 1, day) for day in range(1, 32)}


def scope_of(user, **filters):
    return narrow(base_scope(user), **filters)


def test_the_default_window_is_the_last_fortnight_with_activity(world):
    scope = scope_of(world.coordinator)
    assert (scope.date_from, scope.date_to, scope.dates_defaulted) == (JAN[18], JAN[31], True)
    sites, units = scope.sites, scope.unit_ids
    # While something moved in the last 14 days, the window ends today.
    assert default_window(sites=sites, unit_ids=units, today=dt.date(2020, 2, 5)) == (
        dt.date(2020, 1, 23),
        dt.date(2020, 2, 5),
        False,
    )
    assert default_window(sites=sites, unit_ids=units, today=dt.date(2020, 3, 1)) == (
        JAN[18],
        JAN[31],
        True,
    )
    # A community worker holds no stock: her requests and deliveries date her window.
    worker = scope_of(world.east_worker)
    assert (worker.date_to, worker.dates_defaulted) == (JAN[29], True)
    worker = scope_of(world.worker)
    assert (worker.date_to, worker.dates_defaulted) == (JAN[31], True)
    # Dates given are kept; one date alone makes a fortnight.
    assert (scope_of(world.coordinator, date_to=JAN[30]).date_from) == JAN[17]
    assert scope_of(world.coordinator, date_from=JAN[1]).date_to == dt.date(2020, 1, 14)


def test_the_kpis_of_the_whole_scope_are_the_api_summary(world):
    expected = Summary(
        as_of=JAN[31],
        open_requests=1,
        units_waiting_over_48h=1,
        fill_rate_this_week=1.0,
        approved_this_week=300,
        delivered_this_week=300,
        items_out_of_stock=0,
        expiring_within_30_days=690,
        expired_on_hand=0,
    )
    assert summary(user=world.coordinator, as_of=JAN[31]) == expected
    assert kpis(scope_of(world.coordinator)) == expected
    rice_only = kpis(scope_of(world.coordinator, category="isolation_necessity"))
    assert (rice_only.open_requests, rice_only.approved_this_week) == (1, 0)
    assert rice_only.expiring_within_30_days == 0


def test_stock_on_hand_with_days_of_cover(world):
    lines = {
        (line.site_name, line.item.name_en): line for line in stock_on_hand(scope_of(world.staff))
    }
    masks = lines[(world.site.name, "N95 mask")]
    assert (masks.on_hand, masks.reserved, masks.dispatched_14d) == (1190, 0, 300)
    assert masks.days_of_cover == 55.5  # 1,190 ÷ (300 ÷ 14)
    rice = lines[(world.other_site.name, "Rice")]
    assert (rice.on_hand, rice.days_of_cover) == (200, None)  # nothing dispatched: no rate
    # Ten days later the fortnight holds no dispatch.
    later = stock_on_hand(scope_of(world.staff, date_to=dt.date(2020, 2, 14)))
    assert {line.dispatched_14d for line in later} == {0}


def test_stock_over_time_carries_days_without_movements_forward(world):
    days = stock_over_time(scope_of(world.staff, date_from=JAN[27], date_to=JAN[31]))
    masks = [
        (d.day.day, d.received, d.dispatched, d.other_change, d.on_hand)
        for d in days
        if d.item.pk == world.masks_item.pk
    ]
    assert masks == [
        (27, 0, 0, 0, 0),
        (28, 1500, 0, 0, 1500),
        (29, 0, 0, 0, 1500),
        (30, 0, 300, 0, 1200),
        (31, 0, 0, -10, 1190),
    ]
    # A window starting after the first movement starts from the stock carried in.
    later = stock_over_time(scope_of(world.staff, date_from=JAN[29], date_to=JAN[30]))
    # (In category order: home-isolation necessities before protective equipment.)
    assert [(d.item.name_en, d.on_hand) for d in later] == [
        ("Rice", 200),
        ("Rice", 200),
        ("N95 mask", 1500),
        ("N95 mask", 1200),
    ]
    protective = stock_over_time(
        scope_of(world.staff, date_from=JAN[29], date_to=JAN[30], category="protective")
    )
    assert {d.item.pk for d in protective} == {world.masks_item.pk}


def test_expiry_horizon_counts_from_the_last_day_shown(world):
    def buckets(**filters):
        return {
            line.bucket: line.quantity for line in expiry_horizon(scope_of(world.staff, **filters))
        }

    # 31 Jan: 690 expire on 20 Feb (20 days), 500 on 30 Jun; rice has no expiry date.
    assert buckets() == {"expired": 0, "0-30": 690, "31-90": 0, "90+": 500}
    assert buckets(date_from=dt.date(2020, 4, 2), date_to=dt.date(2020, 4, 15)) == {
        "expired": 690,
        "0-30": 0,
        "31-90": 500,
        "90+": 0,
    }
    assert buckets(category="medicine") == {}


def test_coverage_shows_fill_rate_and_hours_waiting_by_district_and_street(world):
    cells = coverage(scope_of(world.coordinator))
    assert [
        (
            c.district.name,
            c.street.name,
            c.unit.name,
            c.category,
            c.requested,
            c.approved,
            c.delivered,
            c.fill_rate,
            c.hours_waiting,
        )
        for c in cells
    ] == [
        ("武侯区", "玉林街道", "玉林东路社区", "isolation_necessity", 100, 0, 0, None, 61.0),
        ("武侯区", "玉林街道", "玉林北路社区", "protective", 300, 300, 300, 1.0, None),
    ]
    assert [c.unit.name for c in coverage(scope_of(world.coordinator, category="protective"))] == [
        "玉林北路社区"
    ]
    # Her own unit only, for a community worker.
    assert [c.unit.name for c in coverage(scope_of(world.worker))] == ["玉林北路社区"]


def test_deliveries_measure_request_to_delivery_and_the_needed_by_date(world):
    (delivery,) = deliveries(scope_of(world.coordinator))
    assert delivery.request_id == world.delivered_request.pk
    assert delivery.lead_hours == 53.0  # 29 Jan 10:00 → 31 Jan 15:00
    assert delivery.on_time is True
    assert (delivery.district.name, delivery.unit.name, delivery.quantity) == (
        "武侯区",
        "玉林北路社区",
        300,
    )
    assert deliveries(scope_of(world.coordinator, date_from=JAN[1], date_to=JAN[30])) == []


def test_donation_flow_follows_the_shipment_lines_from_donor_to_unit(world):
    (gift,) = donation_flow(scope_of(world.coordinator))
    assert (gift.donor_name, gift.organisation_name, gift.district.name, gift.unit.name) == (
        DONOR,
        "成都市社区文化发展中心",
        "武侯区",
        "玉林北路社区",
    )
    assert (gift.arrived, gift.lost) == (300, 0)


def test_a_units_status_progress_and_waiting_list(world):
    north = scope_of(world.worker, unit_id=world.tree.north.pk)
    status = unit_status(north)
    assert (status.open_requests, status.hours_waiting, status.fill_rate, status.on_the_way) == (
        0,
        None,
        1.0,
        0,
    )
    (progress,) = unit_progress(north)
    assert (
        progress.requested,
        progress.approved,
        progress.allocated,
        progress.dispatched,
        progress.delivered,
    ) == (300, 300, 300, 300, 300)
    street = scope_of(world.coordinator, unit_id=world.tree.street.pk)
    assert [(w.request_id, w.unit.name, w.hours_waiting) for w in waiting_requests(street)] == [
        (world.waiting_request.pk, "玉林东路社区", 61.0)
    ]


def test_filters_narrow_and_nobody_sees_more_than_their_own(
    world, other_coordinator, outsider, admin_user
):
    ours = {world.tree.district.pk, world.tree.street.pk, world.tree.north.pk, world.tree.east.pk}
    assert scope_of(world.coordinator).unit_ids == ours
    assert scope_of(world.worker).unit_ids == {world.tree.north.pk}
    assert scope_of(world.east_worker).unit_ids == {world.tree.east.pk}
    for stranger in (other_coordinator, outsider):
        scope = scope_of(stranger, date_from=JAN[18], date_to=JAN[31])
        assert scope.unit_ids.isdisjoint(ours)
        assert stock_on_hand(scope) == [] and coverage(scope) == []
        assert donation_flow(scope) == [] and stock_over_time(scope) == []
    assert scope_of(admin_user).unit_ids >= ours
    elsewhere = scope_of(world.coordinator, district_id=world.tree.north.pk)
    assert elsewhere.unit_ids == {world.tree.north.pk}
    other_organisation = outsider.organisation_memberships.get().organisation_id
    assert scope_of(world.coordinator, organisation_id=other_organisation).unit_ids == set()
