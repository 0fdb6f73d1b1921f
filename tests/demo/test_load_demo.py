"""`manage.py load_demo --as-of 2020-02-09`: the demo world on its historical dates loads,
holds together, and loads again as a no-op. (Told with today as its last day, the same
story is moved by whole days: `test_demo_today.py`.)

The world is loaded once for this module — a load replays a fortnight of requests and
deliveries — and every test only reads it (a second load changes nothing by design). Tests
that need an empty or a specially prepared database are in `test_load_demo_guards.py`.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.db import connection, transaction
from django.test import override_settings

from demo.world.requests_data import GAOXIN
from inventory.models import (
    Item,
    ItemAlias,
    ItemCategory,
    MovementKind,
    Organisation,
    StockAdjustment,
    StockBalance,
    StockMovement,
)
from inventory.selectors import ledger_mismatches
from logistics.models import Allocation, DiscrepancyReason, Shipment, ShipmentLine, ShipmentStatus
from notifications.models import Notification
from supply_requests.models import (
    RequestStatus,
    ServedUnit,
    ServedUnitKind,
    SupplyRequest,
    SupplyRequestLine,
)
from supply_requests.roles import roles_for
from tests.demo.commands import FAST_HASHER, load

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY, LAST_DAY = dt.date(2020, 1, 25), dt.date(2020, 2, 9)
LOGINS = ("admin", "coordinator", "staff", "worker")
HISTORICAL = LAST_DAY.isoformat()


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo world, loaded once and rolled back after the module; the value is what the
    command printed. Each test runs in a savepoint inside this transaction."""
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        output = load("--as-of", HISTORICAL)
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db, settings) -> str:
    settings.DEBUG = True  # the second-load test runs the command again
    return demo_world


def row_counts() -> dict[str, int]:
    """Rows of every model that has a table (a model still waiting for its migration has none)."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in tables
    }


def test_load_prints_the_logins_and_the_url(demo):
    for username in LOGINS:
        assert f"  {username} " in demo
    assert "“demo”" in demo
    assert "http://127.0.0.1:8000/" in demo


def test_second_load_changes_nothing(demo):
    counts = row_counts()
    assert counts["inventory.StockMovement"] > 0
    movement_ids = set(StockMovement.objects.values_list("pk", flat=True))
    balances = set(StockBalance.objects.values_list("site_id", "lot_id", "on_hand", "reserved"))

    output = load("--as-of", HISTORICAL)

    assert row_counts() == counts
    assert set(StockMovement.objects.values_list("pk", flat=True)) == movement_ids
    assert (
        set(StockBalance.objects.values_list("site_id", "lot_id", "on_hand", "reserved"))
        == balances
    )
    assert "nothing to add" in output


def test_the_story_notices_before_its_last_day_were_read_then(demo):
    """A coordinator opening the demo sees the last day's news, not weeks of old notices."""
    coordinator = get_user_model().objects.get(username="coordinator")
    last_day_starts = dt.datetime.combine(LAST_DAY, dt.time.min, tzinfo=SHANGHAI)
    notices = Notification.objects.filter(recipient=coordinator)
    assert notices.filter(created_at__lt=last_day_starts).count() > 10
    assert not notices.filter(created_at__lt=last_day_starts, read_at__isnull=True).exists()
    # Read when they came: the moment they were told, not the moment of the load.
    assert all(n.read_at == n.created_at for n in notices.filter(read_at__isnull=False))
    assert notices.filter(read_at__isnull=True).exists()  # the last day's stay new


def test_a_second_load_leaves_a_users_unread_notices_alone(demo):
    coordinator = get_user_model().objects.get(username="coordinator")
    mine = Notification.objects.filter(recipient=coordinator).order_by("created_at").first()
    Notification.objects.filter(pk=mine.pk).update(read_at=None)

    load("--as-of", HISTORICAL)

    mine.refresh_from_db()
    assert mine.read_at is None


def test_served_units_form_a_district_street_community_tree(demo):
    centre = Organisation.objects.get(code="cd-culture")
    receiving = centre.served_units.exclude(
        kind__in=[ServedUnitKind.DISTRICT, ServedUnitKind.STREET, ServedUnitKind.TOWN]
    )
    assert receiving.count() >= 49
    communities = ServedUnit.objects.filter(
        kind=ServedUnitKind.COMMUNITY,
        parent__kind=ServedUnitKind.STREET,
        parent__parent__kind=ServedUnitKind.DISTRICT,
        parent__parent__parent=None,
        organisations=centre,
    )
    assert communities.count() >= 30
    assert ServedUnit.objects.get(name="玉林北路社区").parent.name == "玉林街道"
    assert ServedUnit.objects.filter(frontline_medical=True, organisations=centre).count() >= 2
    assert ServedUnit.objects.filter(kind=ServedUnitKind.VILLAGE).exists()


