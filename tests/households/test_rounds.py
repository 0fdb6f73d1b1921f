"""Door-to-door rounds: planned from the community's stock (reserved), ordered by building,
an outcome per door, closing gives back what was not handed over."""

import pytest
from django.core.management import call_command

from core.exceptions import (
    Conflict,
    IllegalTransition,
    InsufficientStock,
    NotPermitted,
    ValidationFailed,
)
from households.models import Handover, Outcome, PersonalDataRead
from households.selectors import round_doors, rounds_open_for
from households.services.rounds import round_close, round_plan, round_record_outcome
from inventory.models import StockBalance
from logistics.models import CommunityStockPoint
from tests.households.conftest import PHONE


def point_balance(unit):
    point = CommunityStockPoint.objects.get(served_unit=unit)
    rows = StockBalance.objects.filter(site=point.site)
    return sum(r.on_hand for r in rows), sum(r.reserved for r in rows)


def test_plan_reserves_and_orders_doors_by_building(planned_round, two_doors, unit):
    near, far = two_doors
    assert point_balance(unit) == (60, 10)
    stops = list(planned_round.stops.order_by("position"))
    assert [s.household_id for s in stops] == [near.pk, far.pk]  # 3栋 before 12栋


def test_outcomes_then_close_returns_the_rest(planned_round, volunteer, worker, unit):
    first, second = planned_round.stops.order_by("position")
    round_record_outcome(actor=volunteer, stop=first, outcome=Outcome.LEFT_AT_DOOR)
    assert point_balance(unit) == (55, 5)
    # A double tap records nothing new.
    round_record_outcome(actor=volunteer, stop=first, outcome=Outcome.LEFT_AT_DOOR)
    assert Handover.objects.count() == 1
    with pytest.raises(Conflict):
        round_record_outcome(actor=volunteer, stop=first, outcome=Outcome.REFUSED)
    round_record_outcome(actor=volunteer, stop=second, outcome=Outcome.NOT_HOME)
    round_close(actor=worker, round_=planned_round)
    assert point_balance(unit) == (55, 0)  # the 5 not handed over are free again
    with pytest.raises(IllegalTransition):
        round_record_outcome(actor=volunteer, stop=second, outcome=Outcome.HANDED_OVER)
    call_command("verify_ledger")


def test_plan_cannot_promise_more_than_the_stock(
    delivered, two_doors, worker, volunteer, unit, item
):
    with pytest.raises(InsufficientStock):
        round_plan(
            actor=worker,
            served_unit=unit,
            volunteer=volunteer,
            item=item,
            quantity=31,
            households=list(two_doors),
        )
    assert point_balance(unit) == (60, 0)


def test_plan_refuses_households_of_another_community_and_non_volunteers(
    delivered, two_doors, worker, register, sibling, sibling_worker, unit, item, coordinator
):
    theirs = register("13700000000", by=sibling_worker, at=sibling, room="707")
    with pytest.raises(ValidationFailed):
        round_plan(
            actor=worker,
            served_unit=unit,
            volunteer=worker,
            item=item,
            quantity=1,
            households=[two_doors[0], theirs],
        )
    with pytest.raises(ValidationFailed):
        round_plan(
            actor=worker,
            served_unit=unit,
            volunteer=coordinator,
            item=item,
            quantity=1,
            households=[two_doors[0]],
        )
    with pytest.raises(NotPermitted):
        round_plan(
            actor=coordinator,
            served_unit=unit,
            volunteer=worker,
            item=item,
            quantity=1,
            households=[two_doors[0]],
        )


def test_entitlement_holds_across_rounds(planned_round, volunteer, weekly, unit, item, worker):
    first = planned_round.stops.order_by("position").first()
    round_record_outcome(actor=volunteer, stop=first, outcome=Outcome.HANDED_OVER)
    with pytest.raises(Conflict):
        round_plan(
            actor=worker,
            served_unit=unit,
            volunteer=volunteer,
            item=item,
            quantity=1,
            households=[first.household],
        )


def test_volunteer_sees_her_round_with_masked_phone(planned_round, volunteer, worker):
    assert list(rounds_open_for(volunteer)) == [planned_round]
    doors = round_doors(user=volunteer, round_=planned_round)
    assert doors[0].phone == "138******78" and doors[0].contact_name == "张阿姨"
    assert PHONE not in repr(doors)
    assert round_doors(user=worker, round_=planned_round)[0].phone == PHONE
    assert PersonalDataRead.objects.filter(user=volunteer, purpose="round").count() == 2


def test_volunteer_loses_sight_when_the_round_closes(planned_round, volunteer, worker):
    round_close(actor=worker, round_=planned_round)
    with pytest.raises(NotPermitted):
        round_doors(user=volunteer, round_=planned_round)
    assert list(rounds_open_for(volunteer)) == []


def test_other_volunteers_and_outsiders_see_nothing(planned_round, idle_volunteer, coordinator):
    for user in (idle_volunteer, coordinator):
        with pytest.raises(NotPermitted):
            round_doors(user=user, round_=planned_round)
        with pytest.raises(NotPermitted):
            round_record_outcome(
                actor=user, stop=planned_round.stops.first(), outcome=Outcome.REFUSED
            )
