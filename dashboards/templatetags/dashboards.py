from django import template
from django.templatetags.static import static

from dashboards.staticfiles import STATIC_PATH

register = template.Library()


@register.simple_tag
def plotly_js_url() -> str:
    """Our copy of plotly.min.js, a static file presented by `PlotlyFinder`."""
    return static(STATIC_PATH)
