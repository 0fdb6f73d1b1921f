"""What every figure shares: labels in the reader's language, colours, the base layout."""

import datetime as dt
import html
import json
from decimal import Decimal

import plotly.graph_objects as go
import plotly.utils
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards.selectors import ItemRef
from inventory.models import ItemCategory

# One font stack for Chinese and Latin text; the machines these run on have Noto CJK or
# the Windows/macOS equivalents, and nothing is fetched from the web.
FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, Arial, sans-serif"

GOOD, WARN, BAD, NEUTRAL = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"
# Red (nothing delivered) → amber → green (everything approved delivered).
FILL_SCALE = [[0.0, BAD], [0.5, WARN], [1.0, GOOD]]
SERIES = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


def english() -> bool:
    return (get_language() or "").startswith("en")


def item_label(item: ItemRef) -> str:
    """The item's name in the reader's language (Chinese when it has no English name)."""
    return item.name_en if english() and item.name_en else item.name_zh


_CATEGORIES = frozenset(ItemCategory.values)


def category_label(code: str) -> str:
    return str(ItemCategory(code).label) if code in _CATEGORIES else code


def item_axis(items: list[ItemRef]) -> list[list[str]]:
    """A two-level axis, category then item, in the reader's language: each category's
    label and the language asked once, not once per item (a figure's items number hundreds)."""
    labels: dict[str, str] = {}
    for item in items:
        if item.category not in labels:
            labels[item.category] = category_label(item.category)
    in_english = english()
    return [
        [labels[item.category] for item in items],
        [item.name_en if in_english and item.name_en else item.name_zh for item in items],
    ]


def name_in_language(name_zh: str, name_en: str) -> str:
    return name_en if english() and name_en else name_zh


def base_layout(*, title: str, height: int, **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 10, "r": 10, "t": 60, "b": 70},
        "template": "plotly_white",
        # Pinned to the bottom of the figure in pixels, not in axis fractions, so it sits
        # just below the axis however tall the figure grows.
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT}},
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def no_data_note() -> dict:
    """The annotation an empty figure shows instead of blank axes."""
    return {
        "text": _("Nothing to show for these filters."),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "font": {"size": 14, "color": NEUTRAL},
    }


def rows_height(rows: int, *, per_row: int = 22, base: int = 160, minimum: int = 320) -> int:
    return max(minimum, base + per_row * rows)


# Trace attributes that carry names from the database (items, sites, units, donors). Plotly
# renders a small HTML subset (<a href>, <b>, <br>) in text, so a name like
# `<a href="https://evil">` would be a live link on every reader's dashboard. Templates
# ("hovertemplate") are ours and keep their markup; what they pull in (%{y}, %{customdata})
# is escaped here.
_DATA_TEXT = frozenset(
    {
        "x",
        "y",
        "z",
        "labels",
        "text",
        "hovertext",
        "customdata",
        "name",
        "ids",
        "label",
        "parents",
        "ticktext",
        "legendgrouptitle",
    }
)


# What a data array mostly holds: nothing to escape, and no call per element to find out.
_NUMBERS = frozenset({int, float, bool, type(None)})
_AS_THEY_ARE = _NUMBERS | {str}


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list | tuple):
        return [item if type(item) in _NUMBERS else _escaped(item) for item in value]
    return value


def _escape_traces(node: object, *, text: bool = False, done: dict | None = None) -> object:
    """`node` with its data text escaped. A list shared by several traces (the stock
    figure's two-level axis is every site's `y`, its blank hover row every empty item's) is
    escaped once: `done` maps its id to the escaped copy (the originals are alive for the
    whole call, so no id is reused)."""
    if done is None:
        done = {}
    if isinstance(node, dict):
        # Ours, never a name from the database: the templates, and a KPI tile's title (words
        # and numbers of `figures.tiles`, whose <br><sub> Plotly must render as markup).
        own = ("hovertemplate", "texttemplate", "type")
        if node.get("type") == "indicator":
            own = (*own, "title")
        return {
            key: _escape_traces(value, text=text or key in _DATA_TEXT, done=done)
            if key not in own
            else value
            for key, value in node.items()
        }
    if isinstance(node, list | tuple):
        key = (id(node), text)
        found = done.get(key)
        if found is None:
            # One pass, no call for what needs none: numbers (and, outside data text,
            # strings) stay as they are; only nested lists and dicts recurse.
            if text:
                found = [
                    item
                    if type(item) in _NUMBERS
                    else html.escape(item, quote=False)
                    if type(item) is str
                    else _escape_traces(item, text=True, done=done)
                    for item in node
                ]
            else:
                found = [
                    item if type(item) in _AS_THEY_ARE else _escape_traces(item, done=done)
                    for item in node
                ]
            done[key] = found
        return found
    return _escaped(node) if text else node


def _plain(value: object) -> object:
    """What json cannot write by itself in our figures: dates (ISO, as plotly writes them)
    and decimals."""
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return plotly.utils.PlotlyJSONEncoder().default(value)  # numpy and the like, in tests


def figure_json(figure: go.Figure) -> str:
    """The figure as Plotly JSON with every database-sourced string HTML-escaped.

    Written by the standard library's C encoder with a tiny `default` (dates, decimals):
    plotly's `PlotlyJSONEncoder` asks numpy, pandas and PIL about every date first. It is
    kept for what strict JSON cannot hold (NaN or infinity become null, as plotly writes
    them)."""
    plain = figure.to_plotly_json()
    plain["data"] = _escape_traces(plain.get("data", []))
    layout = plain.get("layout", {})
    for axis in [key for key in layout if key.startswith(("xaxis", "yaxis"))]:
        if "ticktext" in layout[axis]:
            layout[axis]["ticktext"] = _escaped(list(layout[axis]["ticktext"]))
    try:
        return json.dumps(plain, default=_plain, allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere
        return json.dumps(plain, cls=plotly.utils.PlotlyJSONEncoder)
