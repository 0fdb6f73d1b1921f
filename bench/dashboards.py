"""Benchmark: every dashboard figure's data read on PostgreSQL — target ≤ 100 ms each, and
flat as the data grows.

Run from the project root:  .venv/bin/python -m bench.dashboards   (see bench/README.md)

Two comparisons, each in databases of its own on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432; never `test`):

- tiers: `generate_scale_data --tier medium` (100k movements) and `--tier large` (1M
  movements, 100k requests) — a bigger deployment, with 4× the sites and busier days;
- history: `bench.dashboards_world` at 100k and 1M movements — the same sites and the same
  busy days, 10× the history (1,000 movements a day for 100 or 1,000 days).

Each figure's selector (`dashboards.registry.FIGURES[...].load`) is timed as a coordinator of
one organisation calls it — default window, the 14 days to today — beside the same question
answered by a raw SQL GROUP BY over the ledger. The two worlds of a comparison are measured in
the same runs, one after the other, so a busy moment of the machine falls on both.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.common import database_url, scratch_database

TARGET_MS = 100.0
FLAT_LIMIT = 1.5  # bigger ÷ smaller above this is more than noise
GENERATE_TARGET_MIN = 60  # "minutes, not hours"
RESULTS = Path(__file__).with_name("results-dashboards.json")
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Comparison:
    name: str
    worlds: tuple[str, str]  # smaller, bigger
    about: str


COMPARISONS = {
    "tiers": Comparison("tiers", ("medium", "large"), "generator tiers"),
    "history": Comparison("history", ("100k", "1M"), "same sites, 10× the history"),
}
HISTORY_MOVEMENTS = {"100k": 100_000, "1M": 1_000_000}


def database(size: str) -> str:
    return f"bench_dashboards_{size.lower()}"


def use(name: str) -> None:
    """Point Django's connection at another of our databases (reconnects on next use)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


# The same questions, answered from the raw ledger (scoped to the same sites and units).
# %(sites)s and %(units)s are id lists; %(start)s/%(end)s the window; %(cover)s its last 14 days.
LEDGER = "inventory_stockmovement"
SHIPPED = f"""{LEDGER} m JOIN logistics_shipmentline sl
    ON m.document_type = 'shipment_line' AND sl.id = m.document_id
    JOIN logistics_shipment sh ON sh.id = sl.shipment_id"""
REFERENCES = {
    "kpis": f"""SELECT m.item_id, SUM(m.quantity) FROM {LEDGER} m JOIN inventory_lot l
        ON l.id = m.lot_id WHERE m.site_id = ANY(%(sites)s) GROUP BY m.item_id, l.expiry""",
    "stock": f"""SELECT site_id, item_id, SUM(quantity), SUM(CASE WHEN kind = 'dispatch'
        AND occurred_at >= %(cover)s THEN -quantity ELSE 0 END) FROM {LEDGER}
        WHERE site_id = ANY(%(sites)s) GROUP BY site_id, item_id""",
    "stock-over-time": f"""SELECT item_id, CASE WHEN occurred_at < %(start)s THEN NULL ELSE
        (occurred_at AT TIME ZONE 'Asia/Shanghai')::date END, SUM(quantity) FROM {LEDGER}
        WHERE site_id = ANY(%(sites)s) AND occurred_at <= %(end)s GROUP BY 1, 2""",
    "expiry": f"""SELECT m.lot_id, l.expiry, SUM(m.quantity) FROM {LEDGER} m JOIN inventory_lot l
        ON l.id = m.lot_id WHERE m.site_id = ANY(%(sites)s) AND l.expiry IS NOT NULL
        GROUP BY m.lot_id, l.expiry HAVING SUM(m.quantity) > 0""",
    "coverage": f"""SELECT sh.served_unit_id, i.category, SUM(-m.quantity) FROM {SHIPPED}
        JOIN inventory_item i ON i.id = m.item_id WHERE m.site_id = ANY(%(sites)s)
        GROUP BY 1, 2""",
    "deliveries": f"""SELECT sh.id, sh.served_unit_id, MIN(m.occurred_at), SUM(-m.quantity)
        FROM {SHIPPED} WHERE m.site_id = ANY(%(sites)s) AND m.occurred_at >= %(start)s
        GROUP BY 1, 2""",
    "donation-flow": f"""SELECT l.donor_id, s.organisation_id, sh.served_unit_id, SUM(-m.quantity)
        FROM {SHIPPED} JOIN inventory_lot l ON l.id = m.lot_id
        JOIN inventory_site s ON s.id = m.site_id WHERE m.kind = 'dispatch'
        AND m.site_id = ANY(%(sites)s) AND m.occurred_at BETWEEN %(start)s AND %(end)s
        GROUP BY 1, 2, 3""",
    "unit-status": f"""SELECT sh.served_unit_id, SUM(-m.quantity) FROM {SHIPPED}
        WHERE sh.served_unit_id = ANY(%(units)s) GROUP BY 1""",
    "unit-progress": f"""SELECT m.item_id, SUM(-m.quantity) FROM {SHIPPED}
        WHERE sh.served_unit_id = ANY(%(units)s) GROUP BY 1""",
}


