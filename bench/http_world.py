"""What bench.http needs in a generated tier, printed as one JSON line: a coordinator and a
community worker (bench.dashboards' personas), their signed-in sessions, the worker's API
token, the body of a request submission, and the coordinator's plan question.

    DATABASE_URL=… .venv/bin/python -m bench.http_world --tier medium
"""

import argparse
import json
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tier", default="medium")
    parser.add_argument("--seed", type=int, default=2020)
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
            }
        )
    )


if __name__ == "__main__":
    main()
