"""Settings and URLs for the API benchmark's server: the real site plus one bare ninja
endpoint (the reference), so both are served by the same gunicorn, middleware and client."""

from django.urls import include, path
from ninja import NinjaAPI, Schema

bare = NinjaAPI(urls_namespace="bench", docs_url=None, openapi_url=None)


class Anything(Schema):
    served_unit: int | None = None


@bare.post("/bare", auth=None)
def bare_endpoint(request, payload: Anything) -> dict:
    """Parses the same JSON body and returns a constant: the cheapest a ninja POST can be."""
    return {"ok": True}


urlpatterns = [
    path("bench/", bare.urls),
    path("", include("logistics.urls")),
]
