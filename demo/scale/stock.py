"""Receipts, movements and taking stock off the shelf, accounted as rows are made."""

from datetime import datetime, timedelta

from demo.scale.world import LotStock, World
from inventory import models as inv


def receive(world: World, site: int, item: int, quantity: int, when: datetime) -> LotStock:
    """A donation line, its lot and its receipt movement."""
    w, rng = world.writer, world.rng
    donor = rng.choice(world.donor_ids)
    donation = w.add(
        inv.Donation,
        organisation_id=world.site_org[site],
        site_id=site,
        donor_id=donor,
        received_at=when.date(),
        reference="",
        note="",
        recorded_by_id=world.actor_id,
        created_at=when,
    )
    line = w.add(
        inv.DonationLine,
        donation_id=donation,
        item_id=item,
        quantity=quantity,
        pack_name="",
        pack_count=None,
        batch=f"B{donation}",
        expiry=None,
    )
    expiry = when.date() + timedelta(days=rng.randint(20, 500)) if rng.random() < 0.7 else None
    lot = w.add(
        inv.Lot,
        item_id=item,
        donation_line_id=line,
        donor_id=donor,  # as donation_receive keeps it: the lot's provenance
        batch=f"B{donation}",
        expiry=expiry,
        received_at=when.date(),
    )
    add_movement(world, site, lot, item, quantity, "receipt", when, donation_line_id=line)
    stock = LotStock(lot, site, item, quantity, received=when, expiry=expiry)
    world.lots[(site, item)].append(stock)
    return stock


def add_movement(
    world: World, site: int, lot: int, item: int, quantity: int, kind: str, when: datetime, **links
) -> None:
    world.writer.add(
        inv.StockMovement,
        site_id=site,
        lot_id=lot,
        item_id=item,
        quantity=quantity,
        kind=kind,
        reason="",
        actor_id=world.actor_id,
        occurred_at=when,
        created_at=when,
        donation_line_id=links.get("donation_line_id"),
        adjustment_id=None,
        transfer_id=links.get("transfer_id"),
        document_type=links.get("document_type", ""),
        document_id=links.get("document_id"),
    )
    world.movements += 1


def take_from_shelf(
    world: World, site: int, item: int, quantity: int, when: datetime
) -> list[LotStock]:
    """Lots at the site with `quantity` free between them, receiving more when short."""
    shelf = [s for s in world.lots[(site, item)] if s.on_hand - s.reserved > 0]
    free = sum(s.on_hand - s.reserved for s in shelf)
    if free < quantity:
        # Donations follow demand, arriving a few days before they are needed.
        extra = int((quantity - free) * world.rng.uniform(1.2, 3.0)) + 1
        shelf.append(
            receive(world, site, item, extra, when - timedelta(days=world.rng.uniform(0.5, 6)))
        )
    return shelf


def fill_ledger(world: World) -> None:
    """Top the ledger up to the tier's movement count with what else happens at sites:
    transfers between sites (two movements each) and the odd write-off."""
    rng, w = world.rng, world.writer
    stocked = [s for shelf in world.lots.values() for s in shelf]
    while world.movements < world.tier.movements:
        if not stocked or rng.random() < 0.15:
            site = rng.choice(world.site_ids)
            item = rng.choices(world.item_ids, weights=world.item_weights)[0]
            stocked.append(
                receive(
                    world,
                    site,
                    item,
                    rng.randint(50, 5000),
                    world.moment(rng.uniform(0, world.tier.days)),
                )
            )
            continue
        stock = rng.choice(stocked)
        free = stock.on_hand - stock.reserved
        if free <= 1:
            continue
        when = max(stock.received, world.moment(rng.uniform(0, world.tier.days)))
        quantity = rng.randint(1, max(1, free // 3))
        if rng.random() < 0.1:
            adjustment = w.add(
                inv.StockAdjustment,
                site_id=stock.site_id,
                lot_id=stock.lot_id,
                quantity=-quantity,
                reason="damaged",
                note="",
                count_id=None,
                actor_id=world.actor_id,
                created_at=when,
            )
            w.add(
                inv.StockMovement,
                site_id=stock.site_id,
                lot_id=stock.lot_id,
                item_id=stock.item_id,
                quantity=-quantity,
                kind="write_off",
                reason="damaged",
                actor_id=world.actor_id,
                occurred_at=when,
                created_at=when,
                donation_line_id=None,
                adjustment_id=adjustment,
                transfer_id=None,
                document_type="",
                document_id=None,
            )
            world.movements += 1
            stock.on_hand -= quantity
            continue
        target = rng.choice([s for s in world.site_ids if s != stock.site_id])
        transfer = w.add(
            inv.StockTransfer,
            from_site_id=stock.site_id,
            to_site_id=target,
            note="",
            actor_id=world.actor_id,
            created_at=when,
        )
        w.add(inv.StockTransferLine, transfer_id=transfer, lot_id=stock.lot_id, quantity=quantity)
        add_movement(
            world,
            stock.site_id,
            stock.lot_id,
            stock.item_id,
            -quantity,
            "transfer_out",
            when,
            transfer_id=transfer,
        )
        add_movement(
            world,
            target,
            stock.lot_id,
            stock.item_id,
            quantity,
            "transfer_in",
            when,
            transfer_id=transfer,
        )
        stock.on_hand -= quantity
        moved = next(
            (s for s in world.lots[(target, stock.item_id)] if s.lot_id == stock.lot_id), None
        )
        if moved is None:
            moved = LotStock(
                stock.lot_id, target, stock.item_id, 0, received=when, expiry=stock.expiry
            )
            world.lots[(target, stock.item_id)].append(moved)
            stocked.append(moved)
        moved.on_hand += quantity


def write_balances(world: World) -> None:
    for shelf in world.lots.values():
        for stock in shelf:
            assert 0 <= stock.reserved <= stock.on_hand, stock
            world.writer.add(
                inv.StockBalance,
                site_id=stock.site_id,
                lot_id=stock.lot_id,
                item_id=stock.item_id,
                expiry=stock.expiry,
                on_hand=stock.on_hand,
                reserved=stock.reserved,
                updated_at=world.end,
            )
