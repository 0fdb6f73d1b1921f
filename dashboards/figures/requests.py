"""Request figures: coverage heatmap, delivery performance, one unit's progress."""

import statistics
from collections import defaultdict

from django.utils.translation import gettext as _

from dashboards.figures import plain as go
from dashboards.figures.common import (
    BAD,
    FILL_SCALE,
    GOOD,
    NEUTRAL,
    SERIES,
    WARN,
    base_layout,
    category_label,
    item_axis,
    no_data_note,
    rows_height,
)
from dashboards.figures.plain import make_subplots
from dashboards.selectors import CoverageCell, Delivery, RequestProgress

# How many of the longest-waiting units are drawn in red and named on their bar.
LONGEST = 5


def coverage_figure(cells: list[CoverageCell]) -> go.Figure:
    """Served units (grouped by district and street) × item categories, coloured by fill
    rate; beside them, the hours each unit has been waiting, the longest in red."""
    units = list({cell.unit.pk: cell for cell in cells}.values())
    categories = sorted({cell.category for cell in cells})
    row_of = {cell.unit.pk: index for index, cell in enumerate(units)}
    column_of = {category: index for index, category in enumerate(categories)}
    z = [[None] * len(categories) for _unit in units]
    text = [[""] * len(categories) for _unit in units]
    custom = [[["", 0, 0, 0, ""]] * len(categories) for _unit in units]
    for cell in cells:
        r, c = row_of[cell.unit.pk], column_of[cell.category]
        rate = cell.fill_rate
        z[r][c] = rate
        text[r][c] = "…" if rate is None else f"{rate:.0%}"
        custom[r][c] = [
            cell.unit.label,
            cell.lines,
            cell.lines_approved,
            cell.lines_delivered_in_full,
            "—" if cell.hours_waiting is None else f"{cell.hours_waiting:,.0f}",
        ]
    axis = [
        [
            f"{u.district.label} · {u.street.label}" if u.street != u.district else u.district.label
            for u in units
        ],
        [u.unit.label for u in units],
    ]
    hours = [u.hours_waiting or 0 for u in units]
    longest = set(sorted(range(len(units)), key=lambda i: -hours[i])[:LONGEST])
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.72, 0.28],
        horizontal_spacing=0.02,
        subplot_titles=["", _("Hours waiting")],
    )
    figure.add_trace(
        go.Heatmap(
            z=z,
            x=[category_label(c) for c in categories],
            y=axis,
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            colorscale=FILL_SCALE,
            zmin=0,
            zmax=1,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {
                    "text": _("Fill rate (mean of lines' delivered ÷ approved)"),
                    "side": "top",
                },
                "tickformat": ".0%",
                "orientation": "h",
                "x": 0.36,
                "xanchor": "center",
                "y": -0.02,
                "yanchor": "top",
                "len": 0.5,
                "thickness": 12,
            },
            hovertemplate=(
                "%{customdata[0]} · %{x}<br>"
                + _("lines asked")
                + " %{customdata[1]:,} · "
                + _("approved")
                + " %{customdata[2]:,} · "
                + _("delivered in full")
                + " %{customdata[3]:,}<br>"
                + _("fill rate")
                + " %{text}<br>"
                + _("waiting for %(hours)s hours") % {"hours": "%{customdata[4]}"}
                + "<extra></extra>"
            ),
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Bar(
            name=_("Hours waiting"),
            x=hours,
            y=axis,
            orientation="h",
            marker_color=[
                BAD if i in longest and hours[i] > 0 else WARN if hours[i] > 48 else NEUTRAL
                for i in range(len(units))
            ],
            text=[
                f"{hours[i]:,.0f} h" if i in longest and hours[i] > 0 else ""
                for i in range(len(units))
            ],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate="%{y}<br>"
            + _("waiting for %(hours)s hours") % {"hours": "%{x:,.0f}"}
            + "<extra></extra>",
        ),
        row=1,
        col=2,
    )
    figure.update_layout(
        **base_layout(
            title=_("Coverage of served units"),
            height=rows_height(len(units), base=260),
            margin={"l": 10, "r": 10, "t": 130, "b": 90},
        ),
    )
    figure.update_yaxes(autorange="reversed", row=1, col=1)
    # Category names on top, where the eye starts; the colour scale goes below.
    figure.update_xaxes(side="top", tickangle=-25, row=1, col=1)
    figure.update_xaxes(range=[0, max(hours, default=0) * 1.3 or 1], row=1, col=2)
    if not cells:
        figure.add_annotation(no_data_note())
    return figure


