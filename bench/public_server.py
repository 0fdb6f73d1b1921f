"""URLs for the public pages' benchmark: the real site plus a bare GET page (the reference)
served by the same gunicorn, middleware and client."""

from django.http import HttpResponse
from django.urls import include, path

_BODY = b"<!doctype html><title>bare</title><p>ok</p>"


def bare_page(request):
    """The cheapest page Django can serve through the whole middleware stack."""
    return HttpResponse(_BODY)


urlpatterns = [
    path("bench/bare-page", bare_page),
    path("", include("config.urls")),
]
