"""Pure Plotly figure builders: data from `dashboards.selectors` in, `go.Figure` out.

No database access and no request here: a builder can be tested, and a figure rebuilt,
from plain dataclasses. Every visible word goes through gettext (English source strings).
"""

from dashboards.figures.flows import donation_flow_figure
from dashboards.figures.requests import coverage_figure, delivery_figure, unit_progress_figure
from dashboards.figures.stock import expiry_figure, stock_on_hand_figure, stock_over_time_figure
from dashboards.figures.tiles import kpi_tiles, unit_tiles

__all__ = [
    "coverage_figure",
    "delivery_figure",
    "donation_flow_figure",
    "expiry_figure",
    "kpi_tiles",
    "stock_on_hand_figure",
    "stock_over_time_figure",
    "unit_progress_figure",
    "unit_tiles",
]
