"""What every public page shares: no sign-in, a language chosen by ?lang= or the browser,
and the whole page cached per address and language for at most a minute.

Two layers: the shared cache (Redis in production, so every app server renders a page once
a minute at most) and, in front of it, a few seconds in each worker's own memory, so a crowd
on one page costs the shared cache one read per worker every few seconds instead of one per
request (`bench/public.py` measures both). The two lifetimes add up to
PUBLIC_CACHE_SECONDS: a change shows within that, never later.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

LANGUAGES = ("zh-hans", "en")
LOCAL_SECONDS = 5
_local = LocMemCache("public-pages", {"TIMEOUT": LOCAL_SECONDS, "OPTIONS": {"MAX_ENTRIES": 300}})
_KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def forget_local_pages() -> None:
    """Empty this worker's copies (tests; the shared cache is cleared on its own)."""
    _local.clear()


def public_language(request: HttpRequest) -> str:
    """?lang=en|zh-hans, else the browser's first language; never the session or a cookie,
    so one cached page per address and language is right for everyone."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    accepted = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip().lower()
    return "en" if accepted.startswith("en") else "zh-hans"


def with_public_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = public_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
        response["Content-Language"] = language
        return response

    return wrapper


def _lifetimes() -> tuple[int, int]:
    """(this worker's, the shared cache's) seconds; together PUBLIC_CACHE_SECONDS."""
    total = settings.PUBLIC_CACHE_SECONDS
    local = min(LOCAL_SECONDS, total // 2)
    return local, total - local


def _answer(entry: dict, language: str) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    patch_cache_control(response, max_age=settings.PUBLIC_CACHE_SECONDS)
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An anonymous, read-only public page, cached per address and language."""
    rendered = with_public_language(view)

    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = public_language(request)
        local_seconds, shared_seconds = _lifetimes()
        if not shared_seconds:
            return rendered(request, *args, **kwargs)
        address = f"{language}|{request.get_full_path()}".encode()
        key = "public-page:" + hashlib.sha256(address).hexdigest()
        entry = _local.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None and local_seconds:
                _local.set(key, entry, local_seconds)
        if entry is None:
            response = rendered(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response  # not found and the like: cheap, and never kept
            headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
            entry = {"content": response.content, "headers": headers}
            cache.set(key, entry, shared_seconds)
            if local_seconds:
                _local.set(key, entry, local_seconds)
        return _answer(entry, language)

    return wrapper
