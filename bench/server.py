"""Settings and URLs for the API benchmark's server: the real site plus two bare ninja
endpoints (the references), so all are served by the same gunicorn, middleware and client."""

import json

from django.db import connection
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema

bare = NinjaAPI(urls_namespace="bench", docs_url=None, openapi_url=None)


class Anything(Schema):
    served_unit: int | None = None


@bare.post("/bare", auth=None)
def bare_endpoint(request, payload: Anything) -> dict:
    """Parses the same JSON body and returns a constant: the cheapest a ninja POST can be."""
    return {"ok": True}


@bare.post("/one-write", auth=None)
def one_write_endpoint(request, payload: Anything) -> dict:
    """The bare endpoint plus one durable INSERT (autocommit: one round trip, one flushed
    commit) into a table bench.api creates: the floor of any endpoint that writes."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_one_write DEFAULT VALUES")
    return {"ok": True}


@csrf_exempt
def plain_checked_write(request):
    """The reference for a request submission (issue 19): a plain Django view doing the
    minimal checked write — the token, the worker's membership of the unit, the items by
    code, then the request, its lines (one `bulk_create`) and its history in one transaction,
    answering the new id. No ninja, no service layer, no read-back."""
    from django.db import transaction
    from django.http import JsonResponse

    from accounts.tokens import user_for_token
    from inventory.models import Item
    from supply_requests.models import (
        RequestStatusChange,
        ServedUnitMembership,
        SupplyRequest,
        SupplyRequestLine,
    )

    user = user_for_token(request.headers.get("Authorization", "").removeprefix("Bearer "))
    body = json.loads(request.body)
    if user is None:
        return JsonResponse({"detail": "token"}, status=401)
    if not ServedUnitMembership.objects.filter(
        user_id=user.pk, served_unit_id=body["served_unit"]
    ).exists():
        return JsonResponse({"detail": "unit"}, status=404)
    codes = [line["item"] for line in body["lines"]]
    items = dict(Item.objects.filter(code__in=codes).values_list("code", "pk"))
    if len(items) != len(set(codes)):
        return JsonResponse({"detail": "item"}, status=422)
    with transaction.atomic():
        supply_request = SupplyRequest.objects.create(
            served_unit_id=body["served_unit"],
            requested_by_id=user.pk,
            priority=body["priority"],
            people_served=body["people_served"],
            status="draft",
        )
        SupplyRequestLine.objects.bulk_create(
            SupplyRequestLine(
                request=supply_request,
                item_id=items[line["item"]],
                quantity_requested=line["quantity"],
            )
            for line in body["lines"]
        )
        RequestStatusChange.objects.create(
            request=supply_request, from_status="", to_status="draft", actor_id=user.pk
        )
    return JsonResponse({"id": supply_request.pk}, status=201)


urlpatterns = [
    path("bench/plain-write", plain_checked_write),
    path("bench/", bare.urls),
    path("", include("config.urls")),
]
