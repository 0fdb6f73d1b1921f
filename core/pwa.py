"""The installable app (issue 22): the web app manifest, the service worker and the page it
shows when a page cannot be had offline.

The service worker is our own static file `pwa/sw.js`, served at /sw.js so that its scope
can be the whole site (a worker under /static/ could only control /static/). What it keeps
is the community worker's pages (`WORKER_PAGES`); the static files it keeps are named by
`{% static %}`, so in production they are the hashed, far-future-cached names."""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import PrefixNode, static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

# Paths of the pages a community worker uses at the door, kept on the phone: home, new
# request, my requests and a request's page, confirm delivery (and the waybill), the inbox.
WORKER_PAGES = [
    r"^/$",
    r"^/requests/$",
    r"^/requests/new/$",
    r"^/requests/\d+/$",
    r"^/shipments/\d+/receive/$",
    r"^/notifications/$",
]
PRECACHED = [
    "css/site.css",
    "js/forms.js",
    "js/site.js",
    "pwa/pwa.js",
    "pwa/outbox.js",
    "pwa/icon-192.png",
]


def _source(path: str) -> str:
    found = finders.find(path)
    with open(found, encoding="utf-8") as handle:
        return handle.read()


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """pwa/sw.js with its configuration in front; `no-cache` so a new version is seen."""
    source = _source("pwa/sw.js")
    config = {
        "static": [static(path) for path in PRECACHED],
        "static_prefix": PrefixNode.handle_simple("STATIC_URL"),
        "outbox": static("pwa/outbox.js"),
        "offline": reverse("offline"),
        "pages": WORKER_PAGES,
    }
    version_of = json.dumps(config, sort_keys=True) + source
    config["version"] = hashlib.sha256(version_of.encode()).hexdigest()[:12]
    body = f"var PWA_CONFIG = {json.dumps(config)};\n{source}"
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """Name in Chinese and English whatever the page's language: the icon's label on the
    home screen is read by people of both."""
    data = {
        "name": "救灾物资追踪 · Relief supply tracker",
        "short_name": "救灾物资",
        "description": _("Ask for supplies and confirm deliveries, even with a bad network."),
        "lang": "zh-Hans",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("pwa/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """Kept by the service worker when it installs; shown for a page that needs the network."""
    return render(request, "offline.html")
