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

from accounts.models import IdempotencyRecord
from accounts.tokens import user_for_token
from core.api import error_body


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rlt_…` — a personal API token, for scripts."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


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
        return user_for_token(header[7:].strip())
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
