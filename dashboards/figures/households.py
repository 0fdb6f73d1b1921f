"""Issue 20: communities ranked by vulnerable households not reached in the last 7 days — a
plain Plotly dict (no graph objects), and its table for CSV. Counts only, never a person."""

from django.utils.translation import gettext as _

from dashboards.figures.common import FONT, GOOD, WARN
from dashboards.selectors.households import UnitReach
from households.models import Category

TOP = 15


def household_reach_figure(rows: list[UnitReach]) -> dict:
    """Horizontal bars, worst first: vulnerable households unreached (amber) and reached
    in the last 7 days (green), per community."""
    shown = rows[:TOP]
    names = [row.unit.label for row in shown][::-1]
    top = max(
        [max(row.reach.vulnerable_unreached, row.reach.reached_last_7_days) for row in shown] or [0]
    )
    title = _("Vulnerable households not reached in 7 days")
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Vulnerable, not reached"),
                "y": names,
                "x": [row.reach.vulnerable_unreached for row in shown][::-1],
                "marker": {"color": WARN},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Reached in 7 days"),
                "y": names,
                "x": [row.reach.reached_last_7_days for row in shown][::-1],
                "marker": {"color": GOOD},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            },
        ],
        "layout": {
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
            "barmode": "group",
            "height": 160 + 40 * len(shown),
            "font": {"family": FONT, "size": 12},
            "margin": {"l": 10, "r": 10, "t": 90, "b": 50},
            "template": "plotly_white",
            "yaxis": {"automargin": True},
            # Whole households: no 0.2-household ticks on a small community's bars.
            "xaxis": {
                "title": {"text": _("Households")},
                "rangemode": "tozero",
                **({"dtick": 1} if top <= 10 else {}),
            },
            "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
            "annotations": [] if shown else [_none_yet()],
        },
    }


def _none_yet() -> dict:
    """Said on the figure (axes and legend kept) when no community in view keeps a
    register yet; in the reader's language, so made per request."""
    return {
        "text": _("No community keeps a household register yet."),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
    }


def household_reach_table(rows: list[UnitReach]) -> tuple[list[str], list[list]]:
    header = [
        _("Served unit"),
        _("Households"),
        _("Members"),
        *[str(label) for _value, label in Category.choices],
        _("Reached in 7 days"),
        _("Vulnerable, not reached"),
        _("Longest wait (days)"),
    ]
    body = [
        [
            row.unit.label,
            row.reach.households,
            row.reach.members,
            *[row.reach.by_category.get(value, 0) for value in Category.values],
            row.reach.reached_last_7_days,
            row.reach.vulnerable_unreached,
            row.reach.longest_wait_days,
        ]
        for row in rows
    ]
    return header, body
