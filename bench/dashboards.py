"""Benchmark: every dashboard figure's data read at 100,000 and 1,000,000 ledger movements
on PostgreSQL — target ≤ 100 ms each, and no slower at 1M than at 100k.

Run from the project root:  .venv/bin/python -m bench.dashboards   (see bench/README.md)

It creates its own two databases (`bench_dashboards_100k`, `bench_dashboards_1m` on
postgres://postgres@127.0.0.1:5432, or on the server of BENCH_DATABASE_URL; never `test`),
fills them with `bench.dashboards_world`, and times each figure's selector
(`dashboards.registry.FIGURES[...].load`) as the coordinator of the biggest organisation
calls it — default window, the 14 days to today — beside the same question answered by a
raw SQL GROUP BY over the ledger. Both sizes are measured in the same runs, one after the
other, so a busy moment of the machine falls on both. More movements means a longer history
(1,000 a day), not a busier day: what must not matter is how much happened before.
"""

import argparse
import json
import os
import platform
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_MS = 100.0
FLAT_LIMIT = 1.5  # 1M ÷ 100k above this is more than noise
RESULTS = Path(__file__).with_name("results-dashboards.json")
SIZES = {"100k": 100_000, "1M": 1_000_000}


def database(size: str) -> str:
    return f"bench_dashboards_{size.lower()}"


def server_url(name: str) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if name == "test":
        raise SystemExit("refusing to touch the test database")
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def recreate_database(name: str) -> None:
    import psycopg2

    maintenance = psycopg2.connect(server_url("postgres"))
    maintenance.autocommit = True
    with maintenance.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    maintenance.close()


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
    """One size's database and the two readers measured there, with their scopes."""

    def __init__(self, size: str, personas) -> None:
        self.size, self.personas = size, personas

    def prepare(self) -> None:
        """Scopes are built once (their querysets run on whichever database is in use)."""
        from dashboards.selectors import base_scope, narrow

        self.coordinator = narrow(base_scope(self.personas.coordinator))
        self.worker = narrow(base_scope(self.personas.worker), unit_id=self.personas.worker_unit)
        self.params = {
            "sites": list(self.coordinator.sites.values_list("pk", flat=True)),
            "units": sorted(self.worker.unit_ids),
            "start": self.coordinator.start,
            "end": self.coordinator.end,
            "cover": self.coordinator.end - timedelta(days=14),
        }


def measure(readers: list[Reader], runs: int) -> dict[str, dict[str, tuple]]:
    """Per size and figure, milliseconds of our data read and of its ledger reference:
    (median ours, median ledger, min ours, min ledger).

    Each timed call follows an untimed one of the same read: right after a ledger GROUP BY
    over a million rows a small read finds its pages pushed out of the caches, which would
    charge the reference's cost to ours (and the other way round).
    """
    from django.db import connection

    from dashboards.registry import FIGURES, UNIT_PAGE

    times = {r.size: {name: ([], []) for name in FIGURES} for r in readers}
    for run in range(runs + 1):  # the first run warms the caches and is not counted
        for reader in readers:
            use(database(reader.size))
            for name, spec in FIGURES.items():
                scope = reader.worker if name in UNIT_PAGE else reader.coordinator
                for timed in (False, True):
                    started = time.perf_counter()
                    spec.load(scope)
                    if timed and run:
                        times[reader.size][name][0].append((time.perf_counter() - started) * 1e3)
                for timed in (False, True):
                    with connection.cursor() as cursor:
                        started = time.perf_counter()
                        cursor.execute(REFERENCES[name], reader.params)
                        cursor.fetchall()
                        if timed and run:
                            elapsed = (time.perf_counter() - started) * 1e3
                            times[reader.size][name][1].append(elapsed)
    return {
        size: {
            name: (statistics.median(ours), statistics.median(ledger), min(ours), min(ledger))
            for name, (ours, ledger) in figures.items()
        }
        for size, figures in times.items()
    }


def scope_cost(reader: Reader, runs: int) -> float:
    """Building the reader's scope (roles, sites, directory, default window), per request."""
    from django.contrib.auth import get_user_model

    from dashboards.selectors import base_scope, narrow

    use(database(reader.size))
    values = []
    for _ in range(runs + 1):
        user = get_user_model().objects.get(pk=reader.personas.coordinator.pk)
        started = time.perf_counter()
        narrow(base_scope(user))  # a fresh user, as each request has: no cached roles
        values.append((time.perf_counter() - started) * 1e3)
    return statistics.median(values[1:])


def check(personas) -> str:
    """The generated history is consistent: balances = ledger, roll-up = ledger (3 sites)."""
    from inventory.models import Site
    from inventory.selectors import ledger_mismatches
    from inventory.services.ledger import rollups_from_ledger

    assert ledger_mismatches() == [], "balances disagree with the ledger"
    from inventory.models import DailyStockRollup

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


