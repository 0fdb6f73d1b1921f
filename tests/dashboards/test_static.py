"""plotly.min.js comes from the installed plotly package through our own static files —
collected, hashed, compressed and served by WhiteNoise — or, until the finder is in the
settings, from our own view. Never from a CDN."""

import gzip
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
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


def test_the_page_uses_the_static_file(settings):
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
