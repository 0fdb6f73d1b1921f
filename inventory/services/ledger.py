"""Where stock balances change, one movement at a time (`post_movement`), and the locking
order of every service.

There are two write paths into the ledger, and no other: this module, used by every service
that moves existing stock, and `inventory.services.bulk_donations`, which receives whole
sheets of donations with bulk inserts into new lots and new balances only (it never touches
an existing balance, so it needs no row locks) and keeps the daily roll-up through this
module's `lock_rollups` and `rollup_day`. A hypothesis test holds the two equal
(`tests/inventory/test_donation_receive_bulk.py`).

Every change locks the affected `StockBalance` rows, re-checks the quantities against the
locked values, writes the ledger movement and the new balance in the same transaction. The
database check constraints are the last line: even a bug here cannot store negative stock.

Locks lock only the rows they mean: `select_for_update(of=("self",), no_key=True)`. Without
`of` a `select_related` also locks the joined item, site, lot or served-unit rows (so any
write that merely references that item waits, and two services deadlock crosswise); with
`no_key` the lock does not block the foreign-key checks of inserts that reference the row
(no service changes a locked row's key).

**The locking order**, kept by every service in every layer (a transaction takes locks only
in this order, each kind in ascending id order, so no two transactions wait on each other
crosswise):

1. the shipment (dispatch, delivery, cancel), or the stock count, or the household (a
   handover, issue 20: `households.services.handovers`);
2. supply requests, by id, then their request lines, by id (`lock_lines`, `lock_request`);
3. allocations (reservations), by id;
4. stock balances, in (site, lot) order (`lock_balances`, `lock_item_balances`);
5. the per-site roll-up advisory locks, in site order (`lock_rollups`), taken last.

Should PostgreSQL still pick a deadlock victim (or a serialization failure happen), the
service boundary (`core.transactions.atomic_retrying`) runs the service once more, and then
answers `ConcurrencyConflict` (a 409 from the API, a form error on a page), never a 500.

A lot past its expiry date is not available (`usable`): reads and allocation skip it unless
a coordinator releases it on purpose, with a reason (see `logistics.services.allocations`).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InsufficientStock, ValidationFailed
from inventory.models import (
    DailyStockRollup,
    Lot,
    MovementKind,
    Site,
    StockBalance,
    StockMovement,
)


@dataclass(frozen=True)
class MovementSource:
    """The document behind a movement (see `StockMovement`)."""

    donation_line_id: int | None = None
    adjustment_id: int | None = None
    transfer_id: int | None = None
    document_type: str = ""
    document_id: int | None = None


# The day expiry is judged by when a caller replays history (the demo's 2020 story):
# unset, it is today. A context variable, so it never leaks to another thread or request.
_judged_on: ContextVar[date | None] = ContextVar("expiry_judged_on", default=None)


@contextmanager
def expiry_judged_on(day: date) -> Iterator[None]:
    """Judge expiry as of `day` inside the block (replaying a past day's decisions)."""
    token = _judged_on.set(day)
    try:
        yield
    finally:
        _judged_on.reset(token)


def today() -> date:
    """The day expiry is judged by: today in the project's time zone (or the replayed day,
    see `expiry_judged_on`)."""
    return _judged_on.get() or timezone.localdate()


def is_expired(expiry: date | None, *, on: date | None = None) -> bool:
    """A lot is expired from the day after its expiry date; a lot without one never is."""
    return expiry is not None and expiry < (on or today())


def usable(on: date | None = None) -> Q:
    """Balances whose lot has not expired (by the balance's own copy of the lot's expiry)."""
    return Q(expiry__isnull=True) | Q(expiry__gte=on or today())


def expired(on: date | None = None) -> Q:
    """Balances whose lot has expired."""
    return Q(expiry__lt=on or today())


def lock_balances(keys: Iterable[tuple[int, int]], *, create: bool) -> dict:
    """Lock the balances of (site_id, lot_id) pairs, in sorted order, and return them.

    With `create`, a missing balance row is created first (inbound stock); without it, a
    missing row is simply absent from the result (there is nothing there to take).
    """
    assert transaction.get_connection().in_atomic_block, "lock_balances needs a transaction"
    locked: dict[tuple[int, int], StockBalance] = {}
    keys = sorted(set(keys))
    for site_id, lot_id in keys:
        query = StockBalance.objects.select_for_update(of=("self",), no_key=True).filter(
            site_id=site_id, lot_id=lot_id
        )
        balance = query.first()
        if balance is None and create:
            item_id, expiry = Lot.objects.values_list("item_id", "expiry").get(pk=lot_id)
            # get_or_create survives a concurrent insert of the same row: the loser's
            # IntegrityError is caught inside a savepoint and the row is read instead.
            StockBalance.objects.get_or_create(
                site_id=site_id, lot_id=lot_id, defaults={"item_id": item_id, "expiry": expiry}
            )
            balance = query.get()
        if balance is not None:
            locked[(site_id, lot_id)] = balance
    sites = {site_id for site_id, _lot_id in keys}
    if len(sites) > 1:
        # A transfer posts at two sites: take both roll-up locks now, in order, after the
        # balances, rather than one at each post (see `lock_rollups`).
        lock_rollups(sites)
    return locked


def lock_item_balances(site_item_pairs: Iterable[tuple[int, int]]) -> list[StockBalance]:
    """Lock every balance of the given (site_id, item_id) pairs, in (site, lot) order."""
    assert transaction.get_connection().in_atomic_block, "lock_item_balances needs a transaction"
    pairs = sorted(set(site_item_pairs))
    if not pairs:
        return []
    condition = Q()
    for site_id, item_id in pairs:
        condition |= Q(site_id=site_id, item_id=item_id)
    return list(
        StockBalance.objects.select_for_update(of=("self",), no_key=True)
        .filter(condition)
        .select_related("lot", "site")
        .order_by("site_id", "lot_id")
    )


def fefo(balances: Iterable[StockBalance]) -> list[StockBalance]:
    """First expiry, first out: soonest expiry first, lots without expiry last, then the
    oldest receipt, then lot id (so equal lots are always picked in the same order)."""
    return sorted(
        balances,
        key=lambda b: (
            b.lot.expiry is None,
            b.lot.expiry or b.lot.received_at,
            b.lot.received_at,
            b.lot_id,
        ),
    )


def post_movement(
    *,
    balance: StockBalance,
    quantity: int,
    kind: str,
    actor: AbstractBaseUser,
    reason: str = "",
    source: MovementSource = MovementSource(),
    consume_reserved: int = 0,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Append one movement and apply it to an already locked balance.

    `consume_reserved` is the part of an outbound quantity that was promised (reserved)
    before: dispatching reserved stock lowers both on hand and reserved.
    """
    if quantity == 0:
        raise ValidationFailed(_("A stock movement needs a quantity other than zero."))
    new_on_hand = balance.on_hand + quantity
    new_reserved = balance.reserved - consume_reserved
    if consume_reserved < 0 or new_reserved < 0:
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
                "asked": -quantity,
            },
            available=available,
        )
    movement = StockMovement.objects.create(
        site_id=balance.site_id,
        lot_id=balance.lot_id,
        item_id=balance.item_id,
        quantity=quantity,
        kind=kind,
        reason=reason[:200],
        actor=actor,
        occurred_at=occurred_at or timezone.now(),
        donation_line_id=source.donation_line_id,
        adjustment_id=source.adjustment_id,
        transfer_id=source.transfer_id,
        document_type=source.document_type,
        document_id=source.document_id,
    )
    balance.on_hand = new_on_hand
    balance.reserved = new_reserved
    balance.save(update_fields=["on_hand", "reserved", "updated_at"])
    roll_up(movement)
    return movement


def change_reservation(*, balance: StockBalance, delta: int) -> StockBalance:
    """Raise (positive) or release (negative) the reserved quantity of a locked balance."""
    if delta > 0 and balance.on_hand - balance.reserved < delta:
        raise InsufficientStock(
            _("Cannot reserve %(asked)d of %(lot)s at %(site)s: only %(available)d available.")
            % {
                "asked": delta,
                "lot": balance.lot,
                "site": balance.site.name,
                "available": balance.on_hand - balance.reserved,
            },
            available=balance.on_hand - balance.reserved,
        )
    if delta < 0 and balance.reserved < -delta:
        raise InsufficientStock(
            _("Cannot release %(asked)d of %(lot)s: only %(reserved)d is reserved.")
            % {"asked": -delta, "lot": balance.lot, "reserved": balance.reserved}
        )
    balance.reserved += delta
    balance.save(update_fields=["reserved", "updated_at"])
    return balance


def site_lot_balance(site: Site, lot: Lot, *, create: bool = False) -> StockBalance:
    """Lock and return one balance; a missing one is an empty shelf."""
    balance = lock_balances([(site.pk, lot.pk)], create=create).get((site.pk, lot.pk))
    if balance is None:
        raise InsufficientStock(
            _("There is no %(lot)s at %(site)s.") % {"lot": lot, "site": site.name},
            available=0,
        )
    return balance


# --- The daily roll-up (`DailyStockRollup`): kept here, beside the balances it summarises ---

# PostgreSQL advisory-lock namespace of the roll-up upkeep ("roll"); the second key is a site.
ROLLUP_LOCK_SPACE = 0x726F6C6C


def lock_rollups(site_ids: Iterable[int]) -> None:
    """Hold the roll-up rows of these sites until the transaction ends (in id order).

    One lock per site, not per row: roll-up rows are shared by every movement of a site,
    item and day, so with row locks two donations posting [masks, gloves] and [gloves,
    masks] at one warehouse would deadlock, and a back-dated movement could miss the row of
    a later day that another transaction is inserting. The lock is taken after the balance
    rows (at the post, or for a transfer's two sites in `lock_balances`), and nothing
    contended is locked after it, so it adds no deadlock. PostgreSQL only: on SQLite every
    writer already holds the whole database (`IMMEDIATE` transactions).
    """
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "lock_rollups needs a transaction"
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for site_id in sorted(set(site_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK_SPACE, site_id])


def rollup_day(moment: datetime) -> date:
    """The roll-up day of a moment: its date in the project's time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _rollup_parts(kind: str, quantity: int) -> tuple[int, int, int]:
    """(received, dispatched, other change) of a signed quantity of one kind."""
    received = quantity if kind == MovementKind.RECEIPT else 0
    dispatched = -quantity if kind == MovementKind.DISPATCH else 0
    return received, dispatched, quantity - received + dispatched


def roll_up(movement: StockMovement) -> None:
    """Add a movement to the roll-up row of its day, site and item (creating the row from
    the last day before it), and to the on-hand of every later row (a back-dated movement).

    Two or three queries (and the site lock on PostgreSQL) whatever the history: the common
    case — today's row exists, no later rows — is one read and one update.
    """
    lock_rollups([movement.site_id])
    day = rollup_day(movement.occurred_at)
    received, dispatched, other = _rollup_parts(movement.kind, movement.quantity)
    rows = DailyStockRollup.objects.filter(site_id=movement.site_id, item_id=movement.item_id)
    later = rows.filter(day__gt=day)
    latest = (
        rows.filter(day__lte=day)
        .annotate(has_later=Exists(later))
        .order_by("-day")
        .values_list("day", "on_hand", "has_later")
        .first()
    )
    if latest is not None and latest[0] == day:
        rows.filter(day=day).update(
            received=F("received") + received,
            dispatched=F("dispatched") + dispatched,
            other_change=F("other_change") + other,
            on_hand=F("on_hand") + movement.quantity,
        )
    else:
        DailyStockRollup.objects.create(
            day=day,
            site_id=movement.site_id,
            item_id=movement.item_id,
            received=received,
            dispatched=dispatched,
            other_change=other,
            on_hand=(latest[1] if latest else 0) + movement.quantity,
        )
    if latest is None or latest[2]:
        later.update(on_hand=F("on_hand") + movement.quantity)


@dataclass(frozen=True)
class RollupValues:
    received: int = 0
    dispatched: int = 0
    other_change: int = 0
    on_hand: int = 0


@dataclass(frozen=True)
class RollupRebuild:
    """What a rebuild found: rows that were right, and rows it created, corrected, removed."""

    since: date | None
    unchanged: int
    created: int
    updated: int
    deleted: int

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def rollups_from_ledger(*, site_id: int, since: date | None = None) -> dict:
    """The roll-up rows one site must have from `since` on (all days without it), computed
    from the ledger alone: {(day, item_id): RollupValues}."""
    zone = timezone.get_default_timezone()
    movements = StockMovement.objects.filter(site_id=site_id).order_by()
    on_hand: dict[int, int] = defaultdict(int)
    if since is not None:
        start = timezone.make_aware(datetime.combine(since, time.min), zone)
        on_hand.update(
            movements.filter(occurred_at__lt=start)
            .values("item_id")
            .annotate(total=Sum("quantity"))
            .values_list("item_id", "total")
        )
        movements = movements.filter(occurred_at__gte=start)
    days: dict[tuple[date, int], list[int]] = {}
    for row in (
        movements.annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("item_id", "day", "kind")
        .annotate(total=Sum("quantity"))
        .order_by("item_id", "day")
    ):
        parts = _rollup_parts(row["kind"], row["total"])
        totals = days.setdefault((row["day"], row["item_id"]), [0, 0, 0, 0])
        for index, part in enumerate(parts):
            totals[index] += part
        totals[3] += row["total"]
    expected = {}
    for (day, item_id), (received, dispatched, other, change) in sorted(
        days.items(), key=lambda entry: (entry[0][1], entry[0][0])
    ):
        on_hand[item_id] += change
        expected[(day, item_id)] = RollupValues(received, dispatched, other, on_hand[item_id])
    return expected


def rollups_rebuild(*, since: date | None = None, dry_run: bool = False) -> RollupRebuild:
    """Make the roll-up equal to the ledger again, from `since` on (a later day's on-hand
    depends on every day before it, so "from", not "on") or over all history; idempotent.

    Site by site, each in its own transaction under the site's roll-up lock, so posting
    elsewhere goes on meanwhile. Only rows that differ are written; `dry_run` writes
    nothing and only counts them.
    """
    counts = {"unchanged": 0, "created": 0, "updated": 0, "deleted": 0}
    fields = ["received", "dispatched", "other_change", "on_hand"]
    for site_id in Site.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            lock_rollups([site_id])
            expected = rollups_from_ledger(site_id=site_id, since=since)
            rows = DailyStockRollup.objects.filter(site_id=site_id).order_by()
            if since is not None:
                rows = rows.filter(day__gte=since)
            stale, wrong = [], []
            for row in rows.iterator(chunk_size=5_000):
                want = expected.pop((row.day, row.item_id), None)
                if want is None:
                    stale.append(row.pk)
                elif want != RollupValues(*(getattr(row, field) for field in fields)):
                    for field in fields:
                        setattr(row, field, getattr(want, field))
                    wrong.append(row)
                else:
                    counts["unchanged"] += 1
            counts["deleted"] += len(stale)
            counts["updated"] += len(wrong)
            counts["created"] += len(expected)
            if dry_run:
                continue
            for start in range(0, len(stale), 5_000):
                DailyStockRollup.objects.filter(pk__in=stale[start : start + 5_000]).delete()
            DailyStockRollup.objects.bulk_update(wrong, fields, batch_size=5_000)
            DailyStockRollup.objects.bulk_create(
                [
                    DailyStockRollup(day=day, site_id=site_id, item_id=item_id, **asdict(values))
                    for (day, item_id), values in expected.items()
                ],
                batch_size=5_000,
            )
    return RollupRebuild(since=since, **counts)