# Indexes the request and shipment tables do not have (yet): without them a window on
# requests or shipments reads every request of the units in view, which grows with history.
# Asked of their owners; measured here as a second pass, on the same data.
PROPOSED_INDEXES = [
    "CREATE INDEX bench_request_unit_submitted ON requests_supplyrequest "
    "(served_unit_id, submitted_at)",
    "CREATE INDEX bench_request_decided ON requests_supplyrequest (decided_at)",
    "CREATE INDEX bench_shipment_unit_delivered ON logistics_shipment "
    "(served_unit_id, delivered_at)",
    "CREATE INDEX bench_shipment_site_dispatched ON logistics_shipment (site_id, dispatched_at)",
]
SCHEMAS = {"as is": "schema as migrated", "+ indexes": "with the proposed request/shipment indexes"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = server_url(database(args.sizes[0]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logistics.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.dashboards_world import build_world

    readers = []
    for size in args.sizes:
        connection.close()
        recreate_database(database(size))
        use(database(size))
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        personas = build_world(movements=SIZES[size], seed=args.seed, today=date.today())
        print(
            f"{size}: {personas.movements:,} movements over {personas.days} days built in "
            f"{time.perf_counter() - started:.0f} s; {check(personas)}"
        )
        readers.append(Reader(size, personas))
    for reader in readers:
        use(database(reader.size))
        reader.prepare()

    medians: dict[str, dict[str, dict[str, tuple]]] = {}
    for schema in SCHEMAS:
        if schema == "+ indexes":
            for reader in readers:
                use(database(reader.size))
                with connection.cursor() as cursor:
                    for statement in PROPOSED_INDEXES:
                        cursor.execute(statement)
                    cursor.execute("ANALYZE")
        medians[schema] = measure(readers, args.runs)

    results = []
    for schema, label in SCHEMAS.items():
        for size, figures in medians[schema].items():
            reference = f"raw SQL GROUP BY over the ledger, {size}, same runs"
            for name, (ours, ledger, _least, _least_ledger) in figures.items():
                results.append(
                    row(
                        f"{name} data read @{size}, {label}, median of {args.runs}",
                        ours,
                        "ms",
                        reference,
                        ledger,
                        f"<= {TARGET_MS:g} ms",
                        ours <= TARGET_MS,
                    )
                )
    for reader in readers:
        scope = scope_cost(reader, args.runs)
        results.append(
            row(
                f"scope (roles, sites, directory, window) @{reader.size}",
                scope,
                "ms",
                None,
                None,
                f"<= {TARGET_MS:g} ms",
                scope <= TARGET_MS,
            )
        )
    both = len(readers) == 2
    if both:
        for schema, label in SCHEMAS.items():
            for name, (*_medians, large, ledger_large) in medians[schema]["1M"].items():
                *_medians, small, ledger_small = medians[schema]["100k"][name]
                results.append(
                    row(
                        f"{name} 1M ÷ 100k (fastest of {args.runs} runs each), {label}",
                        large / small,
                        "×",
                        "the ledger GROUP BY's own 1M ÷ 100k",
                        ledger_large / ledger_small,
                        f"<= {FLAT_LIMIT:g}×",
                        large / small <= FLAT_LIMIT,
                    )
                )
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print(
        f"\nPostgreSQL, Python {platform.python_version()}, {os.cpu_count()} cores; medians of "
        f"{args.runs} runs in ms; ledger = raw SQL GROUP BY over the ledger; target ≤ 100 ms;\n"
        "1M÷100k compares the fastest run of each size (a 3 ms read's median moves ±50 % with "
        "the machine's other load, its fastest run does not)"
    )
    for schema, label in SCHEMAS.items():
        table = medians[schema]
        print(f"\n{label}")
        header = f"{'figure':<17}" + "".join(f"{'ours ' + s:>10}{'ledger ' + s:>12}" for s in table)
        print(header + (f"{'1M÷100k':>9}{'ledger':>8}" if both else ""))
        for name in table[args.sizes[0]]:
            line = f"{name:<17}" + "".join(
                f"{table[s][name][0]:>10.1f}{table[s][name][1]:>12.1f}" for s in table
            )
            if both:
                line += f"{table['1M'][name][2] / table['100k'][name][2]:>8.2f}×"
                line += f"{table['1M'][name][3] / table['100k'][name][3]:>7.1f}×"
            print(line)
    missed = [r["name"] for r in results if r["met"] is False]
    print(f"\nnot met: {'; '.join(missed)}" if missed else "\nverdict: every target MET")
    print(f"results written to {RESULTS}")


if __name__ == "__main__":
    main()
