"""The dashboards benchmark's data: a directory by the ORM, a history written with COPY.

200 sites of 199 organisations (the measured one has two warehouses and serves district 0:
51 units, like the Chengdu centre's 49), 300 items, 1,020 served units (20 districts × 5
streets × 9 communities), 60 donors. Every day: 250 receipts (new lots), 100 requests of
three items, yesterday's requests shipped from one site of the serving organisation and
delivered within three days, and small counts and write-offs up to 1,000 movements. Demand
(~63,000 units a day) runs a little ahead of donations (~50,000): stock stays scarce, as it
was in 2020, and what is on the shelves does not pile up with the years — so a longer
history means more past, not more present. The
roll-up rows, balances and request counters are computed from the very movements written,
so they agree with the ledger (the benchmark checks it). Simple on purpose: issue 9 builds
the full generator.
"""

import csv
import io
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
PER_DAY = 1_000


class Table:
    """Rows of one table as CSV in memory, written with one COPY; ids are ours."""

    def __init__(self, name: str, columns: str) -> None:
        self.name, self.columns = name, columns.split()
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.last_id = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def write(self, *values) -> None:
        self.writer.writerow(["\\N" if v is None else v for v in values])

    def copy(self, cursor) -> None:
        self.buffer.seek(0)
        columns = ", ".join(self.columns)
        cursor.copy_expert(
            f"COPY {self.name} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", self.buffer
        )
        if self.columns[0] == "id" and self.last_id:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.name}', 'id'), %s)", [self.last_id]
            )


def at(day: date, hour: int, minute: int) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).isoformat()


@dataclass
class Personas:
    coordinator: object
    worker: object
    worker_unit: int
    movements: int
    days: int


