"""Requests in every state, their lines, shipments and reservations."""

from collections import defaultdict
from datetime import datetime, timedelta

from demo.scale.stock import add_movement, take_from_shelf
from demo.scale.world import ACTIVE, FINISHED, PRIORITIES, STATES, World
from logistics import models as dist
from supply_requests import models as req


def _pick_items(world: World, count: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < count:
        item = world.rng.choices(world.item_ids, weights=world.item_weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _request_day(world: World) -> float:
    """Bursts: a third of requests fall in three short waves, the rest spread out."""
    rng, days = world.rng, world.tier.days
    if rng.random() < 0.33:
        wave = rng.choice([0.2, 0.5, 0.85]) * days
        return min(days - 0.01, max(0.0, rng.gauss(wave, 1.5)))
    return rng.uniform(0, days - 0.01)


def _history(world: World, request: int, path: list[str], start: datetime) -> None:
    at, previous = start, ""
    for status in path:
        world.writer.add(
            req.RequestStatusChange,
            request_id=request,
            from_status=previous,
            to_status=status,
            actor_id=world.actor_id,
            at=at,
            note="",
        )
        previous, at = status, at + timedelta(hours=world.rng.uniform(1, 30))


def _later(world: World, when: datetime) -> datetime:
    return when + timedelta(hours=world.rng.uniform(2, 40))


def _ship(
    world: World,
    request: int,
    unit: int,
    site: int,
    portions: list[tuple[dict, int]],
    when: datetime,
    delivered: bool,
) -> None:
    """One shipment carrying `portions` (request line, quantity), FEFO from the site's lots."""
    w = world.writer
    shipment = w.add(
        dist.Shipment,
        site_id=site,
        served_unit_id=unit,
        status="delivered" if delivered else "dispatched",
        vehicle="",
        driver="",
        contact="",
        planned_at=None,
        dispatched_at=when,
        delivered_at=_later(world, when) if delivered else None,
        created_by_id=world.actor_id,
        created_at=when,
    )
    for line, quantity in portions:
        left = quantity
        shelf = take_from_shelf(world, site, line["item_id"], quantity, when)
        for stock in sorted(shelf, key=lambda s: (s.received, s.lot_id)):
            take = min(left, stock.on_hand - stock.reserved)
            if take <= 0:
                continue
            allocation = w.add(
                dist.Allocation,
                request_line_id=line["id"],
                site_id=site,
                lot_id=stock.lot_id,
                quantity=take,
                status="dispatched",
                created_by_id=world.actor_id,
                created_at=when,
            )
            shipment_line = w.add(
                dist.ShipmentLine,
                shipment_id=shipment,
                allocation_id=allocation,
                request_line_id=line["id"],
                item_id=line["item_id"],
                lot_id=stock.lot_id,
                quantity=take,
                quantity_received=take if delivered else None,
                discrepancy_reason="",
                note="",
            )
            add_movement(
                world,
                site,
                stock.lot_id,
                line["item_id"],
                -take,
                "dispatch",
                when,
                document_type="shipment_line",
                document_id=shipment_line,
            )
            stock.on_hand -= take
            left -= take
            if left == 0:
                break
    w.add(
        dist.ShipmentStatusChange,
        shipment_id=shipment,
        from_status="dispatched",
        to_status="delivered" if delivered else "dispatched",
        actor_id=world.actor_id,
        at=when,
        note="",
    )


def _reserve(world: World, line: dict, site: int, quantity: int, when: datetime) -> None:
    for stock in take_from_shelf(world, site, line["item_id"], quantity, when):
        take = min(quantity, stock.on_hand - stock.reserved)
        if take <= 0:
            continue
        world.writer.add(
            dist.Allocation,
            request_line_id=line["id"],
            site_id=site,
            lot_id=stock.lot_id,
            quantity=take,
            status="reserved",
            created_by_id=world.actor_id,
            created_at=when,
        )
        stock.reserved += take
        quantity -= take
        if quantity == 0:
            return


def build_requests(world: World) -> None:
    rng, w = world.rng, world.writer
    sites_of_org = defaultdict(list)
    for site, org in world.site_org.items():
        sites_of_org[org].append(site)
    states, weights = zip(*STATES, strict=True)
    for n in range(world.tier.requests):
        status = states[n % len(states)] if n < len(states) else rng.choices(states, weights)[0]
        unit = rng.choice(world.unit_ids)
        site = rng.choice(sites_of_org[world.unit_org[unit]])
        created = world.moment(_request_day(world))
        decided = created + timedelta(hours=rng.uniform(2, 60))
        path = {
            "draft": ["draft"],
            "submitted": ["draft", "submitted"],
            "approved": ["draft", "submitted", "approved"],
            "partially_approved": ["draft", "submitted", "partially_approved"],
            "rejected": ["draft", "submitted", "rejected"],
            "in_fulfilment": ["draft", "submitted", "approved", "in_fulfilment"],
            "fulfilled": ["draft", "submitted", "approved", "in_fulfilment", "fulfilled"],
            "closed": ["draft", "submitted", "partially_approved", "in_fulfilment", "closed"],
            "cancelled": ["draft", "submitted", "cancelled"],
        }[status]
        request = w.add(
            req.SupplyRequest,
            served_unit_id=unit,
            requested_by_id=world.actor_id,
            priority=rng.choices(PRIORITIES, [5, 20, 60, 15])[0],
            needed_by=(created + timedelta(days=rng.randint(1, 7))).date(),
            people_served=rng.randint(0, 3000),
            reason="",
            status=status,
            decision_note="rejected: duplicate" if status == "rejected" else "",
            created_at=created,
            submitted_at=created if status != "draft" else None,
            decided_at=decided if len(path) > 2 and status != "cancelled" else None,
            closed_at=decided if status in FINISHED else None,
        )
        _history(world, request, path, created)
        _request_lines(world, request, unit, site, status, decided)


def _request_lines(
    world: World, request: int, unit: int, site: int, status: str, decided: datetime
) -> None:
    rng, w = world.rng, world.writer
    lines = []
    arrived = rng.random() < 0.5  # in fulfilment: has the last shipment arrived yet?
    for item in _pick_items(world, rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]):
        asked = max(1, int(rng.lognormvariate(3.8, 1.0)))
        unknown = rng.random() < 0.05
        approved = 0
        if status in ACTIVE | {"fulfilled", "closed"}:
            cut = status == "partially_approved" or (status != "approved" and rng.random() < 0.2)
            approved = max(1, asked // 2) if cut else asked
        line = {"id": w.next_id(req.SupplyRequestLine), "item_id": item, "approved": approved}
        delivered = dispatched = allocated = 0
        if status == "fulfilled":
            delivered = dispatched = allocated = approved
        elif status == "closed":
            delivered = dispatched = allocated = approved // 2
        elif status == "in_fulfilment":
            allocated = approved
            dispatched = rng.choice([0, approved // 2, approved])
            delivered = dispatched if arrived else 0
        w.add(
            req.SupplyRequestLine,
            id=line["id"],
            request_id=request,
            item_id=item,
            quantity_requested=None if unknown else asked,
            quantity_approved=approved,
            quantity_allocated=allocated,
            quantity_dispatched=dispatched,
            quantity_delivered=delivered,
            quantity_short=0,
            note="",
        )
        lines.append((line, allocated, dispatched, delivered))
    shipped = [(line, d) for line, _a, d, _dl in lines if d]
    if shipped:
        in_transit = any(dl < d for _l, _a, d, dl in lines)
        when = min(decided + timedelta(hours=rng.uniform(3, 72)), world.end - timedelta(hours=1))
        if in_transit:
            when = world.end - timedelta(hours=rng.uniform(6, 90))
        _ship(world, request, unit, site, shipped, when, delivered=not in_transit)
    for line, allocated, dispatched, _dl in lines:
        if allocated > dispatched:
            _reserve(world, line, site, allocated - dispatched, decided)
