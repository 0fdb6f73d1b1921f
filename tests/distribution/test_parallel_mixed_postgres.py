"""Twenty coordinators and warehouse hands at once, on the same items at the same site:
allocate, ship and dispatch, confirm delivery, write off. Whatever interleaving PostgreSQL
picks, every refusal is a domain error (no 500), and afterwards the ledger, the balances,
the reservations and the request lines all still agree (issue 14)."""

import random
import threading
import traceback
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from core.exceptions import DomainError
from inventory.models import StockBalance
from inventory.selectors import ledger_mismatches
from logistics.models import Allocation, AllocationStatus, Shipment, ShipmentStatus
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
    stock_write_off_releasing,
)
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.conftest import requires_postgres
from tests.factories import ItemFactory, ServedUnitFactory, UnitMembershipFactory, UserFactory

pytestmark = [requires_postgres(), pytest.mark.postgres]

THREADS, ROUNDS = 20, 6


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_mixing_every_stock_operation_leave_the_ledger_clean(
    coordinator, staff, organisation, site, item, receive
):
    items = [item, ItemFactory(code="gloves", name_en="Gloves")]
    lots = [receive(400, lot_item=i, batch=f"{i.code}-{n}") for i in items for n in range(2)]
    units = []
    lines = []
    for n in range(4):
        unit = ServedUnitFactory(code=f"community-{n}", name=f"社区{n}")
        unit.organisations.add(organisation)
        units.append(unit)
        worker = UnitMembershipFactory(user=UserFactory(), served_unit=unit).user
        for _ in range(2):
            request = request_create(
                actor=worker,
                served_unit=unit,
                lines=[RequestLineInput(item=i, quantity=150) for i in items],
            )
            request = request_submit(actor=worker, request=request)
            request = request_approve(
                actor=coordinator,
                request=request,
                approved={line.pk: 150 for line in request.lines.all()},
            )
            lines.extend(request.lines.values_list("pk", flat=True))
    outcomes: Counter = Counter()
    unexpected: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        start.wait()
        try:
            for _ in range(ROUNDS):
                action = rng.choice(["allocate", "allocate", "ship", "deliver", "write_off"])
                try:
                    if action == "allocate":
                        allocation_commit(
                            actor=coordinator,
                            allocations=[
                                AllocationInput(rng.choice(lines), site, rng.randint(1, 40))
                            ],
                        )
                    elif action == "ship":
                        shipment = shipment_create(
                            actor=coordinator, site=site, served_unit=rng.choice(units)
                        )
                        shipment_dispatch(actor=coordinator, shipment=shipment)
                    elif action == "deliver":
                        shipment = (
                            Shipment.objects.filter(status=ShipmentStatus.DISPATCHED)
                            .order_by("?")
                            .first()
                        )
                        if shipment is None:
                            continue
                        shipment_deliver(actor=coordinator, shipment=shipment)
                    else:
                        stock_write_off_releasing(
                            actor=staff,
                            site=site,
                            lot=rng.choice(lots),
                            quantity=rng.randint(1, 15),
                            reason="damaged",
                        )
                    outcomes[(action, "ok")] += 1
                except DomainError as refused:
                    outcomes[(action, refused.code)] += 1
        except BaseException as error:  # a 500 in the making
            traceback.print_exc()  # shown by pytest if the test fails
            unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads)
    assert unexpected == []
    assert outcomes[("allocate", "ok")] and outcomes[("ship", "ok")], outcomes
    # The ledger: every balance equals the sum of its movements (and verify_ledger agrees).
    assert ledger_mismatches() == []
    call_command("verify_ledger")
    # The promises: each balance's reserved is exactly its live reservations.
    live = defaultdict(int)
    for row in (
        Allocation.objects.filter(
            status__in=[AllocationStatus.RESERVED, AllocationStatus.IN_SHIPMENT]
        )
        .values("site_id", "lot_id")
        .annotate(total=Sum("quantity"))
    ):
        live[(row["site_id"], row["lot_id"])] = row["total"]
    for balance in StockBalance.objects.all():
        assert balance.reserved == live[(balance.site_id, balance.lot_id)], balance
