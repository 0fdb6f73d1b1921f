"""Settings and URLs for the API benchmark's server: the real site plus two bare ninja
endpoints (the references), so all are served by the same gunicorn, middleware and client."""

from django.db import connection
from django.urls import include, path
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


urlpatterns = [
    path("bench/", bare.urls),
    path("", include("config.urls")),
]