class Reader:
    """One world's database and the two readers measured there, with their scopes."""

    def __init__(self, world: str, personas) -> None:
        self.world, self.personas = world, personas

    def prepare(self) -> None:
        """Scopes are built once (their querysets run on whichever database is in use)."""
        from dashboards.selectors import base_scope, narrow

        use(database(self.world))
        self.coordinator = narrow(base_scope(self.personas.coordinator))
        self.worker = narrow(base_scope(self.personas.worker), unit_id=self.personas.worker_unit)
        self.params = {
            "sites": list(self.coordinator.sites.values_list("pk", flat=True)),
            "units": sorted(self.worker.unit_ids),
            "start": self.coordinator.start,
            "end": self.coordinator.end,
            "cover": self.coordinator.end - timedelta(days=14),
        }

    def load_all(self) -> None:
        from dashboards.registry import FIGURES, UNIT_PAGE

        for name, spec in FIGURES.items():
            spec.load(self.worker if name in UNIT_PAGE else self.coordinator)


def measure(readers: list[Reader], runs: int) -> dict[str, dict[str, tuple]]:
    """Per world and figure, milliseconds of our data read and of its ledger reference:
    (median ours, median ledger, min ours, min ledger).

    Each timed call follows an untimed one of the same read: right after a ledger GROUP BY
    over a million rows a small read finds its pages pushed out of the caches, which would
    charge the reference's cost to ours (and the other way round).
    """
    from django.db import connection

    from dashboards.registry import FIGURES, UNIT_PAGE

    times = {r.world: {name: ([], []) for name in FIGURES} for r in readers}
    for run in range(runs + 1):  # the first run warms the caches and is not counted
        for reader in readers:
            use(database(reader.world))
            for name, spec in FIGURES.items():
                scope = reader.worker if name in UNIT_PAGE else reader.coordinator
                for timed in (False, True):
                    started = time.perf_counter()
                    spec.load(scope)
                    if timed and run:
                        times[reader.world][name][0].append((time.perf_counter() - started) * 1e3)
                for timed in (False, True):
                    with connection.cursor() as cursor:
                        started = time.perf_counter()
                        cursor.execute(REFERENCES[name], reader.params)
                        cursor.fetchall()
                        if timed and run:
                            elapsed = (time.perf_counter() - started) * 1e3
                            times[reader.world][name][1].append(elapsed)
    return {
        world: {
            name: (statistics.median(ours), statistics.median(ledger), min(ours), min(ledger))
            for name, (ours, ledger) in figures.items()
        }
        for world, figures in times.items()
    }


def scope_cost(reader: Reader, runs: int) -> float:
    """Building the reader's scope (roles, sites and their ids, directory, default window),
    per request."""
    from django.contrib.auth import get_user_model

    from dashboards.selectors import base_scope, narrow

    use(database(reader.world))
    values = []
    for _ in range(runs + 1):
        user = get_user_model().objects.get(pk=reader.personas.coordinator.pk)
        started = time.perf_counter()
        scope = narrow(base_scope(user))  # a fresh user, as each request has: no cached roles
        scope.site_ids  # noqa: B018 — read, as the first stock figure of a request reads it
        values.append((time.perf_counter() - started) * 1e3)
    return statistics.median(values[1:])


