"""Benchmark: the plan endpoint at 10k and 140k approved demand lines, over HTTP (issue 19).

    .venv/bin/python -m bench.plan_http --lines 10000
    .venv/bin/python -m bench.plan_http --lines 140000 --profile
    .venv/bin/python -m bench.plan_http --lines 140000 --reuse      # keep the built world

It (re)creates and migrates its own scratch database (`--database`, default
postgres://postgres@127.0.0.1:5432/hpb; only names starting with `hpb`, never `test`) and
builds a world in it: one organisation with 4 sites and a coordinator serving 1,200
community units (a second organisation's 200 units ask too, outside her scope), 300 items
with Zipf-like popularity, and `--lines` approved, unallocated request lines of hers
(1–4 lines a request, priorities 5/20/60/15 %, 3 % frontline medical units). Directory and
requests are COPYd (`demo.scale.writer.BulkWriter`); the stock comes in through the ledger's
own set-wise path (`donation_receive`, one donation per site), 20–120 % of each item's
demand split over 1–4 sites, so `verify_ledger` holds.

gunicorn (2 workers, the site's production settings, as `bench.http` serves them) answers
`POST /api/v1/allocations/plan` for all 300 items from the 4 sites; one client
(`bench/load.py`, its own process) sends it `--runs` times back to back after one warm-up:
p50 and p95 latency, the answer's size in bytes, CPU per request of the gunicorn workers
and of PostgreSQL, and (in-process, Django's test client) the statements it makes.
`--profile` adds one in-process call under cProfile. Results:
`bench/results-plan-http.json` (the rows of other `--lines` are kept).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import tempfile
import time
import urllib.request
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import ROOT, manage, print_table, row, scratch_database, write_results

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hpb"
PATH = "/api/v1/allocations/plan"
UNITS, OTHER_UNITS, ITEMS, SITES = 1200, 200, 300, 4
TARGET_S = 2.0
PRIORITIES = (["critical", "high", "normal", "low"], [5, 20, 60, 15])


def build_world(lines: int, seed: int) -> dict:
    """The world described above; returns the plan question and what was written."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from demo.scale.directory import add_community
    from demo.scale.writer import BulkWriter
    from inventory import models as inv
    from inventory.services import DonationLineInput, donation_receive
    from supply_requests import models as req

    rng = random.Random(seed)
    w = BulkWriter()
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        coordinator = User.objects.create(username="hpb-coordinator")
        orgs = [
            inv.Organisation.objects.create(code=f"hpb-org-{i}", name_zh=f"机构{i}", city="成都")
            for i in range(2)
        ]
        inv.OrganisationMembership.objects.create(
            user=coordinator, organisation=orgs[0], role="coordinator"
        )
        sites = [
            inv.Site.objects.create(organisation=orgs[0], code=f"hpb-site-{i}", name=f"仓库{i}")
            for i in range(SITES)
        ]
        items = [
            w.add(
                inv.Item,
                code=f"hpb-item-{i}",
                name_zh=f"物资{i}",
                name_en=f"Item {i}",
                category=inv.ItemCategory.choices[i % len(inv.ItemCategory.choices)][0],
                base_unit="只",
                standard="",
                expiry_tracked=False,
                needs_review=False,
            )
            for i in range(ITEMS)
        ]
        weights = [1 / (rank + 1) ** 1.1 for rank in range(ITEMS)]
        unit_kw = dict(name_en="", population=0, households=0, isolated_households=0)
        unit_kw.update(frontline_medical=False, contact="", is_active=True)
        district = w.add(
            req.ServedUnit, code="hpb-d", name="区", kind="district", parent_id=None, **unit_kw
        )
        streets = [
            w.add(
                req.ServedUnit,
                code=f"hpb-s-{s}",
                name=f"街道{s}",
                kind="street",
                parent_id=district,
                **unit_kw,
            )
            for s in range(20)
        ]
        units = {0: [], 1: []}
        for u in range(UNITS + OTHER_UNITS):
            unit = add_community(
                w, rng, code=f"hpb-u-{u}", number=u, parent_id=streets[u % len(streets)]
            )
            org = 0 if u < UNITS else 1
            units[org].append(unit)
            w.add(
                req.ServedUnit.organisations.through,
                servedunit_id=unit,
                organisation_id=orgs[org].pk,
            )
        demand: dict[int, int] = defaultdict(int)

        def requests_of(org: int, wanted: int) -> int:
            written = 0
            while written < wanted:
                created = now - timedelta(hours=rng.uniform(2, 240))
                request = w.add(
                    req.SupplyRequest,
                    served_unit_id=rng.choice(units[org]),
                    requested_by_id=coordinator.pk,
                    priority=rng.choices(*PRIORITIES)[0],
                    needed_by=(created + timedelta(days=rng.randint(1, 7))).date(),
                    people_served=rng.choice([0, rng.randint(50, 6000)]),
                    reason="",
                    status="approved",
                    decision_note="",
                    created_at=created,
                    submitted_at=created,
                    decided_at=created + timedelta(hours=1),
                    closed_at=None,
                )
                for n, status in enumerate(["draft", "submitted", "approved"]):
                    w.add(
                        req.RequestStatusChange,
                        request_id=request,
                        from_status=["", "draft", "submitted"][n],
                        to_status=status,
                        actor_id=coordinator.pk,
                        at=created + timedelta(minutes=30 * n),
                        note="",
                    )
                count = min(wanted - written, rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0])
                chosen: set[int] = set()
                while len(chosen) < count:
                    chosen.add(rng.choices(items, weights)[0])
                for item in sorted(chosen):
                    asked = max(1, int(rng.lognormvariate(3.8, 1.0)))
                    w.add(
                        req.SupplyRequestLine,
                        request_id=request,
                        item_id=item,
                        quantity_requested=asked,
                        quantity_approved=asked,
                        quantity_allocated=0,
                        quantity_dispatched=0,
                        quantity_delivered=0,
                        quantity_short=0,
                        note="",
                    )
                    if org == 0:
                        demand[item] += asked
                written += count
            return written

        requests_of(0, lines)
        requests_of(1, lines // 10)
        written = w.flush()
        # Stock through the ledger's own set-wise path: one donation per site.
        by_site: dict[int, list] = defaultdict(list)
        item_rows = {i.pk: i for i in inv.Item.objects.filter(pk__in=items)}
        for item, asked in demand.items():
            supply = int(asked * rng.uniform(0.2, 1.2))
            holders = rng.sample(range(SITES), rng.randint(1, SITES))
            for k, site in enumerate(holders):
                part = supply // len(holders) + (supply % len(holders) if k == 0 else 0)
                if part > 0:
                    by_site[site].append(DonationLineInput(item=item_rows[item], quantity=part))
        for site, donation_lines in by_site.items():
            donation_receive(
                actor=coordinator,
                site=sites[site],
                donor="hpb donor",
                received_at=date.today(),
                lines=donation_lines,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    return {
        "coordinator": coordinator.pk,
        "plan": {
            "items": [f"hpb-item-{i}" for i in range(ITEMS)],
            "sites": [s.code for s in sites],
        },
        "written": written,
        "verify_ledger": out.getvalue().strip().splitlines()[-1:],
    }


def demand_lines(coordinator_id: int) -> int:
    from django.contrib.auth import get_user_model

    from supply_requests.selectors import open_demands

    actor = get_user_model().objects.get(pk=coordinator_id)
    from inventory.models import Item

    by_item, _info = open_demands(
        actor=actor, item_ids=list(Item.objects.values_list("pk", flat=True))
    )
    return sum(len(d) for d in by_item.values())


def in_process(token: str, body: str, *, profile: bool) -> dict:
    """Statements and time of one call through Django's test client (no HTTP, no gunicorn);
    with `profile`, one more call under cProfile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")

    def call():
        return client.post(PATH, body, content_type="application/json")

    call()  # warm-up
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:500]
    result = {"statements": len(queries), "seconds": round(elapsed, 3)}
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        call()
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
        stats.print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
        print(text.getvalue())
    return result


def main() -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, required=True, help="approved demand lines")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--reuse", action="store_true", help="keep the world already built")
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process call")
    args = parser.parse_args()
    name = urlsplit(args.database).path.lstrip("/")
    if not name.startswith("hpb"):
        raise SystemExit(f"this benchmark uses only databases named hpb*, not {name!r}")
    os.environ["DATABASE_URL"] = args.database  # the server scratch_database talks to
    world_file = Path(tempfile.gettempdir()) / f"plan-http-{name}.json"
    reuse = args.reuse and world_file.exists()
    if not reuse:
        url = scratch_database(name)
        manage(url, "migrate", "--noinput", "-v0")
    # This process builds the world and counts statements with the development settings;
    # gunicorn serves with the production ones (bench.http.SERVER_ENV).
    from bench.http import SERVER_ENV

    os.environ.update(
        # Tokens are signed with the key: the same one as the server's.
        {
            key: SERVER_ENV[key]
            for key in ("SECRET_KEY", "HOUSEHOLDS_ENCRYPTION_KEYS", "HOUSEHOLDS_HASH_KEY")
        },
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="config.settings",
        API_WRITE_RATE_PER_TOKEN="off",
        API_WRITE_RATE_PER_ADDRESS="off",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from accounts.tokens import api_token_create
    from bench.http import Meter, load, serve

    if reuse:
        world = json.loads(world_file.read_text())
    else:
        started = time.perf_counter()
        world = build_world(args.lines, args.seed)
        world["build_seconds"] = round(time.perf_counter() - started, 1)
        world_file.write_text(json.dumps(world))
        print(f"world built in {world['build_seconds']} s: {world['written']}")
        print(f"verify_ledger: {world['verify_ledger']}")
    lines = demand_lines(world["coordinator"])
    coordinator = get_user_model().objects.get(pk=world["coordinator"])
    token = api_token_create(actor=coordinator, name="hpb")[1]
    body = json.dumps(world["plan"])
    inproc = in_process(token, body, profile=args.profile)
    print(f"in-process: {inproc}")
    load_before = os.getloadavg()
    server, base = serve(args.database)
    headers = [f"Authorization: Bearer {token}"]
    try:
        request = urllib.request.Request(
            base + PATH, data=body.encode(), method="POST",
            headers={"Authorization": headers[0].split(": ", 1)[1],
                     "Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = response.read()
        parsed = json.loads(answer)
        # Warm both workers, then time: one client, back to back.
        load(base, "POST", PATH, headers, body, concurrency=2, requests=4, seconds=120)
        meter = Meter(server, args.database)
        app_before, db_before = meter.snapshot()
        result = load(
            base, "POST", PATH, headers, body, concurrency=1, requests=args.runs, seconds=600
        )
        app_after, db_after = meter.snapshot()
        meter.monitor.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    load_after = os.getloadavg()
    from bench.http import used

    count = result["requests"] or 1
    ok = result["statuses"] == {"200": result["requests"]}
    p95_s = result["p95_ms"] / 1000
    label = f"plan endpoint, {lines:,} demand lines"
    extra = dict(
        demand_lines=lines,
        runs=result["requests"],
        p50_ms=result["p50_ms"],
        p95_ms=result["p95_ms"],
        mean_ms=result["mean_ms"],
        answer_bytes=len(answer),
        answer_lines=len(parsed["allocations"]),
        answer_explained=len(parsed["explanation"]),
        answer_units=len(parsed["units"]),
        count=parsed["count"],
        app_cpu_ms=round(1000 * used(app_before, app_after) / count, 1),
        db_cpu_ms=round(1000 * used(db_before, db_after) / count, 1),
        statements=inproc["statements"],
        in_process_s=inproc["seconds"],
        responses_ok=ok,
        load_average_before=[round(x, 2) for x in load_before],
        load_average_after=[round(x, 2) for x in load_after],
        cores=os.cpu_count(),
        world_build_s=world.get("build_seconds"),
        verify_ledger=world["verify_ledger"],
    )
    rows = [
        row(f"{label}, p50", result["p50_ms"] / 1000, "s", None, None,
            f"<= {TARGET_S} s", ok and result["p50_ms"] / 1000 <= TARGET_S, **extra),
        row(f"{label}, p95", p95_s, "s", None, None, f"<= {TARGET_S} s",
            ok and p95_s <= TARGET_S, demand_lines=lines),
        row(f"{label}, answer", len(answer), "bytes", None, None, "bounded", None,
            demand_lines=lines),
        row(f"{label}, statements", inproc["statements"], "statements", None, None, None, None,
            demand_lines=lines),
    ]  # fmt: skip
    print(json.dumps(extra, indent=1))
    return rows


if __name__ == "__main__":
    results = main()
    path = ROOT / "bench" / "results-plan-http.json"
    lines = results[0]["demand_lines"]
    kept = [
        r
        for r in (json.loads(path.read_text()) if path.exists() else [])
        if r.get("demand_lines") != lines
    ]
    print_table("Plan endpoint over HTTP", results)
    print(f"results written to {write_results('plan-http', kept + results)}")