class History:
    def __init__(self, *, rng: random.Random, actor: int, today: date) -> None:
        self.rng, self.actor, self.today = rng, actor, today
        self.now = datetime.now(UTC)
        self.lots = Table("inventory_lot", "id item_id donor_id batch expiry received_at")
        self.moves = Table(
            "inventory_stockmovement",
            "site_id lot_id item_id quantity kind reason actor_id occurred_at created_at "
            "document_type document_id",
        )
        self.requests = Table(
            "requests_supplyrequest",
            "id served_unit_id requested_by_id priority needed_by people_served reason status "
            "decision_note created_at submitted_at decided_at closed_at",
        )
        self.lines = Table(
            "requests_supplyrequestline",
            "id request_id item_id quantity_requested quantity_approved quantity_allocated "
            "quantity_dispatched quantity_delivered quantity_short note",
        )
        self.allocations = Table(
            "logistics_allocation",
            "id request_line_id site_id lot_id quantity status created_by_id created_at",
        )
        self.shipments = Table(
            "logistics_shipment",
            "id site_id served_unit_id status vehicle driver contact dispatched_at delivered_at "
            "created_by_id created_at",
        )
        self.shiplines = Table(
            "logistics_shipmentline",
            "id shipment_id allocation_id request_line_id item_id lot_id quantity "
            "quantity_received discrepancy_reason note",
        )
        self.rollups = Table(
            "inventory_dailystockrollup",
            "day site_id item_id received dispatched other_change on_hand",
        )
        self.balances = Table(
            "inventory_stockbalance", "site_id lot_id item_id expiry on_hand reserved updated_at"
        )
        self.stock: dict[int, int] = {}
        self.expiry: dict[int, date | None] = {}
        self.home: dict[int, tuple[int, int]] = {}
        self.shelf: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.on_hand: dict[tuple[int, int], int] = defaultdict(int)
        self.day_totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        self.written = 0

    def move(self, when: str, lot: int, quantity: int, kind: str, shipline=None) -> None:
        site, item = self.home[lot]
        document = ("shipment_line", shipline) if shipline else ("", None)
        self.moves.write(site, lot, item, quantity, kind, "", self.actor, when, when, *document)
        self.stock[lot] += quantity
        self.on_hand[(site, item)] += quantity
        part = {"receipt": 0, "dispatch": 1}.get(kind, 2)
        self.day_totals[(site, item)][part] += -quantity if kind == "dispatch" else quantity
        self.written += 1

    def receive(self, day: date, site: int, item: int, donor: int, expires: bool) -> None:
        lot = self.lots.next_id()
        expiry = day + timedelta(days=self.rng.randint(10, 400)) if expires else None
        self.lots.write(lot, item, donor, "", expiry, day)
        self.home[lot], self.stock[lot] = (site, item), 0
        self.expiry[lot] = expiry
        self.shelf[(site, item)].append(lot)
        rng = self.rng
        self.move(
            at(day, rng.randint(8, 11), rng.randint(0, 59)), lot, rng.randint(100, 300), "receipt"
        )

    def ship(self, day: date, asked: list) -> None:
        """Yesterday's requests: approved, shipped today from one site, delivered within
        three days (recent ones still on the way; unmet ones still waiting)."""
        rng = self.rng
        for request, unit, site, submitted, requester, wanted in asked:
            dispatched = at(day, rng.randint(10, 15), rng.randint(0, 59))
            delivered = datetime.fromisoformat(dispatched) + timedelta(hours=rng.randint(4, 72))
            arrived = delivered <= self.now
            shipment, complete, some = None, True, False
            for item, quantity in wanted:
                line = self.lines.next_id()
                lots = [lot for lot in self.shelf[(site, item)] if self.stock[lot] > 0]
                shipped = min(quantity, self.stock[lots[0]]) if lots else 0
                complete &= shipped == quantity
                self.lines.write(
                    line,
                    request,
                    item,
                    quantity,
                    quantity,
                    shipped,
                    shipped,
                    shipped if arrived else 0,
                    0,
                    "",
                )
                if not shipped:
                    continue
                some = True
                if shipment is None:
                    shipment = self.shipments.next_id()
                    self.shipments.write(
                        shipment,
                        site,
                        unit,
                        "delivered" if arrived else "dispatched",
                        "",
                        "",
                        "",
                        dispatched,
                        delivered.isoformat() if arrived else None,
                        self.actor,
                        dispatched,
                    )
                allocation = self.allocations.next_id()
                self.allocations.write(
                    allocation, line, site, lots[0], shipped, "dispatched", self.actor, dispatched
                )
                shipline = self.shiplines.next_id()
                self.shiplines.write(
                    shipline,
                    shipment,
                    allocation,
                    line,
                    item,
                    lots[0],
                    shipped,
                    shipped if arrived else None,
                    "",
                    "",
                )
                self.move(dispatched, lots[0], -shipped, "dispatch", shipline)
            status = (
                "fulfilled" if complete and arrived else "in_fulfilment" if some else "approved"
            )
            decided = (datetime.fromisoformat(submitted) + timedelta(hours=2)).isoformat()
            closed = delivered.isoformat() if status == "fulfilled" else None
            if status != "fulfilled" and day < self.today - timedelta(days=14):
                # Coordinators close what cannot be met: old requests do not wait for ever.
                status = "closed"
                closed = (datetime.fromisoformat(decided) + timedelta(days=14)).isoformat()
            self.requests.write(
                request,
                unit,
                requester,
                "normal",
                day + timedelta(days=2),
                0,
                "",
                status,
                "",
                submitted,
                submitted,
                decided,
                closed,
            )

    def waiting(self, asked: list) -> None:
        """The last day's requests: submitted, not yet decided."""
        for request, unit, _site, submitted, requester, wanted in asked:
            self.requests.write(
                request,
                unit,
                requester,
                "normal",
                None,
                0,
                "",
                "submitted",
                "",
                submitted,
                submitted,
                None,
                None,
            )
            for item, quantity in wanted:
                self.lines.write(self.lines.next_id(), request, item, quantity, 0, 0, 0, 0, 0, "")

    def adjust(self, day: date, site: int, item: int) -> bool:
        lots = self.shelf[(site, item)]
        change = self.rng.choice([-3, -2, -1, 1, 2])
        if not lots or self.stock[lots[0]] + change < 0:
            return False
        kind = "adjustment" if change > 0 else "write_off"
        self.move(at(day, 17, self.rng.randint(0, 59)), lots[0], change, kind)
        return True

    def close_day(self, day: date) -> None:
        for (site, item), (received, dispatched, other) in self.day_totals.items():
            self.rollups.write(
                day, site, item, received, dispatched, other, self.on_hand[(site, item)]
            )
        self.day_totals.clear()
        for key, lots in self.shelf.items():
            if lots and self.stock[lots[0]] <= 0:
                self.shelf[key] = [lot for lot in lots if self.stock[lot] > 0]

    def write_all(self, cursor) -> None:
        stamp = self.now.isoformat()
        for lot, quantity in self.stock.items():
            site, item = self.home[lot]
            self.balances.write(site, lot, item, self.expiry[lot], quantity, 0, stamp)
        for table in (
            self.lots,
            self.requests,
            self.lines,
            self.allocations,
            self.shipments,
            self.shiplines,
            self.moves,
            self.rollups,
            self.balances,
        ):
            table.copy(cursor)
        # Freshly copied tables: vacuum now (visibility map, statistics) rather than let
        # autovacuum do it on one of the two cores while the timings run.
        cursor.execute("VACUUM ANALYZE")


