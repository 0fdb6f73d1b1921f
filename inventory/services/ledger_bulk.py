"""Many movements of existing stock at once, in a fixed number of statements (issue 19):
`post_movement` for every line of a dispatch, checked the same way, written set-wise.

The rules are the ledger's (`inventory.services.ledger`): the balances are locked by the
caller, in the house order; each movement is checked against the locked values (as left by
the movements before it in the same call); the movements are appended, the balances and the
daily roll-up updated — one INSERT, one UPDATE, and a few roll-up statements per call,
not per line. The roll-up is kept under the same per-site advisory lock as `roll_up`, taken
after the balances.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InsufficientStock, ValidationFailed
from inventory.models import DailyStockRollup, StockBalance, StockMovement
from inventory.services.ledger import (
    MovementSource,
    _rollup_parts,
    lock_rollups,
    rollup_day,
)


@dataclass(frozen=True)
class MovementInput:
    """One movement of `post_movements`: the arguments of `post_movement`."""

    balance: StockBalance
    quantity: int
    kind: str
    reason: str = ""
    source: MovementSource = field(default_factory=MovementSource)
    consume_reserved: int = 0


def update_rows(model: type[Model], objects: Sequence[Model], fields: Sequence[str]) -> None:
    """`bulk_update` in one `UPDATE … FROM (VALUES …)` on PostgreSQL: Django's builds a
    CASE per row and field, 130 ms of Python for 500 rows (issue 19). Elsewhere (SQLite)
    Django's own."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=1000)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    names = ", ".join([pk, *(quote(f.column) for f in columns)])
    casts = [meta.pk.db_type(connection), *(f.db_type(connection) for f in columns)]
    for start in range(0, len(objects), 1000):
        batch = objects[start : start + 1000]
        rows, params = [], []
        for obj in batch:
            rows.append("(" + ", ".join(f"%s::{cast}" for cast in casts) + ")")
            params.append(obj.pk)
            params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join(rows)}) "
                f"AS v({names}) WHERE {table}.{pk} = v.{pk}",
                params,
            )


def lock_site_balances(site_id: int, lot_ids: Iterable[int]) -> dict[tuple[int, int], StockBalance]:
    """`lock_balances(create=False)` for many lots of one site in one statement: the rows
    are locked as the scan returns them, in lot order (the house order)."""
    assert transaction.get_connection().in_atomic_block, "lock_site_balances needs a transaction"
    rows = (
        StockBalance.objects.select_for_update(of=("self",), no_key=True)
        .filter(site_id=site_id, lot_id__in=sorted(set(lot_ids)))
        .order_by("site_id", "lot_id")
    )
    return {(row.site_id, row.lot_id): row for row in rows}


def _apply(move: MovementInput) -> None:
    """Check one movement against its (locked, in-memory) balance and apply it there."""
    balance = move.balance
    if move.quantity == 0:
        raise ValidationFailed(_("A stock movement needs a quantity other than zero."))
    new_on_hand = balance.on_hand + move.quantity
    new_reserved = balance.reserved - move.consume_reserved
    if move.consume_reserved < 0 or new_reserved < 0:
        raise InsufficientStock(
            _("Only %(reserved)d of %(lot)s is reserved at %(site)s.")
            % {"reserved": balance.reserved, "lot": balance.lot, "site": balance.site.name}
        )
    if new_on_hand < new_reserved:
        available = balance.on_hand - balance.reserved
        raise InsufficientStock(
            _(
                "Not enough stock of %(lot)s at %(site)s: %(available)d available "
                "(%(on_hand)d on hand, %(reserved)d reserved), %(asked)d asked."
            )
            % {
                "lot": balance.lot,
                "site": balance.site.name,
                "available": available,
                "on_hand": balance.on_hand,
                "reserved": balance.reserved,
                "asked": -move.quantity,
            },
            available=available,
        )
    balance.on_hand = new_on_hand
    balance.reserved = new_reserved