def delivery_figure(deliveries: list[Delivery]) -> go.Figure:
    """Lead time from request to delivery (distribution), its median per district, and the
    share delivered by the needed-by date."""
    figure = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.4, 0.35, 0.25],
        specs=[[{"type": "xy"}, {"type": "xy"}, {"type": "domain"}]],
        subplot_titles=[
            _("Request to delivery (days)"),
            _("Median per district (days)"),
            _("By the needed-by date"),
        ],
    )
    lead_days = [round(d.lead_hours / 24, 2) for d in deliveries]
    figure.add_trace(
        go.Histogram(
            name=_("deliveries"),
            x=lead_days,
            xbins={"size": 0.5},
            marker_color=SERIES[0],
            showlegend=False,
            hovertemplate=_("%(n)s deliveries") % {"n": "%{y}"}
            + " · %{x} "
            + _("days")
            + "<extra></extra>",
        ),
        row=1,
        col=1,
    )
    per_district: dict[str, list[float]] = defaultdict(list)
    for delivery, days in zip(deliveries, lead_days, strict=True):
        per_district[delivery.district.label].append(days)
    medians = sorted(
        ((name, statistics.median(values), len(values)) for name, values in per_district.items()),
        key=lambda entry: -entry[1],
    )
    figure.add_trace(
        go.Bar(
            name=_("median"),
            x=[entry[0] for entry in medians],
            y=[round(entry[1], 2) for entry in medians],
            customdata=[entry[2] for entry in medians],
            marker_color=SERIES[1],
            showlegend=False,
            hovertemplate="%{x}<br>"
            + _("median %(days)s days over %(n)s deliveries")
            % {"days": "%{y}", "n": "%{customdata}"}
            + "<extra></extra>",
        ),
        row=1,
        col=2,
    )
    on_time = [d.on_time for d in deliveries]
    shares = [
        (_("On time"), sum(1 for v in on_time if v is True), GOOD),
        (_("Late"), sum(1 for v in on_time if v is False), BAD),
        (_("No date asked"), sum(1 for v in on_time if v is None), NEUTRAL),
    ]
    figure.add_trace(
        go.Pie(
            labels=[s[0] for s in shares],
            values=[s[1] for s in shares],
            marker={"colors": [s[2] for s in shares]},
            hole=0.45,
            sort=False,
            textinfo="percent",
            hovertemplate="%{label}: %{value} (%{percent})<extra></extra>",
        ),
        row=1,
        col=3,
    )
    figure.update_layout(
        **base_layout(
            title=_("Delivery performance"),
            height=400,
            legend={
                "orientation": "h",
                "x": 1,
                "xanchor": "right",
                "yref": "container",
                "y": 0,
                "yanchor": "bottom",
            },
        )
    )
    figure.update_xaxes(title={"text": _("days")}, row=1, col=1)
    figure.update_yaxes(title={"text": _("deliveries")}, row=1, col=1)
    if not deliveries:
        figure.add_annotation(no_data_note())
    return figure


def unit_progress_figure(progress: list[RequestProgress]) -> go.Figure:
    """Per item: asked, approved, on the way, delivered — how far the unit's goods got."""
    axis = item_axis([p.item for p in progress])
    figure = go.Figure()
    for name, values, colour in (
        (_("Requested"), [p.requested for p in progress], NEUTRAL),
        (_("Approved"), [p.approved for p in progress], SERIES[0]),
        (_("Dispatched"), [p.dispatched for p in progress], WARN),
        (_("Delivered"), [p.delivered for p in progress], GOOD),
    ):
        figure.add_trace(
            go.Bar(
                name=name,
                x=values,
                y=axis,
                orientation="h",
                marker_color=colour,
                customdata=[p.item.base_unit for p in progress],
                hovertemplate="%{y}<br>" + name + ": %{x:,} %{customdata}<extra></extra>",
            )
        )
    figure.update_layout(
        **base_layout(
            title=_("Our requests, item by item"), height=rows_height(len(progress), per_row=34)
        ),
        barmode="group",
        yaxis={"autorange": "reversed"},
        xaxis={"title": {"text": _("base units")}},
    )
    if not progress:
        figure.add_annotation(no_data_note())
    return figure
