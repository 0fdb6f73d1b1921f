"""Benchmark: request submission through the API under concurrent load, against a bare ninja
endpoint on the same gunicorn, with the same load generator (a separate process on
127.0.0.1, bounded in requests and seconds). Target: ≥ 40 % of the bare endpoint's
throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.api
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2

from bench.common import (
    PRODUCTION_ENV,
    ROOT,
    manage,
    median,
    print_table,
    row,
    scratch_database,
    write_results,
)

WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))  # one per core here
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
RUNS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mib(pids: list[int]) -> float:
    """Largest resident set (VmHWM) among the server's processes."""
    peaks = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(max(peaks, default=0.0), 1)


def _children(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(c) for c in children)
    return found


def _load(url: str, *headers: str, body: str) -> dict:
    command = [
        sys.executable, "-m", "bench.load", url, "--method", "POST", "--body", body,
        "--concurrency", str(CONCURRENCY), "--requests", str(REQUESTS),
        "--seconds", str(SECONDS),
    ]  # fmt: skip
    for header in headers:
        command += ["--header", header]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def main() -> list[dict]:
    database = scratch_database("bench_api")
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "load_demo")
    token = manage(database, "create_api_token", "worker").strip().splitlines()[-1]
    unit_and_item = manage(
        database,
        "shell",
        "-c",
        "from supply_requests.models import ServedUnitMembership as M; "
        "print(M.objects.get(user__username='worker').served_unit_id)",
    )
    unit = int(unit_and_item.strip().splitlines()[-1])
    with psycopg2.connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_one_write (id bigserial PRIMARY KEY)")
    connection.close()
    body = json.dumps(
        {"served_unit": unit, "priority": "high", "people_served": 100,
         "lines": [{"item": "n95-mask", "quantity": 50}, {"item": "rice", "quantity": None}]}
    )  # fmt: skip
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench.settings_api",
        **PRODUCTION_ENV,
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application",
            "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--access-logfile", "-",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        auth = f"Authorization: Bearer {token}"
        api, bare = f"{base}/api/v1/requests", f"{base}/bench/bare"
        one_write = f"{base}/bench/one-write"
        _load(bare, body=body)  # warm-up: imports, connections, caches
        _load(one_write, body=body)
        _load(api, auth, body=body)
        api_runs, bare_runs, write_runs = [], [], []
        for _ in range(RUNS):  # interleaved, so a busy moment hits all three
            bare_runs.append(_load(bare, body=body))
            write_runs.append(_load(one_write, body=body))
            api_runs.append(_load(api, auth, body=body))
        peak = _peak_rss_mib(_children(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=20)
    for runs, expected in ((api_runs, "201"), (bare_runs, "200"), (write_runs, "200")):
        bad = [r["statuses"] for r in runs if set(r["statuses"]) != {expected}]
        if bad:
            raise SystemExit(f"unexpected responses during the benchmark: {bad}")
    api_rps, bare_rps = median([r["rps"] for r in api_runs]), median([r["rps"] for r in bare_runs])
    api_p95, bare_p95 = (
        median([r["p95_ms"] for r in api_runs]),
        median([r["p95_ms"] for r in bare_runs]),
    )
    write_rps = median([r["rps"] for r in write_runs])
    rows = [
        row("API request submission, throughput", api_rps, "req/s", "bare ninja endpoint",
            bare_rps, ">= 40% of reference", api_rps >= 0.4 * bare_rps,
            concurrency=CONCURRENCY, gunicorn_workers=WORKERS),
        row("bare endpoint + one durable INSERT (the floor of any write), throughput",
            write_rps, "req/s", "bare ninja endpoint", bare_rps, None, None),
        row("API request submission, p95 latency", api_p95, "ms", "bare ninja endpoint",
            bare_p95, None, None),
        row("API server peak memory (largest process)", peak, "MiB", None, None,
            None, None),
    ]  # fmt: skip
    return rows


if __name__ == "__main__":
    results = main()
    print_table("API: request submission under load (gunicorn, 127.0.0.1)", results)
    print(f"results written to {write_results('api', results)}")