def live_lots(reader: Reader) -> int:
    from inventory.models import StockBalance

    use(database(reader.world))
    return StockBalance.objects.filter(site_id__in=reader.params["sites"], on_hand__gt=0).count()


def read_memory(reader: Reader) -> float:
    """Peak MiB Python allocates reading every figure once (tracemalloc slows the reads, so
    it is never on while timing)."""
    use(database(reader.world))
    reader.load_all()  # warm: the first read pays for imports and compiled queries
    tracemalloc.start()
    try:
        reader.load_all()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def check(personas) -> str:
    """The generated data is consistent: balances = ledger, roll-up = ledger (3 sites)."""
    from inventory.models import DailyStockRollup, Site
    from inventory.selectors import balance_lot_mismatches, ledger_mismatches
    from inventory.services.ledger import rollups_from_ledger

    assert ledger_mismatches() == [], "balances disagree with the ledger"
    assert balance_lot_mismatches() == [], "balances disagree with their lots"
    for site_id in Site.objects.order_by("pk").values_list("pk", flat=True)[:3]:
        stored = {
            (r.day, r.item_id): (r.received, r.dispatched, r.other_change, r.on_hand)
            for r in DailyStockRollup.objects.filter(site_id=site_id)
        }
        expected = {
            key: (v.received, v.dispatched, v.other_change, v.on_hand)
            for key, v in rollups_from_ledger(site_id=site_id).items()
        }
        assert stored == expected, f"roll-up of site {site_id} disagrees with the ledger"
    return "balances and roll-up agree with the ledger"


def row(name, value, unit, reference, reference_value, target=None, met=None) -> dict:
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "reference": reference,
        "reference_value": None if reference_value is None else round(reference_value, 3),
        "ratio": round(value / reference_value, 3) if reference_value else None,
        "target": target,
        "met": met,
    }


