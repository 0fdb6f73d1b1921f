"""Benchmark: the fair-share plan for 1,000 served units × 300 items (target ≤ 1 s).

Run from the project root:  .venv/bin/python -m bench.plan   (see bench/README.md)

It times exactly what `logistics.selectors.allocation_plan` does per item once the demand is
loaded — `fair_shares` then `assign_sites` — over synthetic but realistically shaped demand,
and, in the same run, a naive proportional split of the same data as the reference, so the
ratio stays meaningful on a noisy or slower machine. Plain Python + stdlib, no Django setup:
the planner is pure functions and the database cost belongs to another benchmark.
"""

import argparse
import cProfile
import gc
import io
import json
import math
import platform
import pstats
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.memory import collector_paused
from supply_requests.planning import Demand, assign_sites, fair_shares

TARGET_SECONDS = 1.0
# The dense upper bound writes its own file so it never overwrites the realistic run.
RESULTS = {False: "results-plan.json", True: "results-plan-dense.json"}

# Request priorities of units that are not frontline medical (those are always tier 0):
# most requests are normal, few are marked critical (tier numbers as in supply_requests).
TIER_WEIGHTS = {0: 5, 1: 20, 2: 60, 3: 15}
FRONTLINE_SHARE = 0.05


@dataclass(frozen=True)
class ItemCase:
    """Everything the planner gets for one item: its open demand lines and site stock."""

    item_id: int
    demands: list[Demand]
    supply: int
    sites: list[tuple[int, int]]  # (site id, free quantity) in the coordinator's order


def build_world(
    *, seed: int, units: int, items: int, sites: int, dense: bool = False
) -> list[ItemCase]:
    """Synthetic open demand, deterministic for a seed, shaped like the 2020 response.

    `dense` is the upper bound of the target instead: every unit has exactly one open line
    for every item (units × items lines)."""
    rng = random.Random(seed)
    # People served per unit: log-normal around 3,000 (a community of ~1,000 households);
    # streets and hospitals reach tens of thousands, small social organisations a few dozen.
    unit_need = [
        min(100_000, max(20, round(rng.lognormvariate(math.log(3000), 1.0)))) for _ in range(units)
    ]
    frontline = [rng.random() < FRONTLINE_SHARE for _ in range(units)]
    # Item popularity, Zipf-like: the top few items (masks, disinfectant, gloves) are asked for
    # by nearly every unit, the 300th by about one unit in seven.
    popularity = [
        1.0 if dense else min(0.97, 2.5 / math.sqrt(rank)) for rank in range(1, items + 1)
    ]
    # Base units per person differ by orders of magnitude (masks vs. thermometers).
    per_person = [math.exp(rng.uniform(math.log(0.005), math.log(2.0))) for _ in range(items)]
    tiers, weights = list(TIER_WEIGHTS), list(TIER_WEIGHTS.values())

    by_item: list[list[Demand]] = [[] for _ in range(items)]
    line_id = 0
    for unit in range(units):
        for item in range(items):
            if rng.random() >= popularity[item]:
                continue
            # Units ask again before earlier requests are met, so one unit often has two or
            # three open lines of the same item, each with its own priority and head count.
            repeats = 1 if dense else 1 + (rng.random() < 0.5) + (rng.random() < 0.25)
            for _ in range(repeats):
                line_id += 1
                need = max(1, round(unit_need[unit] * rng.uniform(0.2, 1.0)))
                wanted = need * per_person[item] * rng.lognormvariate(0.0, 0.6)
                by_item[item].append(
                    Demand(
                        line_id=line_id,
                        item_id=item + 1,
                        tier=0 if frontline[unit] else rng.choices(tiers, weights)[0],
                        need=need,
                        outstanding=max(1, round(wanted)),
                        # The planner is fair per unit (issue 14): a unit's lines of one
                        # item share its weight, as `open_demands` hands them over.
                        unit_id=unit,
                    )
                )

    cases = []
    for item, demands in enumerate(by_item):
        total = sum(d.outstanding for d in demands)
        supply = round(total * rng.uniform(0.2, 1.2))
        # Split the supply over 1–5 sites at random cut points (a site may hold none).
        chosen = rng.sample(range(1, sites + 1), rng.randint(1, 5))
        cuts = sorted(rng.randint(0, supply) for _ in range(len(chosen) - 1))
        amounts = [b - a for a, b in zip([0, *cuts], [*cuts, supply], strict=True)]
        cases.append(ItemCase(item + 1, demands, supply, list(zip(chosen, amounts, strict=True))))
    return cases


def plan_all(cases: list[ItemCase]) -> list[object]:
    """The planner, item by item, as allocation_plan runs it. The results are returned (and
    so kept alive) so that allocating them is part of the cost, as it is in the real view."""
    results: list[object] = []
    with collector_paused():  # as allocation_plan does
        for case in cases:
            shares = fair_shares(case.demands, case.supply)
            results.append((shares, assign_sites(shares, case.sites)))
    return results


