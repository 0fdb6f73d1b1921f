"""The one NinjaAPI, at /api/v1/. Each app adds its Router here (see DESIGN.md).

Authentication: a personal token (`Authorization: Bearer rlt_…`) or the browser session with
CSRF. Every error has the shape `{"detail", "code"}`; a domain rule refused is never a 500.
"""

import logging
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api_support import (
    AddressWriteThrottle,
    BrowserSession,
    TokenAuth,
    TokenWriteThrottle,
)
from core.exceptions import (
    ConcurrencyConflict,
    Conflict,
    DomainError,
    IllegalTransition,
    InsufficientStock,
    NotPermitted,
    ValidationFailed,
)

logger = logging.getLogger("config.api")

api = NinjaAPI(
    title="Relief logistics tracker API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSession()],
    throttle=[TokenWriteThrottle(), AddressWriteThrottle()],
    description=(
        "Donations, stock, supply requests and distribution. / 捐赠、库存、物资申请与分发。\n\n"
        "Authenticate with `Authorization: Bearer <token>` (create one with "
        "`manage.py create_api_token USERNAME` or `POST /api/v1/tokens`). Quantities are "
        "integers in each item's base unit. POSTs that create things accept an "
        "`Idempotency-Key` header: a retry with the same key returns the first response."
    ),
)

_STATUS = {
    ValidationFailed: 422,
    NotPermitted: 403,
    IllegalTransition: 409,
    ConcurrencyConflict: 409,
    InsufficientStock: 409,
    Conflict: 409,
}


def _error(request: HttpRequest, status: int, detail: str, code: str, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
    extra = {"errors": []} if status == 422 else {}
    return _error(request, status, exc.message, exc.code, **extra)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(part) if not isinstance(part, int) else part for part in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return _error(request, 422, detail or _("Invalid input."), "validation_error", errors=errors)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Sign in or send a valid API token."), "not_authenticated")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."), "not_found")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {403: "permission_denied", 404: "not_found", 409: "conflict", 429: "throttled"}
    detail = str(exc)
    if exc.status_code == 429:
        detail = _("Too many changes in a short time; wait a minute and try again.")
    return _error(request, exc.status_code, detail, codes.get(exc.status_code, "error"))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The last resort: still the JSON error shape, and an id to find the traceback by."""
    error_id = uuid.uuid4().hex[:12]
    logger.error("API error %s on %s %s", error_id, request.method, request.path, exc_info=exc)
    return _error(
        request,
        500,
        _("Something went wrong on our side (error %(id)s).") % {"id": error_id},
        "server_error",
        error_id=error_id,
    )


@api.api_operation(["GET", "HEAD"], "/health", auth=None, tags=["meta"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness probe for load balancers."""
    return {"status": "ok"}


# Wiring: each app's router, in the order the layers stand.
from accounts.api import router as tokens_router  # noqa: E402
from dashboards.api import router as dashboards_router  # noqa: E402
from households.api import router as households_router  # noqa: E402
from inventory.api import router as inventory_router  # noqa: E402
from logistics.api import router as distribution_router  # noqa: E402
from public.api import router as public_router  # noqa: E402  (issue 21)
from supply_requests.api import router as requests_router  # noqa: E402

for _router in (
    inventory_router,
    requests_router,
    distribution_router,
    households_router,
    dashboards_router,
    tokens_router,
    public_router,
):
    api.add_router("/", _router)
