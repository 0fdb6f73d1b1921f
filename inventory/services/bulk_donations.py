"""Receiving many donations at once (spreadsheet imports): `donation_receive`'s rules and rows,
written with bulk inserts.

Why this keeps the ledger invariant without locking: every line makes a brand-new lot, so
its balance row is new too and no other transaction can know it yet. Each new balance is
created equal to its one receipt movement, in the same transaction, and the database check
constraints still hold every row. Existing balances are never touched. The daily roll-up
that `post_movement` keeps per movement is kept here once per item (`roll_up` of the day's
total), under the same site lock.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from inventory.models import (
    DailyStockRollup,
    Donation,
    DonationLine,
    Donor,
    Lot,
    MovementKind,
    Site,
    StockBalance,
    StockMovement,
)
from inventory.permissions import require_site_manager
from inventory.services.bulk_insert import insert_rows
from inventory.services.donations import DonationLineInput, base_quantity, pack_size_for
from inventory.services.ledger import lock_rollups, rollup_day

# The columns each table is written with (see `insert_rows`), in the order of the tuples.
DONATION_FIELDS = ("organisation_id", "site_id", "donor_id", "received_at", "reference")
DONATION_FIELDS += ("note", "recorded_by_id", "created_at")
LINE_FIELDS = ("donation_id", "item_id", "quantity", "pack_name", "pack_count", "batch", "expiry")
LOT_FIELDS = ("item_id", "donation_line_id", "donor_id", "batch", "expiry", "received_at")
BALANCE_FIELDS = ("site_id", "lot_id", "item_id", "expiry", "on_hand", "reserved", "updated_at")
MOVEMENT_FIELDS = ("site_id", "lot_id", "item_id", "quantity", "kind", "reason", "actor_id")
MOVEMENT_FIELDS += ("occurred_at", "created_at", "donation_line_id", "document_type")


@dataclass(frozen=True)
class DonationInput:
    """One donation of a bulk receipt: what `donation_receive` takes besides site and actor."""

    donor: Donor | str
    received_at: date
    lines: Sequence[DonationLineInput]
    reference: str = ""
    note: str = ""
    # When its goods arrived, for the ledger and the roll-up (an import of past lists);
    # None: the call's `occurred_at`, else now.
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class ReceivedDonation:
    donation_id: int
    line_ids: list[int]  # in the order of the input lines


def _donor_name(donor: Donor | str) -> str:
    name = donor.name if isinstance(donor, Donor) else " ".join(donor.split())
    if not name:
        raise ValidationFailed(_("Name the donor."))
    return name


def _donors(names: set[str]) -> dict[str, Donor]:
    """`donor_for` for many names: existing donors are found, missing ones created."""
    found = {donor.name: donor for donor in Donor.objects.filter(name__in=names)}
    missing = names - set(found)
    if missing:
        # ignore_conflicts: a donor created meanwhile by another transaction is read below.
        Donor.objects.bulk_create([Donor(name=name) for name in missing], ignore_conflicts=True)
        found.update({donor.name: donor for donor in Donor.objects.filter(name__in=missing)})
    return found


def _checked_lines(
    donation: DonationInput, pack_sizes: dict[tuple[int, str], int]
) -> list[tuple[DonationLineInput, int, int | None]]:
    """(line, base quantity, packs) for each line, with `donation_receive`'s errors."""
    if not donation.lines:
        raise ValidationFailed(_("A donation needs at least one line."))
    checked = []
    for line in donation.lines:
        if line.pack_name and line.pack_size is None and line.quantity > 0:
            key = (line.item.pk, line.pack_name)
            if key not in pack_sizes:
                pack_sizes[key] = pack_size_for(line.item, line.pack_name)
            line = replace(line, pack_size=pack_sizes[key])
        checked.append((line, *base_quantity(line)))
    return checked


# Roll-ups queued by bulk receipts inside `rollups_last`: (site id, totals by day).
_pending: ContextVar[list | None] = ContextVar("pending_bulk_rollups", default=None)


@contextmanager
def rollups_last() -> Iterator[None]:
    """Inside it, bulk receipts queue their roll-up instead of taking the site's roll-up
    lock at once; leaving it (still inside the caller's transaction) rolls them all up.

    The roll-up lock is transaction-scoped: taken in the middle of a 100,000-line import it
    is held through the rest of the import and its commit, and every other stock write at
    that site waits (7.8 s for a 1-line donation). Taken last, it is held only for the
    roll-up itself and the commit — the import stays all or nothing, its roll-up rows are
    written in the same transaction as its movements, and `verify_ledger` holds. A caller
    writes whatever it must after the bulk receipt (fingerprints, notes) inside the block."""
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "rollups_last needs a transaction"
    # Foreign keys checked as the rows arrive, not all at the commit: a 100,000-line sheet
    # queues 1.4 million deferred checks, and a commit that ran them would hold the lock
    # for a third of the import. Every row written here references rows that exist or
    # were inserted before it, so checking at once is sound.
    immediate = connection.vendor == "postgresql"
    if immediate:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    # Only on success: an exception leaves the block above and rolls everything back.
    for site_id, totals in sorted(pending, key=lambda entry: entry[0]):
        _roll_up_receipts(site_id, totals)
    if immediate:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # the transaction's default again


