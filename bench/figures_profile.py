"""Where a built dashboard figure's CPU goes, in-process (issue 19): each figure JSON asked as
bench.http's readers ask it (the coordinator of the first organisation; the unit figures as
a worker of its busiest unit), with the figure cache off, through Django's test client and
the whole middleware stack.

    .venv/bin/python -m bench.figures_profile --database hb_medium
    .venv/bin/python -m bench.figures_profile --database hb_large --only kpis --statements \
        --explain --profile

Per figure: app CPU per request (this process's `time.process_time`) and PostgreSQL CPU
per request (the backend's utime+stime from /proc: the server runs on this machine), the
statements one request makes; with `--statements` each statement and its time, with
`--explain` EXPLAIN (ANALYZE, BUFFERS) of the slowest, with `--profile` the cProfile of
`--runs` requests by cumulative time. The database must hold bench.http's readers
(`bench-coordinator`, `bench-worker`: run bench.http once on it, or bench.http_world).
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

from bench.common import PRODUCTION_ENV, database_url

TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True, help="a database name (hb_…, bench_…)")
    parser.add_argument("--only", action="append", help="figure names (repeatable)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--explain", type=int, nargs="?", const=3, default=0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--language", default="zh-hans")
    args = parser.parse_args()
    if args.database in ("test", "postgres"):
        raise SystemExit("use a benchmark database")
    os.environ.update(
        {
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url(args.database),
            "DASHBOARD_FIGURE_CACHE_SECONDS": "0",
            "INPROCESS_CHECKS_MINUTES": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    class Log:
        """Every statement and its time (Django's query log is reset by each request)."""

        def __init__(self) -> None:
            self.captured_queries: list[dict] = []

        def __call__(self, execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                with connection.cursor() as cursor:
                    full = cursor.mogrify(sql, params).decode() if params else sql
                self.captured_queries.append({"sql": full, "time": time.perf_counter() - started})

        def __len__(self) -> int:
            return len(self.captured_queries)

    from dashboards.registry import COORDINATOR_PAGE, STOCK_PAGE, UNIT_PAGE

    User = get_user_model()
    coordinator = User.objects.get(username="bench-coordinator")
    worker = User.objects.get(username="bench-worker")
    unit = worker.unit_memberships.get().served_unit_id

    def client(user) -> Client:
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(user)
        session = c.session
        session["_language"] = args.language
        session.save()
        c.cookies["django_language"] = args.language
        return c

    readers = {"coordinator": client(coordinator), "worker": client(worker)}
    names = {name: "coordinator" for name in [*COORDINATOR_PAGE, *STOCK_PAGE]}
    names.update({name: "worker" for name in UNIT_PAGE})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    print(f"{'figure':<18} {'app ms':>7} {'PG ms':>7} {'total':>7} {'stmts':>5} {'bytes':>7}")
    for name, reader in names.items():
        if args.only and name not in args.only:
            continue
        url = f"/dashboards/figures/{name}.json" + (f"?unit={unit}" if reader == "worker" else "")
        c = readers[reader]
        for _ in range(3):
            response = c.get(url)
            assert response.status_code == 200, (name, response.status_code)
        queries = Log()
        with connection.execute_wrapper(queries):
            response = c.get(url)
        size = len(response.content)
        app0, db0 = time.process_time(), backend_cpu(pid)
        for _ in range(args.runs):
            c.get(url)
        app = (time.process_time() - app0) / args.runs * 1000
        db = (backend_cpu(pid) - db0) / args.runs * 1000
        print(
            f"{name:<18} {app:7.1f} {db:7.1f} {app + db:7.1f} {len(queries):5d} {size:7d}",
            flush=True,
        )
        if args.statements or args.explain:
            timed = sorted(enumerate(queries.captured_queries), key=lambda q: -float(q[1]["time"]))
            if args.statements:
                for index, query in enumerate(queries.captured_queries):
                    print(
                        f"    {index:2d} {float(query['time']) * 1000:6.1f} ms",
                        query["sql"][:300],
                    )
            for _index, query in timed[: args.explain]:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    print("    ---- EXPLAIN", sql[:200])
                    for (line,) in cursor.fetchall():
                        print("    ", line)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                c.get(url)
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