def post_movements(
    *,
    moves: Sequence[MovementInput],
    actor: AbstractBaseUser,
    occurred_at: datetime | None = None,
) -> list[StockMovement]:
    """Append these movements and apply them to their already locked balances, all or
    nothing (the caller's transaction): what `post_movement` does for each, set-wise."""
    if not moves:
        return []
    moment = occurred_at or timezone.now()
    for move in moves:
        _apply(move)
    movements = StockMovement.objects.bulk_create(
        [
            StockMovement(
                site_id=move.balance.site_id,
                lot_id=move.balance.lot_id,
                item_id=move.balance.item_id,
                quantity=move.quantity,
                kind=move.kind,
                reason=move.reason[:200],
                actor=actor,
                occurred_at=moment,
                donation_line_id=move.source.donation_line_id,
                adjustment_id=move.source.adjustment_id,
                transfer_id=move.source.transfer_id,
                document_type=move.source.document_type,
                document_id=move.source.document_id,
            )
            for move in moves
        ],
        batch_size=1000,
    )
    balances = {move.balance.pk: move.balance for move in moves}
    for balance in balances.values():
        balance.updated_at = moment
    update_rows(
        StockBalance,
        sorted(balances.values(), key=lambda b: (b.site_id, b.lot_id)),
        ["on_hand", "reserved", "updated_at"],
    )
    rollups_add(movements)
    return movements


def _latest_before(pairs: set[tuple[int, int]], day: date) -> dict[tuple[int, int], int]:
    """The on-hand of each (site, item)'s last roll-up row before `day`."""
    condition = Q()
    for site_id, item_id in pairs:
        condition |= Q(site_id=site_id, item_id=item_id)
    rows = DailyStockRollup.objects.filter(condition, day__lt=day)
    if connection.vendor == "postgresql":
        found = (
            rows.order_by("site_id", "item_id", "-day")
            .distinct("site_id", "item_id")
            .values_list("site_id", "item_id", "on_hand")
        )
        return {(site, item): on_hand for site, item, on_hand in found}
    latest: dict[tuple[int, int], int] = {}
    for site, item, on_hand in rows.order_by("site_id", "item_id", "day").values_list(
        "site_id", "item_id", "on_hand"
    ):
        latest[(site, item)] = on_hand  # SQLite (tests, the embedded default): the last wins
    return latest


def rollups_add(movements: Sequence[StockMovement]) -> None:
    """Add these movements to the daily roll-up, as `roll_up` does one by one: each day's
    row of a (site, item) gains the day's totals, every later row the change in on-hand.
    A few statements whatever the number of movements (all of one day, as a dispatch's)."""
    if not movements:
        return
    lock_rollups({m.site_id for m in movements})
    # (site, item, day) -> [received, dispatched, other, change]
    totals: dict[tuple[int, int, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for movement in movements:
        parts = _rollup_parts(movement.kind, movement.quantity)
        entry = totals[(movement.site_id, movement.item_id, rollup_day(movement.occurred_at))]
        for index, part in enumerate((*parts, movement.quantity)):
            entry[index] += part
    first_day = min(day for _site, _item, day in totals)
    pairs = {(site, item) for site, item, _day in totals}
    condition = Q()
    for site_id, item_id in pairs:
        condition |= Q(site_id=site_id, item_id=item_id)
    # Every known row of each (site, item) from the first day on, by day.
    rows: dict[tuple[int, int], dict[date, DailyStockRollup]] = defaultdict(dict)
    for row in DailyStockRollup.objects.filter(condition, day__gte=first_day):
        rows[(row.site_id, row.item_id)][row.day] = row
    base = _latest_before(pairs, first_day)
    changed: dict[int, DailyStockRollup] = {}
    created: list[DailyStockRollup] = []
    for (site, item, day), (received, dispatched, other, change) in sorted(totals.items()):
        known = rows[(site, item)]
        row = known.get(day)
        if row is None:
            earlier = [known[d] for d in sorted(known) if d < day]
            row = DailyStockRollup(
                day=day,
                site_id=site,
                item_id=item,
                received=0,
                dispatched=0,
                other_change=0,
                on_hand=earlier[-1].on_hand if earlier else base.get((site, item), 0),
            )
            known[day] = row
            created.append(row)
        elif row.pk is not None:
            changed[row.pk] = row
        row.received += received
        row.dispatched += dispatched
        row.other_change += other
        row.on_hand += change
        for later_day, later in known.items():
            if later_day > day:
                later.on_hand += change
                if later.pk is not None:
                    changed[later.pk] = later
    update_rows(
        DailyStockRollup,
        list(changed.values()),
        ["received", "dispatched", "other_change", "on_hand"],
    )
    DailyStockRollup.objects.bulk_create(created, batch_size=1000)