def test_catalogue_has_both_protective_and_isolation_items(demo):
    assert Item.objects.count() >= 30
    categories = set(Item.objects.values_list("category", flat=True))
    assert {ItemCategory.PROTECTIVE, ItemCategory.ISOLATION_NECESSITY} <= categories
    rice = Item.objects.get(code="rice")
    assert sorted(rice.packs.values_list("name", "quantity")) == [("袋", 10), ("袋", 25)]
    assert ItemAlias.objects.get(alias="N95口罩").item.code == "n95-mask"


def test_demo_logins_authenticate_and_have_their_roles(demo):
    users = {name: authenticate(username=name, password="demo") for name in LOGINS}
    assert all(users.values()), users
    centre = Organisation.objects.get(code="cd-culture")
    unit = ServedUnit.objects.get(name="玉林北路社区")

    assert roles_for(users["admin"]).is_admin
    assert users["admin"].is_staff
    assert roles_for(users["coordinator"]).coordinator_organisation_ids == {centre.pk}
    assert roles_for(users["staff"]).staff_organisation_ids == {centre.pk}
    worker = roles_for(users["worker"])
    assert unit.pk in worker.worker_unit_ids
    assert not worker.organisation_ids
    # Staff and coordinator work for an organisation that serves the worker's community.
    assert unit.organisations.filter(pk=centre.pk).exists()


def test_ledger_agrees_with_balances(demo):
    assert ledger_mismatches() == []


def test_stock_tells_the_2020_story(demo):
    kinds = set(StockMovement.objects.values_list("kind", flat=True))
    assert {
        MovementKind.RECEIPT,
        MovementKind.TRANSFER_OUT,
        MovementKind.TRANSFER_IN,
        MovementKind.WRITE_OFF,
        MovementKind.ADJUSTMENT,
    } <= kinds
    reasons = set(StockAdjustment.objects.values_list("reason", flat=True))
    assert {"damaged", "expired", "count_correction"} <= reasons
    # N95 masks were scarce before February and arrived in bulk after.
    received = StockMovement.objects.filter(kind=MovementKind.RECEIPT, item__code="n95-mask")
    by_day = [(m.occurred_at.astimezone(SHANGHAI).date(), m.quantity) for m in received]
    early = sum(quantity for day, quantity in by_day if day < dt.date(2020, 2, 1))
    late = sum(quantity for day, quantity in by_day if day >= dt.date(2020, 2, 1))
    assert 0 < early < late


def test_every_movement_is_dated_in_the_2020_window(demo):
    days = {m.occurred_at.astimezone(SHANGHAI).date() for m in StockMovement.objects.all()}
    assert days
    assert min(days) >= FIRST_DAY
    assert max(days) <= LAST_DAY


def shanghai_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def test_requests_and_shipments_reach_every_state(demo):
    requests = SupplyRequest.objects.all()
    assert 25 <= requests.count() <= 40
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(Shipment.objects.values_list("status", flat=True)) == set(ShipmentStatus.values)
    in_fulfilment = requests.filter(status=RequestStatus.IN_FULFILMENT)
    # Reserved and not shipped, on a planned shipment, and on the road.
    assert in_fulfilment.filter(lines__allocations__status="reserved").exists()
    assert in_fulfilment.filter(lines__allocations__status="in_shipment").exists()
    assert in_fulfilment.filter(lines__shipment_lines__shipment__status="dispatched").exists()
    for status in (RequestStatus.REJECTED, RequestStatus.CLOSED, RequestStatus.CANCELLED):
        for request in requests.filter(status=status):
            assert request.history.get(to_status=status).note.strip(), request
    # Some waited a fortnight with nobody deciding.
    forgotten = requests.filter(
        status=RequestStatus.SUBMITTED, submitted_at__lt=dt.datetime(2020, 2, 1, tzinfo=SHANGHAI)
    )
    assert forgotten.count() >= 2
    # Quantities left unknown by the community were set by the coordinator.
    assert SupplyRequestLine.objects.filter(
        quantity_requested=None, quantity_approved__gt=0
    ).exists()

    worker = get_user_model().objects.get(username="worker")
    own = requests.filter(requested_by=worker)
    assert own.filter(status=RequestStatus.FULFILLED).exists()
    assert own.filter(
        status=RequestStatus.IN_FULFILMENT, lines__shipment_lines__shipment__status="dispatched"
    ).exists()


