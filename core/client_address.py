"""The client's address as the sign-in lockout and the throttles see it.

Only behind our own proxy (BEHIND_TLS_PROXY) is X-Forwarded-For believed, and then only its
last hop — the one our proxy added; anything before it the client wrote itself."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
