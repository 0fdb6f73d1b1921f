import plotly
from django import template
from django.templatetags.static import static
from django.urls import reverse

from dashboards.staticfiles import STATIC_PATH, finder_installed

register = template.Library()


@register.simple_tag
def plotly_js_url() -> str:
    """Our copy of plotly.min.js: a static file once `PlotlyFinder` is configured, else the
    view that serves the same file from the plotly package."""
    if finder_installed():
        return static(STATIC_PATH)
    return f"{reverse('dashboards:plotly-js')}?v={plotly.__version__}"
