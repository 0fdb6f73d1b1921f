"""Stock figures: on hand with days of cover, stock over time, expiry horizon."""

from collections import defaultdict

from django.utils.translation import gettext as _

from dashboards.figures import plain as go
from dashboards.figures.common import (
    BAD,
    GOOD,
    NEUTRAL,
    SERIES,
    WARN,
    base_layout,
    category_label,
    item_axis,
    item_label,
    no_data_note,
    rows_height,
)
from dashboards.figures.plain import make_subplots
from dashboards.selectors import (
    EXPIRY_BUCKETS,
    WINDOW_DAYS,
    ExpiryLine,
    ItemRef,
    StockDay,
    StockLine,
)

# Days of cover shown beyond this are drawn at the cap (the text still says how many).
COVER_CAP = 60


def cover_colour(days: float | None) -> str:
    if days is None:
        return NEUTRAL
    return BAD if days < 3 else WARN if days < 7 else GOOD


def _axis(items: list[ItemRef]) -> list[list[str]]:
    """A two-level axis: category, then item."""
    return item_axis(items)


def stock_on_hand_figure(lines: list[StockLine]) -> go.Figure:
    """On hand per item, one bar segment per site, and beside it the days the stock lasts
    at the last fortnight's dispatch rate."""
    items = list({line.item.pk: line.item for line in lines}.values())
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.68, 0.32],
        horizontal_spacing=0.02,
        subplot_titles=[
            _("On hand per site (base units)"),
            _("Days of cover (last %(days)d days' dispatch rate)") % {"days": WINDOW_DAYS},
        ],
    )
    position = {item.pk: index for index, item in enumerate(items)}
    by_site: dict[str, list[StockLine]] = defaultdict(list)
    for line in lines:
        by_site[line.site_name].append(line)
    axis = _axis(items)
    for index, (site, site_lines) in enumerate(sorted(by_site.items())):
        x = [0] * len(items)
        custom = [["", 0, 0, "", ""]] * len(items)
        for line in site_lines:
            at = position[line.item.pk]
            x[at] = line.on_hand
            cover = line.days_of_cover
            custom[at] = [
                line.item.base_unit,
                line.reserved,
                line.available,
                "—" if cover is None else f"{cover:,.1f}",
                site,
            ]
        figure.add_trace(
            go.Bar(
                name=site,
                x=x,
                y=axis,
                orientation="h",
                marker_color=SERIES[index % len(SERIES)],
                customdata=custom,
                hovertemplate=(
                    "%{customdata[4]}<br>%{y}<br>"
                    + _("on hand")
                    + " %{x:,} %{customdata[0]}<br>"
                    + _("reserved")
                    + " %{customdata[1]:,} · "
                    + _("available")
                    + " %{customdata[2]:,}<br>"
                    + _("days of cover")
                    + " %{customdata[3]}<extra></extra>"
                ),
            ),
            row=1,
            col=1,
        )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        totals[line.item.pk][0] += line.on_hand
        totals[line.item.pk][1] += line.dispatched_14d
    cover = [
        round(totals[i.pk][0] / (totals[i.pk][1] / WINDOW_DAYS), 1) if totals[i.pk][1] else None
        for i in items
    ]
    figure.add_trace(
        go.Bar(
            name=_("Days of cover"),
            x=[min(c, COVER_CAP) if c is not None else 0 for c in cover],
            y=axis,
            orientation="h",
            marker_color=[cover_colour(c) for c in cover],
            text=[_("no dispatch") if c is None else f"{c:,.1f}" for c in cover],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate="%{y}<br>" + _("days of cover") + " %{text}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    figure.update_layout(
        **base_layout(title=_("Stock on hand and days of cover"), height=rows_height(len(items))),
        barmode="stack",
    )
    figure.update_yaxes(autorange="reversed", row=1, col=1)
    figure.update_xaxes(range=[0, COVER_CAP * 1.25], row=1, col=2)
    if not lines:
        figure.add_annotation(no_data_note())
    return figure


# More lines than this on one chart are unreadable: the rest are summed as "other items".
MAX_SERIES = 8


def _groups(days: list[StockDay], by_item: bool) -> tuple[dict[int, str], list[str]]:
    """Item id → series name, and the series in drawing order."""
    if not by_item:
        # Once per category, not per item and day (28,000 label look-ups at medium).
        labels: dict[str, str] = {}
        names = {
            day.item.pk: labels.get(day.item.category)
            or labels.setdefault(day.item.category, category_label(day.item.category))
            for day in days
        }
        return names, sorted(set(names.values()))
    last = {}
    for day in days:
        last[day.item.pk] = (day.on_hand, day.item)
    ranked = sorted(last.values(), key=lambda entry: -entry[0])
    names = {item.pk: item_label(item) for _on_hand, item in ranked[:MAX_SERIES]}
    other = _("Other items")
    for _on_hand, item in ranked[MAX_SERIES:]:
        names[item.pk] = other
    order = [item_label(item) for _on_hand, item in ranked[:MAX_SERIES]]
    return names, order + ([other] if len(ranked) > MAX_SERIES else [])


def stock_over_time_figure(days: list[StockDay], *, by_item: bool) -> go.Figure:
    """On hand per day (lines) above received (up) and dispatched (down) per day (bars), by
    category — or by item once a category is chosen."""
    names, order = _groups(days, by_item)
    series: dict[str, dict] = {name: defaultdict(lambda: [0, 0, 0]) for name in order}
    dates = sorted({day.day for day in days})
    for day in days:
        totals = series[names[day.item.pk]][day.day]
        totals[0] += day.on_hand
        totals[1] += day.received
        totals[2] += day.dispatched
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.6, 0.4],
        vertical_spacing=0.08,
        subplot_titles=[_("On hand at the end of the day"), _("Received ↑ and dispatched ↓")],
    )
    for index, name in enumerate(order):
        colour = SERIES[index % len(SERIES)]
        values = series[name]
        figure.add_trace(
            go.Scatter(
                name=name,
                legendgroup=name,
                x=dates,
                y=[values[d][0] for d in dates],
                mode="lines+markers",
                line={"color": colour, "width": 2},
                hovertemplate=name + "<br>%{x|%Y-%m-%d}: %{y:,}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        for sign, position, label in ((1, 1, _("received")), (-1, 2, _("dispatched"))):
            figure.add_trace(
                go.Bar(
                    name=f"{name} · {label}",
                    legendgroup=name,
                    showlegend=False,
                    x=dates,
                    y=[sign * values[d][position] for d in dates],
                    marker_color=colour,
                    opacity=1.0 if sign > 0 else 0.55,
                    customdata=[values[d][position] for d in dates],
                    hovertemplate=f"{name} · {label}<br>"
                    + "%{x|%Y-%m-%d}: %{customdata:,}<extra></extra>",
                ),
                row=2,
                col=1,
            )
    figure.update_layout(
        **base_layout(title=_("Stock over time (base units)"), height=520),
        barmode="relative",
    )
    if not days:
        figure.add_annotation(no_data_note())
    return figure


EXPIRY_COLOURS = {"expired": "#7f0000", "0-30": BAD, "31-90": WARN, "90+": GOOD}


def expiry_labels() -> dict[str, str]:
    return {
        "expired": _("Already expired"),
        "0-30": _("0–30 days"),
        "31-90": _("31–90 days"),
        "90+": _("More than 90 days"),
    }


def expiry_figure(lines: list[ExpiryLine]) -> go.Figure:
    """Per item, the stock on hand expiring within 0–30, 31–90 and 90+ days (and what has
    expired already and waits for a write-off)."""
    items = list({line.item.pk: line.item for line in lines}.values())
    quantity = {(line.item.pk, line.bucket): line.quantity for line in lines}
    axis = _axis(items)
    labels = expiry_labels()
    figure = go.Figure()
    for bucket in EXPIRY_BUCKETS:
        figure.add_trace(
            go.Bar(
                name=labels[bucket],
                x=[quantity.get((item.pk, bucket), 0) for item in items],
                y=axis,
                orientation="h",
                marker_color=EXPIRY_COLOURS[bucket],
                customdata=[item.base_unit for item in items],
                hovertemplate="%{y}<br>" + labels[bucket] + ": %{x:,} %{customdata}<extra></extra>",
            )
        )
    figure.update_layout(
        **base_layout(
            title=_("Expiry horizon of the stock on hand (lots with an expiry date)"),
            height=rows_height(len(items)),
        ),
        barmode="stack",
        xaxis={"title": {"text": _("base units")}},
        yaxis={"autorange": "reversed"},
    )
    if not lines:
        figure.add_annotation(no_data_note())
    return figure
