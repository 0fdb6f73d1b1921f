"""Benchmark: what people wait for, over HTTP (issue 19). gunicorn (2 workers, one per core)
serves a generated tier; `bench/load.py` (8 keep-alive clients, its own process, its own CPU
reported) sends each request for a few seconds; for every endpoint: p50 and p95 latency, and
the CPU per request of the app (the gunicorn workers) and of PostgreSQL (the backends of the
tier's database), both from /proc — CPU barely moves with what else the machine does, so it
is the number to compare between runs.

    .venv/bin/python -m bench.http                    # medium tier
    .venv/bin/python -m bench.http --tier medium --tier large
    BENCH_HTTP_DB_PREFIX=h19_http_ .venv/bin/python -m bench.http --reuse

References in the same run, on the same server and client: the bare ninja endpoint (JSON
parsed, a constant answered) and a plain Django view doing the minimal checked write of a
request submission (`bench/server.py`).

Figures are measured twice: with the figure cache off (every request builds the figure: what
a refresh costs the first time in an interval) and on (the next refreshes in the interval).
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2

from bench.api import _children, _free_port
from bench.common import (
    PRODUCTION_ENV,
    ROOT,
    database_url,
    manage,
    print_table,
    row,
    scratch_database,
    write_results,
)

WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "600"))
PREFIX = os.environ.get("BENCH_HTTP_DB_PREFIX", "bench_http_")
POOL = int(os.environ.get("BENCH_HTTP_POOL", "120"))  # objects per write endpoint
TICK = os.sysconf("SC_CLK_TCK")
# The production settings (bench.common), and no write throttles: the load is the point.
SERVER_ENV = {
    **PRODUCTION_ENV,
    "LOG_LEVEL": "WARNING",
    "API_WRITE_RATE_PER_TOKEN": "off",
    "API_WRITE_RATE_PER_ADDRESS": "off",
    # A deployment runs the alert checks on Celery beat. Without a broker the embedded
    # default runs them inside a page request every few minutes, which landed a whole check
    # (p95 1.6 s) in one figure's measurement window.
    "INPROCESS_CHECKS_MINUTES": "0",
}


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return found


class Meter:
    """CPU of the gunicorn workers and of the database's PostgreSQL backends."""

    def __init__(self, server: subprocess.Popen, database: str):
        self.server = server
        self.monitor = psycopg2.connect(database)
        self.monitor.autocommit = True

    def backends(self) -> list[int]:
        with self.monitor.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            return [pid for (pid,) in cursor.fetchall()]

    def snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        workers = [pid for pid in _children(self.server.pid) if pid != self.server.pid]
        return cpu_seconds(workers), cpu_seconds(self.backends())


