"""Exactly once for page forms: every form that creates or changes something carries a
one-time token (`once`), so a double tap, a resubmit after the back button or a retry on a
slow network returns the first result instead of doing the work again.

The token is claimed by inserting an `IdempotencyRecord` in the same transaction as the
work (the API's idempotency records, keyed "page:<token>"); a concurrent second submit
waits on the unique index, then finds the first one's result and is sent there. Only a
redirect (the page's "done") is recorded: a form shown again with its errors rolls back,
so correcting and resubmitting really retries.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.models import IdempotencyRecord

FIELD = "once"
_IGNORED = {FIELD, "csrfmiddlewaretoken"}


def once_context(request: HttpRequest) -> dict:
    """Context processor: a fresh token for every form the page renders."""
    return {"once_token": uuid.uuid4().hex}


def _digest(request: HttpRequest) -> str:
    parts = [request.path]
    for key in sorted(request.POST):
        if key not in _IGNORED:
            parts.extend([key, *request.POST.getlist(key)])
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()


def once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a POST carrying a `once` token at most once per signed-in user."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "").strip() if request.method == "POST" else ""
        user = request.user
        if not token or len(token) > 64 or not user.is_authenticated:
            return view(request, *args, **kwargs)
        key = f"page:{token}"
        digest = _digest(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        method="POST",
                        path=request.path[:300],
                        request_digest=digest,
                        status_code=0,
                        response={},
                    )
            except IntegrityError:
                previous = IdempotencyRecord.objects.filter(user=user, key=key).first()
                location = (previous.response or {}).get("location") if previous else None
                if previous is None or previous.request_digest != digest or not location:
                    # The same page's token used for another of its forms: a new action.
                    return view(request, *args, **kwargs)
                messages.info(request, _("This was already saved; here is the result."))
                return redirect(location)
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                record.status_code = response.status_code
                record.response = {"location": response["Location"]}
                record.save(update_fields=["status_code", "response"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper
