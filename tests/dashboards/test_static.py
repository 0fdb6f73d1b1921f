"""plotly.min.js comes from the installed plotly package through our own static files —
collected, hashed, compressed and served by WhiteNoise — or, until the finder is in the
settings, from our own view. Never from a CDN."""

import gzip
from pathlib import Path

import plotly
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware

from dashboards.staticfiles import PLOTLY_JS, STATIC_PATH, PlotlyFinder

DEFAULT_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
WITH_PLOTLY = [*DEFAULT_FINDERS, "dashboards.staticfiles.PlotlyFinder"]


def render_url() -> str:
    return Template("{% load dashboards %}{% plotly_js_url %}").render(Context())


def test_the_finder_presents_the_packages_file_as_ours():
    finder = PlotlyFinder()
    assert finder.find(STATIC_PATH) == str(PLOTLY_JS)
    assert finder.find(STATIC_PATH, find_all=True) == [str(PLOTLY_JS)]
    assert finder.find("dashboards/dashboards.js") is None
    assert [(path, storage.prefix) for path, storage in finder.list([])] == [
        ("plotly.min.js", "dashboards/vendor")
    ]
    assert finder.check() == []
    assert PLOTLY_JS.stat().st_size > 3_000_000  # the real bundle, not a stub


def test_the_page_uses_the_static_file_once_the_finder_is_configured(settings):
    settings.STATICFILES_FINDERS = DEFAULT_FINDERS
    assert render_url() == f"{reverse('dashboards:plotly-js')}?v={plotly.__version__}"
    settings.STATICFILES_FINDERS = WITH_PLOTLY
    assert render_url() == f"/static/{STATIC_PATH}"
    assert finders.find(STATIC_PATH) == str(PLOTLY_JS)


@pytest.mark.django_db
def test_collectstatic_hashes_and_compresses_it_and_whitenoise_serves_it(settings, tmp_path):
    settings.STATICFILES_FINDERS = ["dashboards.staticfiles.PlotlyFinder"]
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", "-v0")
    collected = tmp_path / STATIC_PATH
    assert collected.read_bytes() == PLOTLY_JS.read_bytes()
    (hashed,) = [p for p in collected.parent.glob("plotly.min.*.js")]
    assert Path(f"{hashed}.gz").exists()

    served = WhiteNoiseMiddleware(lambda request: pytest.fail("not served by WhiteNoise"))
    url = f"/static/dashboards/vendor/{hashed.name}"
    response = served(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]  # hashed name: cached for good
    body = b"".join(response.streaming_content)
    response.close()
    assert gzip.decompress(body) == PLOTLY_JS.read_bytes()


@pytest.mark.django_db
def test_until_then_our_view_serves_it_with_long_caching(client):
    url = f"{reverse('dashboards:plotly-js')}?v={plotly.__version__}"

    def fetch(method="get", **headers):
        response = getattr(client, method)(url, headers=headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        response.close()
        return response, body

    response, body = fetch()
    assert response.status_code == 200
    assert response["Content-Type"] in ("text/javascript", "application/javascript")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body == PLOTLY_JS.read_bytes()
    zipped, zipped_body = fetch(**{"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped_body) == PLOTLY_JS.read_bytes()
    again, _body = fetch(**{"If-Modified-Since": response["Last-Modified"]})
    assert again.status_code == 304
    assert fetch("head")[0].status_code == 200
