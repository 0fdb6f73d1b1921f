"""KPI tiles: a row of big numbers, drawn by Plotly so they refresh, download and export
like every other figure."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dashboards.figures import plain as go
from dashboards.figures.common import BAD, GOOD, NEUTRAL, WARN, base_layout
from dashboards.selectors import Summary, UnitStatus


def _tile(*, value: float, title: str, column: int, colour: str, suffix: str = "") -> go.Indicator:
    return go.Indicator(
        mode="number",
        value=value,
        title={"text": title, "font": {"size": 13}},
        number={"font": {"size": 40, "color": colour}, "suffix": suffix, "valueformat": ",.0f"},
        domain={"row": 0, "column": column},
    )


def _fill_colour(rate: float | None) -> str:
    if rate is None:
        return NEUTRAL
    return GOOD if rate >= 0.9 else WARN if rate >= 0.6 else BAD


def kpi_tiles(summary: Summary) -> go.Figure:
    """Open requests, units waiting > 48 h, fill rate this week (mean of per-line rates),
    items short of demand, lots expiring within 30 days, lots expired: counts, never a sum
    of quantities in different units."""
    rate = summary.fill_rate_this_week
    rate_note = (
        _("%(full)s of %(lines)s lines in full")
        % {
            "full": f"{summary.lines_delivered_in_full_this_week:,}",
            "lines": f"{summary.lines_approved_this_week:,}",
        }
        if rate is not None
        else _("nothing approved this week")
    )
    tiles = [
        _tile(
            value=summary.open_requests,
            title=_("Open requests"),
            column=0,
            colour="#1f77b4",
        ),
        _tile(
            value=summary.units_waiting_over_48h,
            title=_("Units waiting > 48 h"),
            column=1,
            colour=BAD if summary.units_waiting_over_48h else GOOD,
        ),
        _tile(
            value=round((rate or 0) * 100),
            title=f"{_('Fill rate this week')}<br><sub>{rate_note}</sub>",
            column=2,
            colour=_fill_colour(rate),
            suffix="%",
        ),
        _tile(
            value=summary.items_short,
            title=_("Items short of demand"),
            column=3,
            colour=BAD if summary.items_short else GOOD,
        ),
        _tile(
            value=summary.lots_expiring_within_30_days,
            title=_("Lots expiring within 30 days"),
            column=4,
            colour=WARN if summary.lots_expiring_within_30_days else GOOD,
        ),
        _tile(
            value=summary.lots_expired,
            title=_("Lots expired"),
            column=5,
            colour=BAD if summary.lots_expired else GOOD,
        ),
    ]
    figure = go.Figure(tiles)
    figure.update_layout(
        **base_layout(
            title=_("At a glance, as of %(day)s")
            % {"day": date_format(summary.as_of, "DATE_FORMAT")},
            height=220,
            grid={"rows": 1, "columns": 6, "pattern": "independent"},
            margin={"l": 10, "r": 10, "t": 50, "b": 10},
        )
    )
    return figure


def unit_tiles(status: UnitStatus) -> go.Figure:
    """A served unit's open requests, longest wait, fill rate and shipments on the way."""
    rate = status.fill_rate
    tiles = [
        _tile(value=status.open_requests, title=_("Open requests"), column=0, colour="#1f77b4"),
        _tile(
            value=status.hours_waiting or 0,
            title=_("Waiting for (hours)"),
            column=1,
            colour=BAD if (status.hours_waiting or 0) > 48 else GOOD,
        ),
        _tile(
            value=round((rate or 0) * 100),
            title=_("Fill rate in the period"),
            column=2,
            colour=_fill_colour(rate),
            suffix="%",
        ),
        _tile(value=status.on_the_way, title=_("Shipments on the way"), column=3, colour=NEUTRAL),
    ]
    figure = go.Figure(tiles)
    figure.update_layout(
        **base_layout(
            title=_("Our requests at a glance"),
            height=200,
            grid={"rows": 1, "columns": 4, "pattern": "independent"},
            margin={"l": 10, "r": 10, "t": 50, "b": 10},
        )
    )
    return figure
