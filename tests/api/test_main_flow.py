"""The contract scripts are written against (issue: "The contract of the main flow"):
exact paths, shapes and status words, driven through the API alone."""

from inventory.selectors import ledger_mismatches


def test_the_main_flow_through_the_api_alone(
    api_staff, api_worker, api_coordinator, site, item, unit
):
    response = api_staff.post(
        "/donations",
        {
            "site": site.code,
            "donor": "壹基金",
            "received_at": "2020-01-28",
            "lines": [{"item": item.code, "quantity": 500, "batch": "B1", "expiry": "2031-01-01"}],
        },
    )
    assert response.status_code == 201, response.json()
    donation = response.json()
    assert donation["id"] and donation["lines"][0]["quantity"] == 500

    balances = api_staff.get("/stock/balances", site=site.code, item=item.code).json()
    assert balances["count"] == 1
    assert balances["items"][0] | {"lot": 0} == {
        "site": site.code,
        "item": item.code,
        "lot": 0,
        "batch": "B1",
        "on_hand": 500,
        "reserved": 0,
        "available": 500,
        "expired": 0,
        "expiry": "2031-01-01",
    }

    response = api_worker.post(
        "/requests",
        {
            "served_unit": unit.pk,
            "priority": "critical",
            "needed_by": "2020-02-01",
            "people_served": 120,
            "lines": [{"item": item.code, "quantity": 50}],
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft"
    request_id, line_id = created["id"], created["lines"][0]["id"]

    assert api_worker.post(f"/requests/{request_id}/submit").json()["status"] == "submitted"
    approved = api_coordinator.post(
        f"/requests/{request_id}/approve",
        {"lines": [{"id": line_id, "quantity_approved": 40}]},
    ).json()
    assert approved["status"] == "partially_approved"

    plan = api_coordinator.post(
        "/allocations/plan", {"items": [item.code], "sites": [site.code]}
    ).json()
    assert [(a["request_line"], a["site"], a["quantity"]) for a in plan["allocations"]] == [
        (line_id, site.code, 40)
    ]
    assert plan["explanation"][0]["tier_label"] == "frontline medical or critical"
    committed = api_coordinator.post(
        "/allocations/commit",
        {"allocations": [{"request_line": line_id, "site": site.code, "quantity": 40}]},
    )
    assert committed.status_code == 201, committed.json()

    response = api_coordinator.post("/shipments", {"site": site.code, "served_unit": unit.pk})
    assert response.status_code == 201, response.json()
    shipment = response.json()
    assert shipment["status"] == "planned"
    assert [(line["item"], line["quantity"]) for line in shipment["lines"]] == [(item.code, 40)]
    shipment_line = shipment["lines"][0]["id"]

    dispatched = api_coordinator.post(f"/shipments/{shipment['id']}/dispatch").json()
    assert dispatched["status"] == "dispatched"
    delivered = api_worker.post(
        f"/shipments/{shipment['id']}/deliver",
        {"lines": [{"id": shipment_line, "quantity_received": 38, "reason": "damaged"}]},
    ).json()
    assert delivered["status"] == "delivered_with_discrepancy"

    story = api_worker.get(f"/requests/{request_id}").json()
    assert story["lines"][0] | {"id": 0} == story["lines"][0] | {
        "id": 0,
        "item": item.code,
        "quantity_requested": 50,
        "quantity_approved": 40,
        "quantity_allocated": 38,
        "quantity_dispatched": 38,
        "quantity_delivered": 38,
    }
    assert [(h["from"], h["to"], h["by"]) for h in story["history"]] == [
        ("", "draft", "worker"),
        ("draft", "submitted", "worker"),
        ("submitted", "partially_approved", "coordinator"),
        ("partially_approved", "in_fulfilment", "coordinator"),
    ]
    closed = api_coordinator.post(f"/requests/{request_id}/close", {"reason": "2 damaged, no more"})
    assert closed.json()["status"] == "closed"
    assert ledger_mismatches() == []
