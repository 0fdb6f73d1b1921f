"""What bench.http needs in a generated tier, printed as one JSON line: a coordinator and a
community worker (bench.dashboards' personas), their signed-in sessions, the worker's API
token, the body of a request submission, and the coordinator's plan question.

    DATABASE_URL=… .venv/bin/python -m bench.http_world --tier medium
"""

import argparse
import json
import os
from datetime import date

import django

POOL = 120  # distinct objects per write endpoint: each write needs its own request or shipment
BIG_COMMIT = 500


def write_pools(*, coordinator, worker, unit: int, size: int = POOL) -> dict:
    """Objects for the write endpoints, each used once by the load: submitted requests to
    approve, approved requests to allocate (3 lines), sets of approved lines to allocate
    500 at a time, and planned shipments to dispatch (then deliver). Stock for all of it is
    one large donation at the coordinator's first site."""
    from inventory.models import Item, Site
    from inventory.services import DonationLineInput, donation_receive
    from logistics.services import AllocationInput, allocation_commit, shipment_create
    from supply_requests.models import ServedUnit
    from supply_requests.services import (
        RequestLineInput,
        request_approve,
        request_create,
        request_submit,
    )

    organisation = coordinator.organisation_memberships.get().organisation
    site = Site.objects.filter(organisation=organisation).order_by("code").first()
    served = ServedUnit.objects.get(pk=unit)
    items = list(Item.objects.order_by("code")[:200])
    donation_receive(
        actor=coordinator,
        site=site,
        donor="bench donor",
        received_at=date.today(),
        lines=[DonationLineInput(item=item, quantity=10_000_000) for item in items],
    )

    def submitted(lines: list) -> object:
        request = request_create(
            actor=worker,
            served_unit=served,
            lines=[RequestLineInput(item=item, quantity=5) for item in lines],
        )
        return request_submit(actor=worker, request=request)

    def approved(lines: list) -> object:
        request = submitted(lines)
        return request_approve(
            actor=coordinator,
            request=request,
            approved={line.pk: 5 for line in request.lines.all()},
        )

    approve = []
    for n in range(size):
        request = submitted(items[n % 50 : n % 50 + 3])
        approve.append(
            (
                f"/api/v1/requests/{request.pk}/approve",
                {"lines": [{"id": x.pk, "quantity_approved": 5} for x in request.lines.all()]},
            )
        )
    commit3 = []
    for n in range(size):
        request = approved(items[n % 50 : n % 50 + 3])
        commit3.append(
            (
                "/api/v1/allocations/commit",
                {
                    "allocations": [
                        {"request_line": x.pk, "site": site.code, "quantity": 5}
                        for x in request.lines.all()
                    ]
                },
            )
        )
    commit500 = []
    for _n in range(size // 6):
        line_ids = []
        while len(line_ids) < BIG_COMMIT:
            request = approved(items[: min(200, BIG_COMMIT - len(line_ids))])
            line_ids += list(request.lines.values_list("pk", flat=True))
        commit500.append(
            (
                "/api/v1/allocations/commit",
                {
                    "allocations": [
                        {"request_line": pk, "site": site.code, "quantity": 5} for pk in line_ids
                    ]
                },
            )
        )
    dispatch, deliver = [], []
    for n in range(size):
        request = approved(items[n % 50 : n % 50 + 3])
        allocation_commit(
            actor=coordinator,
            allocations=[AllocationInput(x.pk, site, 5) for x in request.lines.all()],
        )
        shipment = shipment_create(actor=coordinator, site=site, served_unit=served)
        dispatch.append((f"/api/v1/shipments/{shipment.pk}/dispatch", {}))
        deliver.append((f"/api/v1/shipments/{shipment.pk}/deliver", {"lines": []}))
    donation = {
        "site": site.code,
        "donor": "bench donor",
        "received_at": date.today().isoformat(),
        "lines": [{"item": item.code, "quantity": 100} for item in items[:5]],
    }
    return {
        "approve": approve,
        "commit3": commit3,
        "commit500": commit500,
        "dispatch": dispatch,
        "deliver": deliver,
        "donation": donation,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tier", default="medium")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--pool", type=int, default=POOL)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.tokens import api_token_create
    from bench.dashboards import tier_personas
    from dashboards.registry import COORDINATOR_PAGE, STOCK_PAGE, UNIT_PAGE
    from inventory.models import Item, Site
    from supply_requests.models import SupplyRequestLine

    User = get_user_model()
    if not User.objects.filter(username="bench-coordinator").exists():
        tier_personas(args.tier, args.seed)
    coordinator = User.objects.get(username="bench-coordinator")
    worker = User.objects.get(username="bench-worker")

    def session(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["_language"] = "zh-hans"
        store.create()
        return store.session_key

    unit = worker.unit_memberships.get().served_unit_id
    items = list(Item.objects.order_by("code").values_list("code", flat=True)[:3])
    organisation = coordinator.organisation_memberships.get().organisation
    sites = list(Site.objects.filter(organisation=organisation).values_list("code", flat=True))
    demand = SupplyRequestLine.objects.filter(
        request__served_unit__organisations=organisation, request__status="approved"
    )
    plan_items = sorted(set(demand.values_list("item__code", flat=True)))[:300]
    print(
        json.dumps(
            {
                "coordinator_session": session(coordinator),
                "worker_session": session(worker),
                "worker_token": api_token_create(actor=worker, name="bench")[1],
                "coordinator_token": api_token_create(actor=coordinator, name="bench")[1],
                # Each figure as its reader sees it: the unit figures for the worker.
                "figures": {
                    **{name: "coordinator" for name in [*COORDINATOR_PAGE, *STOCK_PAGE]},
                    **{name: "worker" for name in UNIT_PAGE},
                },
                "unit": unit,
                "submission": {
                    "served_unit": unit,
                    "priority": "high",
                    "people_served": 100,
                    "lines": [{"item": code, "quantity": 50} for code in items],
                },
                "plan": {"items": plan_items, "sites": sites},
                "plan_lines": demand.filter(item__code__in=plan_items).count(),
                "pools": write_pools(
                    coordinator=coordinator, worker=worker, unit=unit, size=args.pool
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