def _roll_up_receipts(site_id: int, totals_by_day: dict[date, dict[int, int]]) -> None:
    """`roll_up` of every receipt, set-wise, for receipts on one or several days (a list of
    past days imported at once): each (day, item) row gets its receipts — a missing row is
    made from the last earlier row — and every row from a receipt's day on gets it added to
    its on-hand. Under the site's roll-up lock nobody else changes these rows meanwhile, so
    values read here can be written back. A test holds it equal to the ledger
    (`rollups_rebuild`)."""
    lock_rollups([site_id])
    first_day = min(totals_by_day)
    items = sorted({item_id for totals in totals_by_day.values() for item_id in totals})
    rows = DailyStockRollup.objects.filter(site_id=site_id, item_id__in=items)
    # The rows from the first receipt's day on, and the last row before it, per item.
    existing = list(rows.filter(day__gte=first_day).values_list("pk", "day", "item_id", "on_hand"))
    last_day = (
        DailyStockRollup.objects.filter(
            site_id=site_id, item_id=OuterRef("item_id"), day__lt=first_day
        )
        .order_by("-day")
        .values("day")[:1]
    )
    before = dict(rows.filter(day=Subquery(last_day)).values_list("item_id", "on_hand"))
    timeline: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for _pk, day, item_id, on_hand in sorted(existing, key=lambda row: row[1]):
        timeline[item_id].append((day, on_hand))
    days = sorted(totals_by_day)

    # Per item, its receipts added up day by day: (days, running totals) for bisect.
    running: dict[int, tuple[list[date], list[int]]] = {}
    for day in days:
        for item_id, quantity in totals_by_day[day].items():
            item_days, sums = running.setdefault(item_id, ([], []))
            item_days.append(day)
            sums.append((sums[-1] if sums else 0) + quantity)

    def received_until(item_id: int, day: date) -> int:
        item_days, sums = running.get(item_id, ((), ()))
        index = bisect_right(item_days, day)
        return sums[index - 1] if index else 0

    def on_hand_before(item_id: int, day: date) -> int:
        found = before.get(item_id, 0)
        for row_day, on_hand in timeline.get(item_id, []):
            if row_day >= day:
                break
            found = on_hand
        return found

    have = {(day, item_id) for _pk, day, item_id, _on_hand in existing}
    insert_rows(
        DailyStockRollup,
        ("day", "site_id", "item_id", "received", "on_hand"),
        [
            (
                day,
                site_id,
                item_id,
                quantity,
                on_hand_before(item_id, day) + received_until(item_id, day),
            )
            for day in days
            for item_id, quantity in sorted(totals_by_day[day].items())
            if (day, item_id) not in have
        ],
    )
    changes = [
        (totals_by_day.get(day, {}).get(item_id, 0), received_until(item_id, day), pk)
        for pk, day, item_id, _on_hand in existing
    ]
    changes = [change for change in changes if change[0] or change[1]]
    if changes:
        table = connection.ops.quote_name(DailyStockRollup._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement for every row (a back-dated sheet at a busy site moves the
                # on-hand of every later day: tens of thousands of rows, under the lock).
                received, on_hand, ids = (list(column) for column in zip(*changes, strict=True))
                cursor.execute(
                    f"UPDATE {table} AS r SET received = r.received + v.received, "
                    "on_hand = r.on_hand + v.on_hand FROM unnest(%s::bigint[], %s::bigint[], "
                    "%s::bigint[]) AS v(received, on_hand, id) WHERE r.id = v.id",
                    [received, on_hand, ids],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET received = received + %s, on_hand = on_hand + %s "
                    "WHERE id = %s",
                    changes,
                )


@transaction.atomic
def donation_receive_bulk(
    *,
    actor: AbstractBaseUser,
    site: Site,
    donations: Sequence[DonationInput],
    occurred_at: datetime | None = None,
    progress: Callable[[float], None] = lambda done: None,
) -> list[ReceivedDonation]:
    """Record many donations at one site: for every line one lot, one receipt movement and
    one new balance, exactly as `donation_receive` would, all or nothing. `progress` is told
    how much of the write is done (0–1) after each of its steps, for an import's bar: the
    shares of the time each table took in the import benchmark (the movements, with five
    foreign keys and eleven indexes, a third; the donations and the checks before them, a
    sixth)."""
    require_site_manager(actor, site)
    if not site.is_active:
        raise ValidationFailed(_("%(site)s is closed.") % {"site": site.name})
    if not donations:
        return []
    # Bulk inserts must hand back the new ids (PostgreSQL, SQLite ≥ 3.35).
    assert connection.features.can_return_rows_from_bulk_insert
    today = timezone.localdate()
    pack_sizes: dict[tuple[int, str], int] = {}
    references: set[str] = set()
    checked = []
    for donation in donations:
        if donation.received_at > today:
            raise ValidationFailed(_("The received date cannot be in the future."))
        reference = donation.reference.strip()
        if reference in references:
            raise ValidationFailed(
                _("Reference %(ref)s is given to two donations.") % {"ref": reference}
            )
        if reference:
            references.add(reference)
        checked.append((donation, reference, _checked_lines(donation, pack_sizes)))
    taken = list(
        Donation.objects.filter(
            organisation_id=site.organisation_id, reference__in=references
        ).values_list("reference", flat=True)[:1]
    )
    if taken:
        raise ValidationFailed(
            _("Donation reference %(ref)s is already recorded.") % {"ref": taken[0]}
        )
    names = [_donor_name(donation.donor) for donation, _ref, _lines in checked]
    donors = _donors(set(names))
    now = timezone.now()
    moments = [donation.occurred_at or occurred_at or now for donation, _r, _l in checked]
    donor_ids = [donors[name].pk for name in names]
    donation_ids = insert_rows(
        Donation,
        DONATION_FIELDS,
        [
            (
                site.organisation_id,
                site.pk,
                donor_id,
                donation.received_at,
                reference,
                donation.note,
                actor.pk,
                now,
            )
            for (donation, reference, _lines), donor_id in zip(checked, donor_ids, strict=True)
        ],
    )
    progress(0.15)
    # One entry per line: (donation index, line input, base quantity, packs, item id, batch)
    # — the item's id and the stripped batch worked out once, not once per table.
    lines = [
        (index, line, quantity, pack_count, line.item.pk, line.batch.strip())
        for index, (_donation, _ref, checked_lines) in enumerate(checked)
        for line, quantity, pack_count in checked_lines
    ]
    line_ids = insert_rows(
        DonationLine,
        LINE_FIELDS,
        [
            (
                donation_ids[index],
                item_id,
                quantity,
                line.pack_name if packs else "",
                packs,
                batch,
                line.expiry,
            )
            for index, line, quantity, packs, item_id, batch in lines
        ],
    )
    progress(0.3)
    received = [donation.received_at for donation, _ref, _lines in checked]
    site_id, actor_id, receipt = site.pk, actor.pk, MovementKind.RECEIPT.value
    lot_ids = insert_rows(
        Lot,
        LOT_FIELDS,
        [
            (
                item_id,
                line_id,
                donor_ids[index],
                batch,
                line.expiry,
                received[index],
            )
            for (index, line, _q, _p, item_id, batch), line_id in zip(lines, line_ids, strict=True)
        ],
    )
    progress(0.45)
    insert_rows(
        StockBalance,
        BALANCE_FIELDS,
        [
            (site_id, lot_id, item_id, line.expiry, quantity, 0, now)
            for (_i, line, quantity, _p, item_id, _b), lot_id in zip(lines, lot_ids, strict=True)
        ],
    )
    progress(0.67)
    reason = _("Donation #%(id)d from %(donor)s")
    reasons = [
        (reason % {"id": donation_id, "donor": name})[:200]
        for donation_id, name in zip(donation_ids, names, strict=True)
    ]
    insert_rows(
        StockMovement,
        MOVEMENT_FIELDS,
        [
            (
                site_id,
                lot_id,
                item_id,
                quantity,
                receipt,
                reasons[index],
                actor_id,
                moments[index],
                now,
                line_id,
                "",
            )
            for (index, _line, quantity, _p, item_id, _b), line_id, lot_id in zip(
                lines, line_ids, lot_ids, strict=True
            )
        ],
    )
    progress(0.97)
    totals: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    days = [rollup_day(moment) for moment in moments]
    for index, _line, quantity, _packs, item_id, _batch in lines:
        totals[days[index]][item_id] += quantity
    pending = _pending.get()
    if pending is None:
        _roll_up_receipts(site.pk, totals)
    else:
        pending.append((site.pk, {day: dict(items) for day, items in totals.items()}))
    progress(1.0)
    by_donation: list[list[int]] = [[] for _id in donation_ids]
    for (index, *_line), line_id in zip(lines, line_ids, strict=True):
        by_donation[index].append(line_id)
    return [
        ReceivedDonation(donation_id, ids)
        for donation_id, ids in zip(donation_ids, by_donation, strict=True)
    ]
