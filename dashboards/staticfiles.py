"""plotly.min.js from the installed plotly package, served as one of our static files.

The plotly Python package ships the exact plotly.js its figures are written for
(`plotly/package_data/plotly.min.js`, ~4.8 MB). Rather than commit a copy (which would
drift from the package) or load it from a CDN (these machines and many field offices have
no internet), `PlotlyFinder` presents that file as `dashboards/vendor/plotly.min.js`:
`collectstatic` copies (and, in production, hashes and compresses) it like any other
static file and WhiteNoise serves it. It needs one line in settings:

    STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder",
        "django.contrib.staticfiles.finders.AppDirectoriesFinder",
        "dashboards.staticfiles.PlotlyFinder",
    ]

`config/settings.py` has it.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
STATIC_PATH = "dashboards/vendor/plotly.min.js"
FINDER = "dashboards.staticfiles.PlotlyFinder"


class PlotlyFinder(BaseFinder):
    """Finds `dashboards/vendor/plotly.min.js` in the installed plotly package."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_JS.parent))
        # collectstatic writes a listed file to `prefix/path`.
        self.storage.prefix = str(Path(STATIC_PATH).parent)

    def check(self, **kwargs) -> list[Error]:
        if not PLOTLY_JS.is_file():
            return [Error(f"{PLOTLY_JS} is missing: reinstall plotly", id="dashboards.E001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        if path == STATIC_PATH and PLOTLY_JS.is_file():
            return [str(PLOTLY_JS)] if find_all else str(PLOTLY_JS)
        return [] if find_all else None

    def list(self, ignore_patterns):
        if PLOTLY_JS.is_file():
            yield PLOTLY_JS.name, self.storage
