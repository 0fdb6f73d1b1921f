from tests.factories import ItemFactory, ServedUnitFactory


def test_served_units_filter_by_district_kind_and_parent(api_coordinator, organisation):
    district = ServedUnitFactory(kind="district", name="武侯区")
    street = ServedUnitFactory(kind="street", parent=district, name="玉林街道")
    community = ServedUnitFactory(parent=street, name="玉林北路社区")
    other = ServedUnitFactory(kind="community", name="其他社区")
    for unit in (district, street, community, other):
        unit.organisations.add(organisation)

    def names(**q):
        return sorted(u["name"] for u in api_coordinator.get("/served-units", **q).json()["items"])

    assert names(district=district.pk) == ["玉林北路社区", "玉林街道"]
    assert names(parent=street.pk) == ["玉林北路社区"]
    assert names(kind="community") == ["其他社区", "玉林北路社区"]


def test_request_lists_filter_by_status_unit_and_priority(api_worker, make_request, unit):
    make_request(5, priority="critical")
    make_request(5, status="submitted", priority="low")
    assert api_worker.get("/requests", status="submitted").json()["count"] == 1
    assert api_worker.get("/requests", priority="critical").json()["count"] == 1
    assert api_worker.get("/requests", served_unit=unit.pk).json()["count"] == 2
    assert api_worker.get("/requests", status="nonsense").status_code == 422


def test_unknown_quantity_and_rejection(api_worker, api_coordinator, unit, item):
    created = api_worker.post(
        "/requests", {"served_unit": unit.pk, "lines": [{"item": item.code, "quantity": None}]}
    ).json()
    assert created["lines"][0]["quantity_requested"] is None
    api_worker.post(f"/requests/{created['id']}/submit")
    no_reason = api_coordinator.post(f"/requests/{created['id']}/reject", {"reason": " "})
    assert no_reason.status_code == 422
    rejected = api_coordinator.post(f"/requests/{created['id']}/reject", {"reason": "已由区里配发"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "已由区里配发"


def test_approve_must_name_lines_once(api_worker, api_coordinator, make_request):
    request = make_request(10, status="submitted")
    line = request.lines.get().pk
    twice = [{"id": line, "quantity_approved": 1}, {"id": line, "quantity_approved": 2}]
    response = api_coordinator.post(f"/requests/{request.pk}/approve", {"lines": twice})
    assert response.status_code == 422


def test_a_new_request_is_answered_as_a_get_of_it_would_be(api_worker, unit, item):
    """The 201 is built from what the service wrote, not read back: it must say exactly
    what a later GET says — every line, in order, and the history."""
    other = ItemFactory(code="rice", name_zh="大米")
    response = api_worker.post(
        "/requests",
        {
            "served_unit": unit.pk,
            "priority": "high",
            "people_served": 80,
            "reason": "隔离户",
            "lines": [
                {"item": item.code, "quantity": 50, "note": "N95"},
                {"item": other.code, "quantity": None},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [line["item"] for line in created["lines"]] == [item.code, other.code]
    assert [(h["from"], h["to"], h["by"]) for h in created["history"]] == [("", "draft", "worker")]
    assert api_worker.get(f"/requests/{created['id']}").json() == created
