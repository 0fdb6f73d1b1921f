"""`make bench`: every benchmark in turn on PostgreSQL, one table, bench/results.json.

Each benchmark runs as its own process (its own database, its own memory peak) and writes
bench/results-<name>.json; this gathers them into bench/results.json (a list of
{name, value, unit, reference, reference_value, ratio, target, met}) and prints one table,
and the same table as Markdown in bench/results.md for the README.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench
    BENCH_ONLY=plan,http make bench         # re-run a subset; the table still gathers the
                                            # latest results of the others
    BENCH_TIERS=medium,large make bench     # the HTTP benchmark at both tiers
"""

import json
import os
import subprocess
import sys
import time

from bench.common import ROOT, print_table, server_url

# BENCH_TIERS=medium,large chooses the generator's tiers of the HTTP benchmark (issue 19):
# large takes about 5 minutes to generate on 2 cores, so medium is the default.
TIERS = [t for t in os.environ.get("BENCH_TIERS", "medium").split(",") if t]
BENCHMARKS = {
    "plan": ["-m", "bench.plan"],
    # What people wait for, over HTTP; it replaces bench.api's submission-only run (still
    # there: `python -m bench.api`).
    "http": ["-m", "bench.http", *(arg for tier in TIERS for arg in ("--tier", tier))],
    "imports": ["-m", "bench.imports"],
    "dashboards": ["-m", "bench.dashboards"],
}


def _number(value) -> str:
    """Readable precision: 8,079 lines/s, 29.2 ms, 0.387 s, 18.8×."""
    if value is None:
        return ""
    if not isinstance(value, float):
        return f"{value:,}"
    size = abs(value)
    digits = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3
    return f"{value:,.{digits}f}"


def _markdown(rows: list[dict]) -> str:
    lines = [
        "| measure | value | reference | reference value | ratio | target | met |",
        "|---|---:|---|---:|---:|---|---|",
    ]
    verdict = {True: "yes", False: "**no**"}
    for r in rows:
        lines.append(
            f"| {r['name']} | {_number(r['value'])} {r['unit']} | {r.get('reference') or ''} | "
            f"{_number(r.get('reference_value'))} | {_number(r.get('ratio'))} | "
            f"{r.get('target') or ''} | {verdict.get(r.get('met'), '–')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    server_url()  # refuses anything but PostgreSQL
    chosen = [n for n in os.environ.get("BENCH_ONLY", ",".join(BENCHMARKS)).split(",") if n]
    rows: list[dict] = []
    failed = []
    for name in chosen:
        started = time.perf_counter()
        print(f"\n=== bench.{name} ===", flush=True)
        result = subprocess.run([sys.executable, *BENCHMARKS[name]], cwd=ROOT)
        print(f"(bench.{name}: {time.perf_counter() - started:.0f} s)", flush=True)
        if result.returncode != 0:
            failed.append(name)
    for name in BENCHMARKS:
        produced = ROOT / "bench" / f"results-{name}.json"
        if produced.exists():
            rows.extend({"benchmark": name, **r} for r in json.loads(produced.read_text()))
    (ROOT / "bench" / "results.json").write_text(
        json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    )
    (ROOT / "bench" / "results.md").write_text(_markdown(rows))
    print_table("All benchmarks (medians; reference measured in the same run)", rows)
    if failed:
        raise SystemExit(f"benchmarks that failed to run: {', '.join(failed)}")


if __name__ == "__main__":
    main()