def used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def load(
    base: str,
    method: str,
    path: str,
    headers: list[str],
    body: str = "",
    pool: list = (),
    *,
    concurrency: int = CONCURRENCY,
    requests: int = REQUESTS,
    seconds: float = SECONDS,
) -> dict:
    command = [
        sys.executable, "-m", "bench.load", base + path, "--method", method,
        "--concurrency", str(concurrency), "--requests", str(requests),
        "--seconds", str(seconds),
    ]  # fmt: skip
    if body:
        command += ["--body", body]
    if pool:
        command[3] = base + pool[0][0]  # the target's host; each request takes its own path
        # A pool is used up, not cut off by the clock: the delivery pool is the dispatched
        # shipments, so every one of them must have been dispatched.
        command[command.index("--seconds") + 1] = "600"
        pool_file = ROOT / "bench" / "http-pool.json"
        pool_file.write_text(json.dumps(list(pool)))
        command += ["--pool", str(pool_file)]
    for header in headers:
        command += ["--header", header]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def serve(database: str, **env: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application",
            "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env={
            **os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "bench.settings_api",
            **SERVER_ENV, **env,
        },
        stdout=subprocess.DEVNULL, stderr=open(ROOT / "bench" / "http-server.log", "a"),  # noqa: SIM115 (the server keeps it)
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def prepare(tier: str, reuse: bool) -> tuple[str, dict, dict]:
    # The pages are served as in production: hashed static files (whitenoise's manifest).
    manage(database_url("postgres"), "collectstatic", "--noinput", "-v0", **SERVER_ENV)
    name = f"{PREFIX}{tier}"
    url = database_url(name)
    generated = {}
    try:
        psycopg2.connect(url).close()
        exists = True
    except psycopg2.OperationalError:
        exists = False
    if not (reuse and exists):
        url = scratch_database(name)
        manage(url, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(url, "generate_scale_data", "--tier", tier)
        generated["seconds"] = round(time.perf_counter() - started, 1)
    output = subprocess.run(
        [sys.executable, "-m", "bench.http_world", "--tier", tier, "--pool", str(POOL)],
        cwd=ROOT, env={**os.environ, **SERVER_ENV, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    # The pools were just inserted: fresh statistics, as autovacuum would give them soon,
    # or PostgreSQL plans the figures' reads on the counts from before (a sort spilled to
    # disk for unit-progress: 30 ms of PostgreSQL where 18 ms is the steady state).
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return url, json.loads(output.stdout.strip().splitlines()[-1]), generated


def endpoints(world: dict, *, figures_only: bool = False) -> list[tuple]:
    """(name, reader's headers, method, path, body, expected status, pool)."""
    coordinator = [f"Cookie: sessionid={world['coordinator_session']}"]
    worker = [f"Cookie: sessionid={world['worker_session']}"]
    unit = f"?unit={world['unit']}"
    figures = [
        (
            f"figure {name}.json",
            worker if reader == "worker" else coordinator,
            "GET",
            f"/dashboards/figures/{name}.json" + (unit if reader == "worker" else ""),
            "",
            200,
            (),
        )
        for name, reader in world["figures"].items()
    ]
    if figures_only:
        return figures
    submission = json.dumps(world["submission"])
    as_worker_api = [f"Authorization: Bearer {world['worker_token']}"]
    as_coordinator_api = [f"Authorization: Bearer {world['coordinator_token']}"]
    pools = world["pools"]
    return [
        ("bare ninja endpoint (reference)", [], "POST", "/bench/bare", submission, 200, ()),
        ("plain Django checked write (reference)", as_worker_api, "POST", "/bench/plain-write",
         submission, 201, ()),
        ("request submission (POST /api/v1/requests)", as_worker_api, "POST", "/api/v1/requests",
         submission, 201, ()),
        ("approval (3 lines)", as_coordinator_api, "POST", "", "", 200, pools["approve"]),
        ("allocation commit, 3 lines", as_coordinator_api, "POST", "", "", 201,
         pools["commit3"]),
        ("allocation commit, 500 lines", as_coordinator_api, "POST", "", "", 201,
         pools["commit500"]),
        ("dispatch (3 lines)", as_coordinator_api, "POST", "", "", 200, pools["dispatch"]),
        ("delivery (3 lines)", as_coordinator_api, "POST", "", "", 200, pools["deliver"]),
        ("donation, 5 lines", as_coordinator_api, "POST", "/api/v1/donations",
         json.dumps(pools["donation"]), 201, ()),
        ("coordinator dashboard page", coordinator, "GET", "/dashboards/", "", 200, ()),
        ("stock page", coordinator, "GET", "/stock/", "", 200, ()),
        ("shortages page", coordinator, "GET", "/shortages/", "", 200, ()),
        ("request queue", coordinator, "GET", "/requests/queue/", "", 200, ()),
        (f"plan endpoint ({world['plan_lines']:,} demand lines)", as_coordinator_api, "POST",
         "/api/v1/allocations/plan", json.dumps(world["plan"]), 200, ()),
        *figures,
    ]  # fmt: skip


def measure(server, base: str, database: str, targets: list[tuple], tier: str, label=""):
    meter = Meter(server, database)
    rows = []
    for name, headers, method, path, body, expected, pool in targets:
        # Warm-up (imports, connections, plans); a pool's first objects go to it.
        warm = min(16, len(pool) // 4)
        if warm or not pool:
            load(base, method, path, headers, body, pool[:warm])
        app_before, db_before = meter.snapshot()
        result = load(base, method, path, headers, body, pool[warm:])
        app_after, db_after = meter.snapshot()
        count = result["requests"] or 1
        statuses = {int(code) for code in result["statuses"]}
        rows.append(
            {
                "tier": tier,
                "name": f"{name}{label}",
                "requests": result["requests"],
                "rps": result["rps"],
                "p50_ms": result["p50_ms"],
                "p95_ms": result["p95_ms"],
                "app_cpu_ms": round(1000 * used(app_before, app_after) / count, 2),
                "db_cpu_ms": round(1000 * used(db_before, db_after) / count, 2),
                "client_cpu_ms": round(1000 * result["client_cpu_s"] / count, 2),
                "ok": statuses == {expected},
                "statuses": result["statuses"],
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    meter.monitor.close()
    return rows


def chosen(targets: list[tuple], only: list[str] | None) -> list[tuple]:
    """The endpoints whose name contains one of `only` (all of them without it)."""
    return [t for t in targets if not only or any(part in t[0] for part in only)]


def run_tier(tier: str, reuse: bool, only: list[str] | None = None) -> list[dict]:
    database, world, generated = prepare(tier, reuse)
    rows = []
    server, base = serve(database, DASHBOARD_FIGURE_CACHE_SECONDS="0")
    try:
        targets = chosen(endpoints(world), only)
        rows += measure(server, base, database, targets, tier, " (no cache)")
    finally:
        server.terminate()
        server.wait(timeout=20)
    server, base = serve(database, DASHBOARD_FIGURE_CACHE_SECONDS="60")
    try:
        targets = chosen(endpoints(world, figures_only=True), only)
        rows += measure(server, base, database, targets, tier, " (cached)")
    finally:
        server.terminate()
        server.wait(timeout=20)
    if generated:
        print(f"generate_scale_data --tier {tier}: {generated['seconds']} s")
    return rows


def verdicts(rows: list[dict]) -> list[dict]:
    """The targets of issue 19 as result rows (bench/results-http.json)."""
    out = []
    for r in rows:
        name, tier = r["name"], r["tier"]
        cpu = round(r["app_cpu_ms"] + r["db_cpu_ms"], 2)
        target, met, reference = None, None, None
        if name.startswith("request submission"):
            plain = next(x for x in rows if x["tier"] == tier and x["name"].startswith("plain"))
            plain_cpu = plain["app_cpu_ms"] + plain["db_cpu_ms"]
            reference = ("plain Django checked write", round(plain_cpu, 2))
            target = "<= 8 ms CPU, p95 <= 100 ms, <= 1.3x plain write"
            met = cpu <= 8 and r["p95_ms"] <= 100 and cpu <= 1.3 * plain_cpu
        elif name.startswith("figure"):
            target = "p95 <= 100 ms, <= 20 ms CPU"
            met = r["p95_ms"] <= 100 and cpu <= 20
        elif name.startswith("plan endpoint"):
            # The target is at 140k demand lines; a tier's own demand is far fewer.
            target = "<= 2 s end to end (at 140k lines; not this demand)"
            met = None
        out.append(
            row(f"{name} @{tier}", cpu, "ms CPU/request", *(reference or (None, None)),
                target, met, p50_ms=r["p50_ms"], p95_ms=r["p95_ms"], app_cpu_ms=r["app_cpu_ms"],
                db_cpu_ms=r["db_cpu_ms"], client_cpu_ms=r["client_cpu_ms"], rps=r["rps"],
                responses_ok=r["ok"])
        )  # fmt: skip
    return out


def markdown(rows: list[dict]) -> str:
    lines = [
        "| tier | endpoint | p50 ms | p95 ms | app CPU ms/req | PostgreSQL CPU ms/req | req/s |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['tier']} | {r['name']} | {r['p50_ms']} | {r['p95_ms']} | {r['app_cpu_ms']} "
            f"| {r['db_cpu_ms']} | {r['rps']} |"
        )
    return "\n".join(lines)


def main() -> tuple[list[dict], bool]:
    """The verdict rows, and whether they are a full run's (to be saved)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tier", action="append", choices=["small", "medium", "large"])
    parser.add_argument("--reuse", action="store_true", help="keep an existing tier database")
    parser.add_argument(
        "--only", action="append", help="endpoints whose name contains this (repeatable)"
    )
    parser.add_argument(
        "--no-save", action="store_true", help="print the rows, keep bench/results-http*"
    )
    args = parser.parse_args()
    tiers = args.tier or ["medium"]
    rows = []
    for tier in tiers:
        rows += run_tier(tier, args.reuse, args.only)
    if args.no_save or args.only:  # a partial run never replaces the full table
        print(markdown(rows))
        return verdicts(rows), False
    # A tier not run this time keeps its latest measurement (large takes long to generate).
    raw = ROOT / "bench" / "results-http-raw.json"
    kept = [
        r for r in (json.loads(raw.read_text()) if raw.exists() else []) if r["tier"] not in tiers
    ]
    rows = kept + rows
    raw.write_text(json.dumps(rows, indent=1) + "\n")
    table = markdown(rows)
    (ROOT / "bench" / "results-http.md").write_text(
        f"Tiers: {', '.join(sorted({r['tier'] for r in rows}))} (this run: {', '.join(tiers)}); "
        f"{WORKERS} gunicorn workers, {CONCURRENCY} clients.\n\n{table}\n"
    )
    print(table)
    return verdicts(rows), True


if __name__ == "__main__":
    results, full = main()
    print_table("HTTP: what people wait for", results)
    if full:
        print(f"results written to {write_results('http', results)}")