def build_world(*, movements: int, seed: int, today: date) -> Personas:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from inventory.models import (
        Donor,
        Item,
        ItemCategory,
        Organisation,
        OrganisationMembership,
        Site,
    )
    from supply_requests.models import ServedUnit, ServedUnitMembership

    rng = random.Random(seed)
    User = get_user_model()
    actor = User.objects.create(username="bench", is_superuser=True)
    organisations = Organisation.objects.bulk_create(
        Organisation(code=f"org-{n}", name_zh=f"组织{n}") for n in range(199)
    )
    sites = Site.objects.bulk_create(
        Site(organisation=organisations[max(0, n - 1)], code=f"site-{n}", name=f"仓库{n}")
        for n in range(200)
    )
    kinds = ItemCategory.values
    items = Item.objects.bulk_create(
        Item(
            code=f"item-{n}",
            name_zh=f"物品{n}",
            name_en=f"Item {n}",
            category=kinds[n % len(kinds)],
            base_unit="件",
            expiry_tracked=n % 3 == 0,
        )
        for n in range(300)
    )
    donors = [d.pk for d in Donor.objects.bulk_create(Donor(name=f"捐赠人{n}") for n in range(60))]
    units = []
    for d in range(20):
        district = ServedUnit.objects.create(code=f"d{d}", name=f"区{d}", kind="district")
        units.append(district)
        for s in range(5):
            street = ServedUnit.objects.create(
                code=f"d{d}s{s}", name=f"街道{d}-{s}", kind="street", parent=district
            )
            units.append(street)
            units.extend(
                ServedUnit.objects.bulk_create(
                    ServedUnit(
                        code=f"d{d}s{s}c{c}",
                        name=f"社区{d}-{s}-{c}",
                        kind="community",
                        parent=street,
                    )
                    for c in range(9)
                )
            )
    serving = {
        unit.pk: organisations[0].pk if index < 51 else rng.choice(organisations[1:]).pk
        for index, unit in enumerate(units)
    }
    Through = ServedUnit.organisations.through
    Through.objects.bulk_create(
        Through(servedunit_id=unit, organisation_id=org) for unit, org in serving.items()
    )
    coordinator = User.objects.create(username="bench-coordinator")
    OrganisationMembership.objects.create(
        user=coordinator, organisation=organisations[0], role="coordinator"
    )
    worker_unit = units[2].pk  # a community of district 0
    worker = User.objects.create(username="bench-worker")
    ServedUnitMembership.objects.create(user=worker, served_unit_id=worker_unit)

    sites_of = defaultdict(list)
    for site in sites:
        sites_of[site.organisation_id].append(site.pk)
    stocked = {site.pk: rng.sample([item.pk for item in items], 60) for site in sites}
    expires = {item.pk for item in items if item.expiry_tracked}
    askers = [pk for pk in serving if pk != units[0].pk]
    history = History(rng=rng, actor=actor.pk, today=today)
    days = max(1, movements // PER_DAY)
    asked: list = []
    for n in range(days):
        day = today - timedelta(days=days - 1 - n)
        for _ in range(PER_DAY // 4):
            site = rng.choice(sites).pk
            item = rng.choice(stocked[site])
            history.receive(day, site, item, rng.choice(donors), item in expires)
        history.ship(day, asked)
        asked = []
        for index in range(PER_DAY // 10):
            unit = worker_unit if index == 0 else rng.choice(askers)
            site = rng.choice(sites_of[serving[unit]])
            requester = worker.pk if index == 0 else actor.pk
            wanted = [(item, rng.randint(20, 400)) for item in rng.sample(stocked[site], 3)]
            submitted = at(day, rng.randint(8, 16), rng.randint(0, 59))
            asked.append([history.requests.next_id(), unit, site, submitted, requester, wanted])
        while history.written < (n + 1) * movements // days:
            site = rng.choice(sites).pk
            history.adjust(day, site, rng.choice(stocked[site]))
        history.close_day(day)
    history.waiting(asked)
    with connection.cursor() as cursor:
        history.write_all(cursor)
    return Personas(coordinator, worker, worker_unit, history.written, days)
