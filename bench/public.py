"""Benchmark: the public needs board and a donor's page under a crowd, against a bare page
on the same gunicorn, loaded by wrk from 127.0.0.1 (bounded: a few seconds a run). Target:
both ≥ 500 requests/s on this 2-core box, with the ledger unaffected (verify_ledger clean,
no movement written). Also timed: each page rendered cold (a cache key of its own), which is
what one request a minute per worker pays.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h21 .venv/bin/python -m bench.public
    … --tier small|medium|large (default large; generating it takes ~4 minutes)
    … --redis redis://127.0.0.1:6379/7 (the cache shared by the workers, as in production)

The scratch database is the one named in DATABASE_URL, dropped and made anew.
"""

import argparse
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import dj_database_url

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

WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
RUNS = 3
TARGET_RPS = 500
WRK = "/usr/bin/wrk"

_PUBLISH = """
from django.db.models import Count
from inventory.models import Donor, Organisation
from public.models import OrganisationPublication
from django.contrib.auth import get_user_model
actor = get_user_model().objects.order_by("pk").first()
for o in Organisation.objects.all():
    OrganisationPublication.objects.update_or_create(
        organisation=o, defaults={"published": True, "changed_by": actor})
donor = Donor.objects.annotate(n=Count("lots")).order_by("-n").first()
print(donor.pk, donor.n)
"""

_COUNT = "from inventory.models import StockMovement as M; print(M.objects.count())"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str) -> dict:
    """Requests/s and non-2xx count of one bounded wrk run."""
    out = subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        check=True, capture_output=True, text=True, timeout=SECONDS + 30,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)] if p99 else 0
    return {
        "rps": rps,
        "errors": int(errors.group(1)) if errors else 0,
        "p99_ms": float(p99.group(1)) * scale if p99 else None,
    }


def _cold_ms(url: str, runs: int = 5) -> float:
    """One request at a time, each with a cache key of its own (an unused query parameter)."""
    times = []
    for n in range(runs):
        started = time.perf_counter()
        separator = "&" if "?" in url else "?"
        with urllib.request.urlopen(f"{url}{separator}cold={time.time_ns()}{n}", timeout=120):
            pass
        times.append((time.perf_counter() - started) * 1000)
    return median(times)


def main() -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tier", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--redis", default="", help="CACHE_URL for the server, e.g. redis://…/7")
    parser.add_argument("--keep", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()
    name = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]
    database = os.environ["DATABASE_URL"] if args.keep else scratch_database(name)
    if not args.keep:
        manage(database, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(database, "generate_scale_data", "--tier", args.tier)
        print(f"generated the {args.tier} tier in {time.perf_counter() - started:.0f} s")
    donor_id, lots = map(int, manage(database, "shell", "-c", _PUBLISH).split()[-2:])
    movements_before = manage(database, "shell", "-c", _COUNT).split()[-1]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench.settings_public",
        **PRODUCTION_ENV,
        "INPROCESS_CHECKS_MINUTES": "0",
        "CACHE_URL": args.redis or "locmem://",
    }
    # DEBUG off serves hashed static names from the manifest, as a deployment does.
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application",
            "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--timeout", "120",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    urls = {
        "bare": f"{base}/bench/bare-page",
        "needs": f"{base}/public/needs/",
        "donor": f"{base}/public/donors/{donor_id}/",
    }
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cold = {key: _cold_ms(urls[key]) for key in ("needs", "donor")}
        for url in urls.values():
            _wrk(url)  # warm-up: imports, connections, the page caches of both workers
        runs: dict[str, list[dict]] = {key: [] for key in urls}
        for _ in range(RUNS):  # interleaved, so a busy moment hits all three
            for key, url in urls.items():
                runs[key].append(_wrk(url))
    finally:
        server.terminate()
        server.wait(timeout=20)
    bad = {key: [r["errors"] for r in rs if r["errors"]] for key, rs in runs.items()}
    if any(bad.values()):
        raise SystemExit(f"non-2xx responses during the benchmark: {bad}")
    verify = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "verify_ledger"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database}, capture_output=True,
    )  # fmt: skip
    movements_after = manage(database, "shell", "-c", _COUNT).split()[-1]
    unaffected = verify.returncode == 0 and movements_before == movements_after
    bare = median([r["rps"] for r in runs["bare"]])
    extra = {"tier": args.tier, "connections": CONNECTIONS, "gunicorn_workers": WORKERS,
             "cache": args.redis or "locmem://"}  # fmt: skip
    rows = []
    for key, title in (("needs", "needs board"), ("donor", f"donor page ({lots} lots)")):
        rps = median([r["rps"] for r in runs[key]])
        rows.append(row(f"public {title}, throughput", rps, "req/s", "bare page", bare,
                        f">= {TARGET_RPS} req/s", rps >= TARGET_RPS, **extra))  # fmt: skip
        p99 = median([r["p99_ms"] for r in runs[key]])
        rows.append(row(f"public {title}, p99 latency", p99, "ms", None, None, None, None))
        rows.append(row(f"public {title}, rendered cold (cache miss)", cold[key], "ms",
                        None, None, None, None))  # fmt: skip
    rows.append(row("ledger unaffected (verify_ledger clean, no movement written)",
                    int(unaffected), "yes=1", None, None, "1", unaffected,
                    movements=movements_after))  # fmt: skip
    return rows


if __name__ == "__main__":
    results = main()
    print_table("Public pages under a crowd", results)
    path = write_results("public", results)
    print(f"written: {Path(path).relative_to(ROOT)}")
