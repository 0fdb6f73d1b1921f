"""What every public page shares: no sign-in, a language chosen by ?lang= or the browser,
and a cache of the whole page per address and language for at most a minute."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

LANGUAGES = ("zh-hans", "en")


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


def _normalise_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The cache keys on the URL and the headers the page varies on; the browser's
        # language header is rewritten to the language the page will be in, so every
        # browser asking for Chinese shares one entry (not one per header spelling).
        request.META["HTTP_ACCEPT_LANGUAGE"] = public_language(request)
        return view(request, *args, **kwargs)

    return wrapper


def _vary_on_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        # Set before the cache stores the page, so its key holds the language.
        response["Vary"] = "Accept-Language"
        return response

    return wrapper


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An anonymous, read-only, cached public page."""
    cached = cache_page(settings.PUBLIC_CACHE_SECONDS, key_prefix="public")(
        _vary_on_language(with_public_language(view))
    )
    return require_GET(_normalise_language(cached))