def naive_all(cases: list[ItemCase]) -> list[object]:
    """Reference: the simplest allocation there is — supply × outstanding / total, floored.
    No tiers, no water-filling, no rounding repair, no sites."""
    results: list[object] = []
    for case in cases:
        total = sum(d.outstanding for d in case.demands)
        given = min(case.supply, total)  # so no line gets more than it asked for
        results.append([(d.line_id, given * d.outstanding // (total or 1)) for d in case.demands])
    return results


def timed_runs(
    jobs: dict[str, Callable[[list[ItemCase]], list[object]]], cases: list[ItemCase], runs: int
) -> dict[str, list[float]]:
    """Wall times of each job, runs interleaved so a noisy neighbour hurts both alike. The
    garbage collector stays on (as in production) but starts each run from a clean heap."""
    for job in jobs.values():
        job(cases)  # warm-up, not counted: first-touch allocation, adaptive interpreter
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            gc.collect()
            start = time.perf_counter()
            result = job(cases)
            times[name].append(time.perf_counter() - start)
            del result
    return times


def peak_memory(job: Callable[[list[ItemCase]], list[object]], cases: list[ItemCase]) -> int:
    """Peak bytes allocated by one run beyond the input (tracemalloc slows the run, so this
    is measured separately from the timings)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = job(cases)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def gc_time(cases: list[ItemCase]) -> str:
    """Wall time of one planning run and how much of it the cyclic garbage collector took.
    cProfile cannot see the collector, yet every object the planner allocates can trigger
    it, and a full collection walks every live object of the process."""
    spent: dict[int, float] = {}
    count: dict[int, int] = {}
    started = [0.0]

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            generation = info["generation"]
            spent[generation] = spent.get(generation, 0.0) + time.perf_counter() - started[0]
            count[generation] = count.get(generation, 0) + 1

    gc.collect()
    gc.callbacks.append(watch)
    try:
        start = time.perf_counter()
        result = plan_all(cases)
        total = time.perf_counter() - start
    finally:
        gc.callbacks.remove(watch)
    del result
    lines = [f"one run {total:.3f} s, of which cyclic GC {sum(spent.values()):.3f} s:"]
    lines += [f"  generation {g}: {count[g]} collections, {spent[g]:.3f} s" for g in sorted(spent)]
    return "\n".join(lines)


def profile(cases: list[ItemCase], top: int = 15) -> str:
    """cProfile of one run with the collector off: a collection would otherwise be charged to
    whichever line happened to allocate when it struck (gc_time reports it instead)."""
    profiler = cProfile.Profile()
    gc.collect()
    gc.disable()
    try:
        profiler.runcall(plan_all, cases)
    finally:
        gc.enable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def row(
    name: str,
    value: float,
    unit: str,
    reference: str | None,
    reference_value: float | None,
    target: str | None = None,
    met: bool | None = None,
) -> dict:
    ratio = value / reference_value if reference_value else None
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "reference": reference,
        "reference_value": reference_value,
        "ratio": ratio,
        "target": target,
        "met": met,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument(
        "--dense", action="store_true", help="every unit asks for every item once (upper bound)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print the GC share and a cProfile (GC off) of one run",
    )
    parser.add_argument("--output", type=Path, help="default: bench/results-plan[-dense].json")
    args = parser.parse_args()

    cases = build_world(
        seed=args.seed, units=args.units, items=args.items, sites=args.sites, dense=args.dense
    )
    output = args.output or Path(__file__).with_name(RESULTS[args.dense])
    world = f"{args.units:,} units × {args.items} items" + (", dense" if args.dense else "")
    lines = sum(len(c.demands) for c in cases)
    short = sum(c.supply < sum(d.outstanding for d in c.demands) for c in cases)
    times = timed_runs({"plan": plan_all, "naive": naive_all}, cases, args.runs)
    memory = {
        name: peak_memory(job, cases) / 2**20
        for name, job in [("plan", plan_all), ("naive", naive_all)]
    }
    median = {name: statistics.median(values) for name, values in times.items()}
    fastest = {name: min(values) for name, values in times.items()}
    met = median["plan"] <= TARGET_SECONDS

    naive = "naive proportional split, same data, same run"
    results = [
        row(
            f"fair-share plan, {world}, median of {args.runs}",
            median["plan"],
            "s",
            naive,
            median["naive"],
            f"<= {TARGET_SECONDS:g} s",
            met,
        ),
        row(
            f"fair-share plan, {world}, min of {args.runs}",
            fastest["plan"],
            "s",
            naive,
            fastest["naive"],
        ),
        row(
            f"fair-share plan, {world}, peak memory", memory["plan"], "MiB", naive, memory["naive"]
        ),
        row(f"demand lines, {world}", lines, "lines", None, None),
    ]
    output.write_text(json.dumps(results, indent=2) + "\n")

    shape = "dense: one line per unit and item" if args.dense else "sparse, realistic"
    print(f"fair-share plan: {args.units:,} units × {args.items} items ({shape}), seed {args.seed}")
    print(
        f"demand lines {lines:,}; items short of stock {short} of {len(cases)}; "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    print()
    print(f"{'measure':<24}{'planner':>11}{'naive':>11}{'ratio':>9}   target")
    for label, key, unit in [
        (f"median of {args.runs}", median, "s"),
        (f"min of {args.runs}", fastest, "s"),
        ("peak memory", memory, "MiB"),
    ]:
        target = f"<= {TARGET_SECONDS:g} s" if key is median else ""
        print(
            f"{label + ' (' + unit + ')':<24}{key['plan']:>11.3f}{key['naive']:>11.3f}"
            f"{key['plan'] / key['naive']:>8.1f}×   {target}"
        )
    print()
    verdict = "MET" if met else "MISSED"
    print(
        f"verdict: {verdict} — median {median['plan']:.3f} s against the target ≤ "
        f"{TARGET_SECONDS:g} s (planning only, one core)"
    )
    print(f"results written to {output}")
    if args.profile or not met:
        print()
        print(gc_time(cases))
        print()
        print(profile(cases))


if __name__ == "__main__":
    main()
