"""Request checks and response headers every page and API answer shares.

`RefuseControlCharacters`: a NUL byte in any text a client sends is refused with 400 before
a view runs — PostgreSQL cannot store one in a text column (it raised a 500 deep in the ORM),
and no field of ours has a use for it. Uploaded files are not text fields and are left to
the import inspection (imports/upload_limits.py).

`SecurityHeaders`: the Content-Security-Policy (our own scripts only, no inline script or
handler anywhere; styles may be inline because Plotly writes its own), Permissions-Policy
and friends.
"""

import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

_NUL_IN_JSON = (b"\\u0000", b"\x00")


def _has_nul(request: HttpRequest) -> bool:
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if "\x00" in request.path:
        return True
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in value for values in request.POST.lists() for value in values[1])
        body = request.body
        return any(marker in body for marker in _NUL_IN_JSON)
    return False


class RefuseControlCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = _has_nul(request)
        except Exception:  # an unreadable body: the view's own parsing reports it
            refused = False
        if refused:
            detail = _("The request contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                body = json.dumps(
                    {"detail": detail, "code": "validation_error", "errors": []}
                ).encode()
                return HttpResponse(body, status=400, content_type="application/json")
            return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
