"""The planner is fair per served unit, not per line; need comes from the directory (a
request's own figure only up to it); every committed plan is stored with its changes and
reasons and can be read back on the request's story (issue 14)."""

import pytest
from django.urls import reverse

from core.exceptions import ValidationFailed
from logistics.models import PlanRecord
from logistics.selectors import allocation_plan, request_story
from logistics.services import PlannedQuantity, plan_commit
from tests.api.conftest import ApiClient
from tests.factories import ItemFactory, ServedUnitFactory, UnitMembershipFactory, UserFactory
from tests.test_helpers_requests import approved_for


@pytest.fixture
def thermometers(db):
    return ItemFactory(code="thermometer", name_zh="体温计", name_en="Thermometer")


@pytest.fixture
def twin(organisation):
    """A community just like `unit` (same registered population), with its own worker."""
    community = ServedUnitFactory(code="twin", name="双子社区", population=1000, households=800)
    community.organisations.add(organisation)
    return community, UnitMembershipFactory(user=UserFactory(), served_unit=community).user


def _totals(plan) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in plan.allocations:
        totals[line.served_unit_name] = totals.get(line.served_unit_name, 0) + line.quantity
    return totals


def test_two_requests_do_not_earn_a_unit_twice_the_share(
    coordinator, site, unit, worker, twin, thermometers, receive
):
    receive(150, lot_item=thermometers)
    twin_unit, twin_worker = twin
    # `unit` files two requests of 100 each; its twin one request of 200.
    approved_for(unit, worker, coordinator, 100, item=thermometers)
    approved_for(unit, worker, coordinator, 100, item=thermometers)
    approved_for(twin_unit, twin_worker, coordinator, 200, item=thermometers)
    plan = allocation_plan(actor=coordinator, items=[thermometers], sites=[site])
    assert _totals(plan) == {unit.name: 75, twin_unit.name: 75}
    per_person = {e["served_unit_name"]: e["share_per_person"] for e in plan.explanation}
    assert per_person == {unit.name: 0.075, twin_unit.name: 0.075}


def test_a_requests_people_served_counts_only_up_to_the_directory(
    coordinator, site, unit, worker, twin, thermometers, receive
):
    receive(100, lot_item=thermometers)
    twin_unit, twin_worker = twin
    from supply_requests.models import SupplyRequest

    inflated = approved_for(unit, worker, coordinator, 100, item=thermometers)
    SupplyRequest.objects.filter(pk=inflated.pk).update(people_served=50_000)
    approved_for(twin_unit, twin_worker, coordinator, 100, item=thermometers)
    plan = allocation_plan(actor=coordinator, items=[thermometers], sites=[site])
    assert _totals(plan) == {unit.name: 50, twin_unit.name: 50}
    capped = next(e for e in plan.explanation if e["served_unit"] == unit.pk)
    assert (capped["need"], capped["need_claimed"], capped["need_capped"]) == (1000, 50_000, True)
    assert "said 50000 people; the directory's figure, 1000, was used" in capped["text"]


@pytest.fixture
def short_plan(coordinator, site, unit, worker, twin, thermometers, receive):
    receive(100, lot_item=thermometers)
    twin_unit, twin_worker = twin
    mine = approved_for(unit, worker, coordinator, 100, item=thermometers)
    theirs = approved_for(twin_unit, twin_worker, coordinator, 100, item=thermometers)
    return mine, theirs


def test_a_changed_quantity_needs_a_reason(coordinator, site, thermometers, short_plan):
    mine, _theirs = short_plan
    line = mine.lines.get()
    with pytest.raises(ValidationFailed) as refused:
        plan_commit(
            actor=coordinator,
            items=[thermometers],
            sites=[site],
            quantities=[PlannedQuantity(line.pk, site, 60)],
        )
    assert str(line.pk) in refused.value.message
    assert not PlanRecord.objects.exists()
    assert line.__class__.objects.get(pk=line.pk).quantity_allocated == 0


def test_a_committed_plan_is_stored_and_told_on_the_requests_story(
    coordinator, site, thermometers, short_plan, client
):
    mine, theirs = short_plan
    mine_line, theirs_line = mine.lines.get(), theirs.lines.get()
    record = plan_commit(
        actor=coordinator,
        items=[thermometers],
        sites=[site],
        quantities=[
            PlannedQuantity(mine_line.pk, site, 60, reason="发热病人多"),
            PlannedQuantity(theirs_line.pk, site, 40, reason="已从街道领到一批"),
        ],
    )
    assert record.committed_by == coordinator
    assert record.proposal == [
        {"request_line": mine_line.pk, "site": site.code, "quantity": 50},
        {"request_line": theirs_line.pk, "site": site.code, "quantity": 50},
    ]
    assert [(c["committed"], c["reason"]) for c in record.changes] == [
        (60, "发热病人多"),
        (40, "已从街道领到一批"),
    ]
    assert {e["why_code"] for e in record.explanation} == {"fair_share"}
    assert "text" not in record.explanation[0]  # codes are stored, words are not
    assert mine.lines.get().quantity_allocated == 60
    assert set(record.requests.all()) == {mine, theirs}
    [event] = [e for e in request_story(mine) if e.what == "plan"]
    assert "changed 50 to 60 from 仓库" in event.note and "发热病人多" in event.note
    client.force_login(coordinator)
    page = client.get(
        reverse("pages:request", args=[mine.pk]), headers={"Accept-Language": "zh-hans"}
    )
    assert "体温计" in page.text and "发热病人多" in page.text
    assert "fair share" not in page.text and "gets" not in page.text


def test_the_api_commits_a_plan_and_reads_it_back(coordinator, site, thermometers, short_plan):
    mine, _theirs = short_plan
    api = ApiClient(coordinator)
    committed = api.post(
        "/allocations/plan/commit",
        {"items": [thermometers.code], "sites": [site.code], "allocations": []},
    )
    assert committed.status_code == 201, committed.json()
    assert committed.json()["changes"] == []
    plans = api.get(f"/requests/{mine.pk}/plans").json()
    assert [p["id"] for p in plans] == [committed.json()["id"]]
    assert plans[0]["explanation"][0]["why_code"] == "fair_share"
    assert mine.lines.get().quantity_allocated == 50