def generate_tier(tier: str, seed: int) -> tuple[float, float]:
    """`manage.py generate_scale_data` in a process of its own, into the tier's database:
    (seconds, peak resident MiB of that process)."""
    env = {**os.environ, "DATABASE_URL": database_url(database(tier)), "DEBUG": "true"}
    command = [sys.executable, "manage.py", "generate_scale_data", "--tier", tier]
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        child = subprocess.Popen([*command, "--seed", str(seed)], cwd=ROOT, env=env, stdout=quiet)
        _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"generate_scale_data --tier {tier} failed")
    # ru_maxrss is in KiB on Linux.
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def tier_personas(tier: str, seed: int):
    """A coordinator of the generated tier's first organisation (5 sites, 25-30 served
    units in both tiers) and a community worker for its busiest served unit."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from bench.dashboards_world import Personas
    from demo.scale.tiers import TIERS
    from inventory.models import Organisation, OrganisationMembership, StockMovement
    from supply_requests.models import ServedUnit, ServedUnitMembership

    User = get_user_model()
    organisation_code = f"s{seed}-org-0"
    coordinator = User.objects.create(username="bench-coordinator")
    OrganisationMembership.objects.create(
        user=coordinator,
        organisation=Organisation.objects.get(code=organisation_code),
        role="coordinator",
    )
    busiest = (
        ServedUnit.objects.filter(organisations__code=organisation_code, kind="community")
        .annotate(shipped=Count("shipments"))
        .order_by("-shipped", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    worker = User.objects.create(username="bench-worker")
    ServedUnitMembership.objects.create(user=worker, served_unit_id=busiest)
    return Personas(coordinator, worker, busiest, StockMovement.objects.count(), TIERS[tier].days)


def build(comparison: Comparison, world: str, seed: int) -> tuple[Reader, list[dict]]:
    from django.core.management import call_command
    from django.db import connection

    from bench.dashboards_world import build_world

    connection.close()
    scratch_database(database(world))
    use(database(world))
    call_command("migrate", verbosity=0)
    extra = []
    if comparison.name == "tiers":
        seconds, peak = generate_tier(world, seed)
        personas = tier_personas(world, seed)
        extra = [
            row(
                f"generate_scale_data --tier {world}, time",
                seconds / 60,
                "min",
                None,
                None,
                f"<= {GENERATE_TARGET_MIN} min",
                seconds / 60 <= GENERATE_TARGET_MIN,
            ),
            row(f"generate_scale_data --tier {world}, peak memory (RSS)", peak, "MiB", None, None),
        ]
    else:
        started = time.perf_counter()
        personas = build_world(movements=HISTORY_MOVEMENTS[world], seed=seed, today=date.today())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as generate_scale_data does after its bulk load
        seconds = time.perf_counter() - started
    print(
        f"{world}: {personas.movements:,} movements over {personas.days} days built in "
        f"{seconds:.0f} s; {check(personas)}",
        flush=True,
    )
    return Reader(world, personas), extra


def compare(comparison: Comparison, seed: int, runs: int) -> list[dict]:
    readers, results = [], []
    for world in comparison.worlds:
        reader, extra = build(comparison, world, seed)
        results.extend(extra)
        readers.append(reader)
    for reader in readers:
        reader.prepare()
    medians = measure(readers, runs)
    small, big = comparison.worlds
    for world, figures in medians.items():
        reference = f"raw SQL GROUP BY over the ledger, {world}, same runs"
        for name, (ours, ledger, _least, _least_ledger) in figures.items():
            results.append(
                row(
                    f"{name} data read @{world} ({comparison.about}), median of {runs}",
                    ours,
                    "ms",
                    reference,
                    ledger,
                    f"<= {TARGET_MS:g} ms",
                    ours <= TARGET_MS,
                )
            )
    for reader in readers:
        # What the stock reads are proportional to: the lots on the reader's shelves now.
        results.append(
            row(f"lots holding stock at the coordinator's sites @{reader.world}",
                live_lots(reader), "lots", None, None)
        )  # fmt: skip
        scope = scope_cost(reader, runs)
        results.append(
            row(
                f"scope (roles, site ids, directory, window) @{reader.world}",
                scope,
                "ms",
                None,
                None,
                f"<= {TARGET_MS:g} ms",
                scope <= TARGET_MS,
            )
        )
    for name, (*_medians, large, ledger_large) in medians[big].items():
        *_medians, least, ledger_least = medians[small][name]
        results.append(
            row(
                f"{name} {big} ÷ {small} (fastest of {runs} runs each)",
                large / least,
                "×",
                f"the ledger GROUP BY's own {big} ÷ {small}",
                ledger_large / ledger_least,
                f"<= {FLAT_LIMIT:g}×",
                large / least <= FLAT_LIMIT,
            )
        )
    results.append(
        row(
            f"dashboard reads, every figure once @{big}, peak memory (tracemalloc)",
            read_memory(readers[-1]),
            "MiB",
            None,
            None,
        )
    )
    print_comparison(comparison, medians, runs)
    return results


def print_comparison(comparison: Comparison, medians: dict, runs: int) -> None:
    small, big = comparison.worlds
    print(
        f"\n{comparison.about}: medians of {runs} runs in ms; ledger = raw SQL GROUP BY over "
        f"the ledger; {big}÷{small} compares each world's fastest run"
    )
    header = f"{'figure':<17}" + "".join(f"{'ours ' + w:>13}{'ledger ' + w:>14}" for w in medians)
    print(header + f"{big + '÷' + small:>13}{'ledger':>8}")
    for name in medians[small]:
        line = f"{name:<17}" + "".join(
            f"{medians[w][name][0]:>13.1f}{medians[w][name][1]:>14.1f}" for w in medians
        )
        line += f"{medians[big][name][2] / medians[small][name][2]:>12.2f}×"
        line += f"{medians[big][name][3] / medians[small][name][3]:>7.1f}×"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--compare", nargs="+", choices=list(COMPARISONS), default=list(COMPARISONS)
    )
    args = parser.parse_args()

    first = COMPARISONS[args.compare[0]].worlds[0]
    os.environ["DATABASE_URL"] = database_url(database(first))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    results = []
    for name in args.compare:
        results.extend(compare(COMPARISONS[name], args.seed, args.runs))
    results.append(
        row(
            "dashboards benchmark process, peak memory (RSS)",
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "MiB",
            None,
            None,
        )
    )
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nPostgreSQL, Python {platform.python_version()}, {os.cpu_count()} cores")
    missed = [r["name"] for r in results if r["met"] is False]
    print(f"not met: {'; '.join(missed)}" if missed else "verdict: every target MET")
    print(f"results written to {RESULTS}")


if __name__ == "__main__":
    main()
