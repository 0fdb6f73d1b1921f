"""Figures read on a Chinese page: dates as 1月28日 (never "Jan 28") and large numbers in
万 and 亿 (never "0.5B"). Applied to the finished figure, so no builder has to remember it;
English pages keep Plotly's own formats."""

import datetime as dt
import math
import re
from numbers import Real

import plotly.graph_objects as go

from dashboards.figures.common import english

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
WAN, YI = 10_000, 100_000_000


def chinese_number(value: float) -> str:
    """12000 → "1.2万", 500000000 → "5亿"; below ten thousand as written."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= YI:
        return f"{sign}{value / YI:.4g}亿"
    if value >= WAN:
        return f"{sign}{value / WAN:.4g}万"
    return f"{sign}{value:.4g}"


def _nice_step(top: float, ticks: int = 5) -> float:
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _is_date(values) -> bool:
    first = next((v for v in values if v is not None), None) if values is not None else None
    return isinstance(first, dt.date) or (isinstance(first, str) and bool(_ISO_DATE.match(first)))


def _numbers(values) -> list[float]:
    if values is None:
        return []
    return [float(v) for v in values if isinstance(v, Real) and not isinstance(v, bool)]


def _axis_key(ref: str | None, letter: str) -> str:
    """A trace's "y2" names the layout's "yaxis2"."""
    suffix = (ref or letter)[1:]
    return f"{letter}axis{suffix}"


def localise_for_chinese(figure: go.Figure) -> go.Figure:
    """Chinese dates and 万/亿 ticks on every axis that carries dates or large numbers."""
    if english():
        return figure
    tops: dict[str, float] = {}
    dates: set[str] = set()
    # Stacked bars reach the sum of their traces: add the traces' tops up.
    stacked = figure.layout.barmode in ("stack", "relative")
    for trace in figure.data:
        if trace.type not in ("bar", "scatter", "histogram", "box"):
            continue
        for letter in ("x", "y"):
            values = getattr(trace, letter, None)
            key = _axis_key(getattr(trace, f"{letter}axis", None), letter)
            if _is_date(values):
                dates.add(key)
            numbers = _numbers(values)
            if numbers:
                top = max(abs(n) for n in numbers)
                if stacked and trace.type == "bar":
                    tops[key] = tops.get(key, 0.0) + top
                else:
                    tops[key] = max(tops.get(key, 0.0), top)
    for key in dates:
        figure.layout[key].update(tickformat="%m月%d日", hoverformat="%Y年%m月%d日")
    for key, top in tops.items():
        axis = figure.layout[key]
        if top < WAN or key in dates or axis.type in ("category", "date", "log"):
            continue
        if axis.tickformat or axis.tickvals is not None:
            continue
        step = _nice_step(top)
        ticks = [i * step for i in range(int(top // step) + 2)]
        axis.update(tickmode="array", tickvals=ticks, ticktext=[chinese_number(t) for t in ticks])
    return figure
