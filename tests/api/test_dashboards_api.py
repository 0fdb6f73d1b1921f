import datetime as dt

import time_machine

from logistics.services import shipment_create, shipment_deliver, shipment_dispatch


def test_summary_counts_what_the_coordinator_watches(
    api_coordinator, coordinator, worker, approved, allocate, receive, make_request, site, unit
):
    with time_machine.travel(dt.datetime(2020, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        receive(100, expiry=dt.date(2020, 2, 20))
        make_request(10, status="submitted")  # waiting, submitted on 1 Feb
        request = approved(40)
        allocate(request, 40)
        shipment = shipment_create(actor=coordinator, site=site, served_unit=unit)
        shipment_dispatch(actor=coordinator, shipment=shipment)
        shipment_deliver(actor=worker, shipment=shipment)
    summary = api_coordinator.get("/dashboards/summary", as_of="2020-02-04").json()
    assert summary == {
        "as_of": "2020-02-04",
        "open_requests": 1,
        "units_waiting_over_48h": 1,
        "fill_rate_this_week": 1.0,
        "approved_this_week": 40,
        "delivered_this_week": 40,
        "items_out_of_stock": 0,
        "expiring_within_30_days": 60,
        "expired_on_hand": 0,
    }
    too_early = api_coordinator.get("/dashboards/summary", as_of="2020-02-02").json()
    assert too_early["units_waiting_over_48h"] == 0
