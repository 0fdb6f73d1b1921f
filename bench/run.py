"""`make bench`: every benchmark in turn on PostgreSQL, one table, bench/results.json.

Each benchmark runs as its own process (its own database, its own memory peak) and writes
bench/results-<name>.json; this gathers them into bench/results.json (a list of
{name, value, unit, reference, reference_value, ratio, target, met}) and prints one table,
and the same table as Markdown in bench/results.md for the README.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench
    BENCH_ONLY=plan,api make bench          # re-run a subset; the table still gathers the
                                            # latest results of the others
"""

import json
import os
import subprocess
import sys
import time

from bench.common import ROOT, print_table, server_url

BENCHMARKS = {
    "plan": ["-m", "bench.plan"],
    "api": ["-m", "bench.api"],
    "imports": ["-m", "bench.imports"],
    "dashboards": ["-m", "bench.dashboards"],
}


def _markdown(rows: list[dict]) -> str:
    lines = [
        "| measure | value | reference | reference value | ratio | target | met |",
        "|---|---:|---|---:|---:|---|---|",
    ]
    for r in rows:
        value = f"{r['value']:,}" if isinstance(r["value"], int | float) else str(r["value"])
        reference_value = "" if r.get("reference_value") is None else f"{r['reference_value']:,}"
        ratio = "" if r.get("ratio") is None else f"{r['ratio']}"
        lines.append(
            f"| {r['name']} | {value} {r['unit']} | {r.get('reference') or ''} | "
            f"{reference_value} | {ratio} | {r.get('target') or ''} | "
            f"{ {True: 'yes', False: '**no**'}.get(r.get('met'), '–') } |"
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
