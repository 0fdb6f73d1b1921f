"""What every router shares from accounts: authentication (tokens, the browser session) and
idempotency. The error shape and pagination are in `core.api`."""

import hashlib
import json
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts.models import ApiToken, IdempotencyRecord
from accounts.tokens import live_token
from core.api import error_body


class WriteThrottle(SimpleRateThrottle):
    """Counts writes only (reads are cheap and cached by nobody's script); the rate is read
    from settings on each call so a deployment (or a test) can change it. Counts live in
    Django's cache: LocMem per process by default, shared Redis with CACHE_URL=redis://…"""

    setting = ""

    def __init__(self) -> None:
        # Any valid rate: the real one is read on every call (an empty one turns it off).
        super().__init__(rate=getattr(settings, self.setting) or "1/s")

    def allow_request(self, request: HttpRequest) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        self.rate = getattr(settings, self.setting)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class TokenWriteThrottle(WriteThrottle):
    """Per token (or per signed-in user for the browser session)."""

    scope = "api-writes-token"
    setting = "API_WRITE_RATE_PER_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        user = getattr(request, "user", None)
        if token is not None:
            ident = f"t{token.pk}"
        elif user is not None and user.is_authenticated:
            ident = f"u{user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressWriteThrottle(WriteThrottle):
    """Per client address (the proxy's X-Forwarded-For hop only when NINJA_NUM_PROXIES says
    a proxy is trusted): many tokens from one machine share one budget."""

    scope = "api-writes-address"
    setting = "API_WRITE_RATE_PER_ADDRESS"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _live_token(request: HttpRequest, token: str) -> ApiToken | None:
    """`live_token`, looked up once per request: `idempotent` needs the caller before the
    view's authentication runs, and both asked the database (issue 19)."""
    looked_up = getattr(request, "_live_token", None)
    if looked_up is not None and looked_up[0] == token:
        return looked_up[1]
    row = live_token(token)
    request._live_token = (token, row)
    return row


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rlt_…` — a personal API token, for scripts."""

    def authenticate(self, request: HttpRequest, token: str):
        row = _live_token(request, token)
        if row is None:
            return None
        request.user = row.user
        request.api_token = row  # a token may not mint tokens (accounts/api.py)
        return row.user


class BrowserSession(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token. Without a
    session cookie there is nothing to check, so the caller simply gets 401."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        return request.user if request.user.is_authenticated else None


def _caller(request: HttpRequest):
    """Who is calling, worked out before the operation runs (for idempotency keys)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        row = _live_token(request, header[7:].strip())
        return row.user if row is not None else None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def idempotent(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Replay the first successful response to a POST with the same Idempotency-Key from the
    same user; create nothing new. A key reused for a different request is a 422.

    The key is claimed by inserting its row first, in the same transaction as the work: a
    concurrent retry waits on the unique index and then replays. A failed request leaves no
    row, so retrying it really retries."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "").strip()
        user = _caller(request) if key else None
        if not key or user is None or request.method != "POST":
            return view(request, *args, **kwargs)
        if len(key) > 200:
            return _error(422, _("Idempotency-Key is longer than 200 characters."), "invalid_key")
        digest = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\n" + request.body
        ).hexdigest()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        method=request.method,
                        path=request.path[:300],
                        request_digest=digest,
                        status_code=0,
                        response={},
                    )
            except IntegrityError:
                previous = IdempotencyRecord.objects.get(user=user, key=key)
                if previous.request_digest != digest:
                    return _error(
                        422,
                        _("This Idempotency-Key was already used for a different request."),
                        "idempotency_key_reused",
                    )
                replay = HttpResponse(
                    json.dumps(previous.response),
                    status=previous.status_code,
                    content_type="application/json",
                )
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response = json.loads(response.content or b"null")
                record.save(update_fields=["status_code", "response"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper


def _error(status: int, detail: str, code: str) -> HttpResponse:
    return HttpResponse(
        json.dumps(error_body(status, detail, code)), status=status, content_type="application/json"
    )