def test_request_quantities_and_histories_hold_together(demo):
    for line in SupplyRequestLine.objects.all():
        assert (
            line.quantity_approved
            >= line.quantity_allocated
            >= line.quantity_dispatched
            >= line.quantity_delivered
        ), line
    for request in SupplyRequest.objects.prefetch_related("history"):
        history = list(request.history.all())
        assert (history[0].from_status, history[0].to_status) == ("", RequestStatus.DRAFT)
        for before, after in pairwise(history):
            assert after.from_status == before.to_status, request
            assert after.at >= before.at, request
        assert history[-1].to_status == request.status
        stamps = [request.created_at, request.submitted_at, request.decided_at, request.closed_at]
        assert all(FIRST_DAY <= shanghai_day(at) <= LAST_DAY for at in stamps if at), request
        assert [at for at in stamps if at] == sorted(at for at in stamps if at), request
    for shipment in Shipment.objects.prefetch_related("history"):
        stamps = [shipment.created_at, shipment.dispatched_at, shipment.delivered_at]
        stamps += [change.at for change in shipment.history.all()]
        assert all(FIRST_DAY <= shanghai_day(at) <= LAST_DAY for at in stamps if at), shipment


def test_the_story_never_moves_stock_before_it_arrived(demo):
    running: dict[tuple[int, int], int] = defaultdict(int)
    arrived: dict[tuple[int, int], dt.datetime] = {}
    for movement in StockMovement.objects.order_by("occurred_at", "pk"):
        key = (movement.site_id, movement.lot_id)
        if movement.quantity > 0:
            arrived.setdefault(key, movement.occurred_at)
        running[key] += movement.quantity
        assert running[key] >= 0, movement
    for allocation in Allocation.objects.all():
        assert allocation.created_at >= arrived[(allocation.site_id, allocation.lot_id)]
    # The High-tech Zone point was counted on 8 February at 17:00: nothing left it after.
    counted = dt.datetime(2020, 2, 8, 17, tzinfo=SHANGHAI)
    assert not StockMovement.objects.filter(
        site__code=GAOXIN, occurred_at__gt=counted, quantity__lt=0
    ).exists()


def test_scarce_masks_were_rationed_then_shared_fairly(demo):
    spring_festival = dt.datetime(2020, 2, 1, tzinfo=SHANGHAI)
    early = SupplyRequest.objects.filter(decided_at__lt=spring_festival)
    assert early.filter(status=RequestStatus.PARTIALLY_APPROVED).count() == 0  # all served since
    assert early.filter(history__to_status=RequestStatus.PARTIALLY_APPROVED).count() >= 4
    # The planner's split of the High-tech Zone point's N95s (one lot: one allocation a line).
    shares = Allocation.objects.filter(
        site__code=GAOXIN, lot__item__code="n95-mask"
    ).select_related("request_line__request__served_unit")
    frontline = [a for a in shares if a.request_line.request.served_unit.frontline_medical]
    normal = [a for a in shares if a.request_line.request.priority == "normal"]
    assert frontline and len(normal) >= 3
    # The front line got all it was still owed, so it never needed stock again …
    for share in frontline:
        line = share.request_line
        assert line.quantity_allocated == line.quantity_approved
        assert not line.allocations.filter(created_at__gt=share.created_at).exists()
    # … the communities a share each, in proportion to the people they serve …
    assert all(0 < a.quantity < a.request_line.quantity_approved for a in normal)
    per_person = [a.quantity / a.request_line.request.people_served for a in normal]
    assert max(per_person) - min(per_person) < 0.01
    # … and the evening's consignment made most of them whole.
    topped_up = [
        a for a in normal if a.request_line.allocations.filter(created_at__gt=a.created_at).exists()
    ]
    assert len(topped_up) >= 2


def test_deliveries_record_damage_and_returns(demo):
    reasons = set(
        ShipmentLine.objects.exclude(discrepancy_reason="").values_list(
            "discrepancy_reason", flat=True
        )
    )
    assert {DiscrepancyReason.DAMAGED, DiscrepancyReason.RETURNED} <= reasons
    assert StockMovement.objects.filter(kind=MovementKind.RETURN).exists()
