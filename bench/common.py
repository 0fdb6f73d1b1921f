"""Shared by the benchmarks: the PostgreSQL server to use, scratch databases on it, and the
results file format (a list of {name, value, unit, reference, reference_value, ratio, target,
met})."""

import base64
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
# What a benchmark's gunicorn runs with: the production settings, as a deployment has them.
# Sessions and tokens are signed with the key, so set-up and server share this one dict.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 60,
    # Production refuses to start without real household keys (issue 20); fresh per run,
    # nothing encrypted outlives it.
    "HOUSEHOLDS_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "HOUSEHOLDS_HASH_KEY": os.urandom(16).hex(),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
}
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"benchmarks run on PostgreSQL; DATABASE_URL={url!r} is not one")
    return url


def database_url(name: str) -> str:
    """The URL of database `name` on the benchmark server."""
    config = dj_database_url.parse(server_url())
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    return f"postgres://{auth}@{config['HOST']}:{config['PORT'] or 5432}/{name}"


def scratch_database(name: str) -> str:
    """(Re)create database `name` on the benchmark server; return its URL. Never one a
    person or the test suite uses."""
    if name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop the {name!r} database: benchmarks use their own")
    config = dj_database_url.parse(server_url())
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return database_url(name)


def manage(database_url: str, *args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def row(name, value, unit, reference, reference_value, target, met, **extra) -> dict:
    ratio = round(value / reference_value, 3) if reference_value else None
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "reference": reference,
        "reference_value": reference_value,
        "ratio": ratio,
        "target": target,
        "met": met,
        **extra,
    }


def write_results(name: str, rows: list[dict]) -> Path:
    path = ROOT / "bench" / f"results-{name}.json"
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return path


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    header = f"{'measure':44} {'value':>12} {'reference':>12} {'ratio':>7}  {'target':18} met"
    print(header)
    print("-" * len(header))
    for r in rows:
        value = (
            f"{r['value']:,.1f} {r['unit']}"
            if isinstance(r["value"], float)
            else f"{r['value']} {r['unit']}"
        )
        ref = "" if r["reference_value"] is None else f"{r['reference_value']:,.1f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        target = str(r["target"] or "")[:18]
        print(f"{r['name'][:44]:44} {value:>12} {ref:>12} {ratio:>7}  {target:18} {met}")


def median(values: list[float]) -> float:
    return statistics.median(values)
