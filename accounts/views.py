"""The password-reset page, throttled: at most PASSWORD_RESET_RATE_PER_HOUR requests per
client address and per e-mail address an hour, counted in Django's cache (shared Redis in
production), so the page cannot be used to flood someone's mailbox or probe addresses."""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.client_address import client_address

WINDOW_SECONDS = 60 * 60


def _count(key: str) -> int:
    """This hit's number within the window (the first one starts the window)."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limit = settings.PASSWORD_RESET_RATE_PER_HOUR
        email = request.POST.get("email", "").strip().lower()
        keys = [f"pwreset:addr:{client_address(request)}"]
        if email:
            keys.append("pwreset:mail:" + hashlib.sha256(email.encode()).hexdigest())
        if max(_count(key) for key in keys) > limit:
            return render(
                request,
                "registration/throttled.html",
                {"message": _("Too many password-reset requests; try again in an hour.")},
                status=429,
            )
        return super().post(request, *args, **kwargs)
