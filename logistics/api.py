"""The one NinjaAPI, at /api/v1/. Each app adds its Router here (see DESIGN.md)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Relief logistics tracker API",
    version="1",
    urls_namespace="api",
    description=(
        "Donations, stock, supply requests and distribution. / 捐赠、库存、物资申请与分发。"
    ),
)


@api.get("/health", auth=None, tags=["meta"])
def health(request) -> dict[str, str]:
    """Liveness probe for load balancers."""
    return {"status": "ok"}
