"""The figures the pages show, by name: who may see each, where its data comes from, how
it is drawn and how it is tabulated for CSV. Views and tests go through this one list."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import plotly.graph_objects as go
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dashboards import figures, selectors, tables
from dashboards.figures import plain
from dashboards.figures.households import household_reach_figure, household_reach_table
from dashboards.selectors import Scope
from dashboards.selectors.households import household_reach


class Audience(StrEnum):
    STOCK = "stock"  # organisation staff, coordinators, administrators
    REQUESTS = "requests"  # anyone with served units in view, community workers included


@dataclass(frozen=True)
class FigureSpec:
    name: str
    title: Promise
    audience: Audience
    load: Callable[[Scope], Any]
    draw: Callable[[Any, Scope], go.Figure]
    table: Callable[[Any], tables.Table]

    def allows(self, scope: Scope) -> bool:
        if self.audience == Audience.STOCK:
            return scope.can_see_stock
        return scope.can_see_requests


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in [
        FigureSpec(
            "kpis",
            _("At a glance"),
            Audience.STOCK,
            selectors.kpis,
            lambda data, scope: figures.kpi_tiles(data),
            tables.kpi_table,
        ),
        FigureSpec(
            "stock",
            _("Stock on hand and days of cover"),
            Audience.STOCK,
            selectors.stock_on_hand,
            lambda data, scope: figures.stock_on_hand_figure(data),
            tables.stock_table,
        ),
        FigureSpec(
            "stock-over-time",
            _("Stock over time"),
            Audience.STOCK,
            selectors.stock_over_time,
            lambda data, scope: figures.stock_over_time_figure(data, by_item=bool(scope.category)),
            tables.stock_days_table,
        ),
        FigureSpec(
            "expiry",
            _("Expiry horizon"),
            Audience.STOCK,
            selectors.expiry_horizon,
            lambda data, scope: figures.expiry_figure(data),
            tables.expiry_table,
        ),
        FigureSpec(
            "coverage",
            _("Coverage of served units"),
            Audience.REQUESTS,
            selectors.coverage,
            lambda data, scope: figures.coverage_figure(data),
            tables.coverage_table,
        ),
        FigureSpec(
            "deliveries",
            _("Delivery performance"),
            Audience.REQUESTS,
            selectors.deliveries,
            lambda data, scope: figures.delivery_figure(data),
            tables.delivery_table,
        ),
        FigureSpec(
            "donation-flow",
            _("Where the donations went"),
            Audience.STOCK,
            selectors.donation_flow,
            lambda data, scope: figures.donation_flow_figure(
                data, to_units=scope.district_id is not None or scope.unit is not None
            ),
            tables.flow_table,
        ),
        FigureSpec(
            "unit-status",
            _("Our requests at a glance"),
            Audience.REQUESTS,
            selectors.unit_status,
            lambda data, scope: figures.unit_tiles(data),
            tables.unit_status_table,
        ),
        FigureSpec(
            "unit-progress",
            _("Our requests, item by item"),
            Audience.REQUESTS,
            selectors.unit_progress,
            lambda data, scope: figures.unit_progress_figure(data),
            tables.progress_table,
        ),
        # Issue 20: the last mile, counts only (built as a plain dict).
        FigureSpec(
            "household-reach",
            _("Households reached"),
            Audience.REQUESTS,
            household_reach,
            lambda data, scope: plain.Figure(**household_reach_figure(data)),
            household_reach_table,
        ),
    ]
}

# What each page shows, in order.
COORDINATOR_PAGE = [
    "kpis",
    "stock",
    "stock-over-time",
    "expiry",
    "coverage",
    "deliveries",
    "donation-flow",
    "household-reach",
]
STOCK_PAGE = ["stock", "stock-over-time", "expiry", "donation-flow"]
UNIT_PAGE = ["unit-status", "unit-progress", "coverage", "deliveries"]
