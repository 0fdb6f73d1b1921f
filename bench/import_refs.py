"""The import benchmark's references and its contention probe (issue 19).

- `copy_into_ledger`: the same lines `COPY`d straight into the real ledger tables —
  donations, lines, lots, balances, receipt movements and the daily roll-up, with every
  index, foreign key and trigger they have, committed. The rows (ids from the sequences,
  the COPY text) are made before the clock starts: what is timed is only what PostgreSQL
  must do to keep the ledger, the floor of any import that writes these rows.
- `DonationsAlongside`: 1-line donations at the import's own site, one after another from
  another connection while the import runs, each timed — how long a warehouse waits
  behind an import (target: none more than 200 ms).
"""

import io
import os
import statistics
import threading
import time
from collections import defaultdict
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

from django.db import connection, connections, transaction
from django.utils import timezone


def _copy_text(rows) -> str:
    out = io.StringIO()
    for row in rows:
        out.write("\t".join(r"\N" if value is None else str(value) for value in row) + "\n")
    return out.getvalue()


def _ids(table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [row[0] for row in cursor.fetchall()]


def backend_cpu() -> float:
    """CPU seconds (user + system) this connection's PostgreSQL backend has used, from
    /proc: it barely moves with the machine's load, unlike the wall clock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def copy_into_ledger(
    clean: list[tuple], organisation, user, run: int, *, fk_triggers: bool = True
) -> tuple[float, float]:
    """(seconds, PostgreSQL CPU seconds) to COPY and commit the sheet's rows into the ledger
    tables (into a new site). `clean`: (donation no, donor, day, item code, quantity,
    batch, expiry) per line.

    `fk_triggers=False` (a scratch database only; needs a superuser) sends the same rows
    with `session_replication_role = replica`, which skips the per-row foreign-key
    triggers: what the ledger's foreign keys cost PostgreSQL, not a way to import."""
    from inventory.models import Donor, Item, MovementKind, Site

    site = Site.objects.create(organisation=organisation, code=f"copy-{run}", name=f"COPY{run}")
    items = dict(Item.objects.values_list("code", "pk"))
    donors = {}
    for name in sorted({row[1] for row in clean}):
        donors[name] = Donor.objects.get_or_create(name=name)[0].pk
    now = timezone.now().isoformat()
    zone = timezone.get_default_timezone()
    by_donation: dict[int, list[tuple]] = defaultdict(list)
    for row in clean:
        by_donation[row[0]].append(row)
    donation_ids = _ids("inventory_donation", len(by_donation))
    line_ids, lot_ids = (
        _ids("inventory_donationline", len(clean)),
        _ids("inventory_lot", len(clean)),
    )
    balance_ids = _ids("inventory_stockbalance", len(clean))
    movement_ids = _ids("inventory_stockmovement", len(clean))
    donations, lines, lots, balances, movements = [], [], [], [], []
    totals: dict[tuple[date, int], int] = defaultdict(int)
    index = 0
    for donation_id, rows in zip(donation_ids, by_donation.values(), strict=True):
        _n, donor, day, *_rest = rows[0]
        moment = timezone.make_aware(datetime.combine(date.fromisoformat(day), clock(12)), zone)
        donations.append(
            (donation_id, organisation.pk, site.pk, donors[donor], day, "", "", user.pk, now)
        )
        for _n, _donor, _day, code, quantity, batch, expiry in rows:
            item = items[code]
            line, lot = line_ids[index], lot_ids[index]
            lines.append((line, donation_id, item, quantity, "", None, batch, expiry))
            lots.append((lot, item, line, donors[donor], batch, expiry, day))
            balances.append((balance_ids[index], site.pk, lot, item, expiry, quantity, 0, now))
            movements.append(
                (movement_ids[index], site.pk, lot, item, quantity, MovementKind.RECEIPT.value,
                 f"Donation #{donation_id}", user.pk, moment.isoformat(), now, line, "")
            )  # fmt: skip
            totals[(date.fromisoformat(day), item)] += quantity
            index += 1
    on_hand: dict[int, int] = defaultdict(int)
    rollups = []
    for rollup_id, ((day, item), quantity) in zip(
        _ids("inventory_dailystockrollup", len(totals)),
        sorted(totals.items(), key=lambda entry: (entry[0][1], entry[0][0])),
        strict=True,
    ):
        on_hand[item] += quantity
        rollups.append((rollup_id, day, site.pk, item, quantity, 0, 0, on_hand[item]))
    tables = [
        ("inventory_donation", "id, organisation_id, site_id, donor_id, received_at, "
         "reference, note, recorded_by_id, created_at", donations),
        ("inventory_donationline", "id, donation_id, item_id, quantity, pack_name, pack_count, "
         "batch, expiry", lines),
        ("inventory_lot", "id, item_id, donation_line_id, donor_id, batch, expiry, received_at",
         lots),
        ("inventory_stockbalance", "id, site_id, lot_id, item_id, expiry, on_hand, reserved, "
         "updated_at", balances),
        ("inventory_stockmovement", "id, site_id, lot_id, item_id, quantity, kind, reason, "
         "actor_id, occurred_at, created_at, donation_line_id, document_type", movements),
        ("inventory_dailystockrollup", "id, day, site_id, item_id, received, dispatched, "
         "other_change, on_hand", rollups),
    ]  # fmt: skip
    texts = [(table, columns, _copy_text(rows)) for table, columns, rows in tables]
    cpu = backend_cpu()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if not fk_triggers:
            cursor.execute("SET LOCAL session_replication_role = replica")
        for table, columns, text in texts:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text))
    seconds = time.perf_counter() - start
    return seconds, backend_cpu() - cpu


class DonationsAlongside(threading.Thread):
    """1-line donations at `site`, back to back (a pause of `pause` s between them), from a
    connection of this thread's own, until `stop()`; `waits` are their durations in s."""

    def __init__(self, site, user, item, pause: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.site, self.user, self.item, self.pause = site, user, item, pause
        self.waits: list[float] = []
        self.error: BaseException | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        from inventory.services import DonationLineInput, donation_receive

        try:
            while not self._stop_event.is_set():
                start = time.perf_counter()
                donation_receive(
                    actor=self.user,
                    site=self.site,
                    donor="基准测试旁路捐赠方",
                    received_at=timezone.localdate(),
                    lines=[DonationLineInput(item=self.item, quantity=1)],
                )
                self.waits.append(time.perf_counter() - start)
                self._stop_event.wait(self.pause)
        except BaseException as error:  # reported by the benchmark, never swallowed
            self.error = error
        finally:
            connections.close_all()

    def stop(self) -> list[float]:
        self._stop_event.set()
        self.join()
        if self.error is not None:
            raise self.error
        return self.waits


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return max(values, default=0.0)
    return statistics.quantiles(values, n=20)[-1]
