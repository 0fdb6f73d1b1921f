"""Charts on Chinese pages: Chinese dates and 万/亿 ticks; English pages are left alone."""

import datetime as dt

import plotly.graph_objects as go
import pytest
from django.utils import translation

from dashboards.figures.chinese import chinese_number, localise_for_chinese


@pytest.mark.parametrize(
    ("value", "text"), [(9999, "9999"), (12_000, "1.2万"), (500_000_000, "5亿"), (0, "0")]
)
def test_large_numbers_read_in_wan_and_yi(value, text):
    assert chinese_number(value) == text


def figure():
    days = [dt.date(2020, 1, 28) + dt.timedelta(days=n) for n in range(3)]
    return go.Figure(go.Bar(x=days, y=[100_000, 300_000_000, 500_000_000]))


def test_a_chinese_figure_has_chinese_dates_and_wan_yi_ticks():
    with translation.override("zh-hans"):
        drawn = localise_for_chinese(figure())
    assert drawn.layout.xaxis.tickformat == "%m月%d日"
    assert "5亿" in drawn.layout.yaxis.ticktext
    assert not any("B" in t or "M" in t for t in drawn.layout.yaxis.ticktext)


@pytest.mark.english
def test_an_english_figure_is_unchanged():
    drawn = localise_for_chinese(figure())
    assert drawn.layout.xaxis.tickformat is None and drawn.layout.yaxis.ticktext is None
