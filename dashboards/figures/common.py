"""What every figure shares: labels in the reader's language, colours, the base layout."""

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


def category_label(code: str) -> str:
    return str(ItemCategory(code).label) if code in ItemCategory.values else code


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
