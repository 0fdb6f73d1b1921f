"""The figure builders are pure: plain rows in, a Plotly figure out — no database."""

import datetime as dt

from django.utils import translation

from dashboards import figures
from dashboards.figures.common import BAD, GOOD, NEUTRAL
from dashboards.selectors import (
    CoverageCell,
    Delivery,
    ExpiryLine,
    Gift,
    ItemRef,
    RequestProgress,
    StockDay,
    StockLine,
    Summary,
    UnitNode,
    UnitStatus,
)

MASK = ItemRef(1, "医用防护口罩", "N95 mask", "protective", "只")
RICE = ItemRef(2, "大米", "Rice", "isolation_necessity", "千克")
DISTRICT = UnitNode(1, None, "武侯区", "Wuhou District", "district")
STREET = UnitNode(2, 1, "玉林街道", "Yulin Sub-district", "street")
NOTE = "Nothing to show for these filters."


def units(count: int) -> list[UnitNode]:
    return [UnitNode(10 + n, 2, f"社区{n}", "", "community") for n in range(count)]


def notes(figure) -> list[str]:
    return [a.text for a in figure.layout.annotations]


def test_kpi_tiles_show_the_six_numbers():
    summary = Summary(dt.date(2020, 2, 9), 10, 4, 0.3904, 9285, 3625, 1, 774, 120)
    figure = figures.kpi_tiles(summary)
    assert [t.type for t in figure.data] == ["indicator"] * 6
    # Expired stock is its own tile, in the alarm colour (issue 14).
    assert [t.value for t in figure.data] == [10, 4, 39, 1, 774, 120]
    assert figure.data[5].number.font.color == BAD
    assert "3,625 of 9,285 approved" in figure.data[2].title.text
    assert figure.data[1].number.font.color == BAD  # units waiting more than 48 hours
    quiet = figures.kpi_tiles(Summary(dt.date(2020, 2, 9), 0, 0, None, 0, 0, 0, 0, 0))
    assert "nothing approved this week" in quiet.data[2].title.text
    assert quiet.data[1].number.font.color == GOOD


def test_stock_on_hand_stacks_sites_and_colours_days_of_cover():
    lines = [
        StockLine(1, "Wuhou", MASK, on_hand=1190, reserved=100, dispatched_14d=300),
        StockLine(2, "Gaoxin", MASK, on_hand=10, reserved=0, dispatched_14d=70),
        StockLine(2, "Gaoxin", RICE, on_hand=200, reserved=0, dispatched_14d=0),
    ]
    figure = figures.stock_on_hand_figure(lines)
    sites, cover = figure.data[:2], figure.data[2]
    assert [t.name for t in sites] == ["Gaoxin", "Wuhou"]
    assert list(sites[1].y[1]) == ["N95 mask", "Rice"]  # item level of the two-level axis
    assert list(sites[1].x) == [1190, 0] and list(sites[0].x) == [10, 200]
    # Masks over both sites: 1,200 ÷ (370 ÷ 14) = 45.4 days; rice was never dispatched.
    assert list(cover.text) == ["45.4", "no dispatch"]
    assert list(cover.marker.color) == [GOOD, NEUTRAL]
    assert NOTE in notes(figures.stock_on_hand_figure([]))


def test_stock_over_time_draws_on_hand_and_movements_per_category_or_item():
    days = [
        StockDay(dt.date(2020, 1, 28), MASK, 1500, 0, 0, 1500),
        StockDay(dt.date(2020, 1, 29), MASK, 0, 300, 0, 1200),
        StockDay(dt.date(2020, 1, 28), RICE, 200, 0, 0, 200),
        StockDay(dt.date(2020, 1, 29), RICE, 0, 0, 0, 200),
    ]
    figure = figures.stock_over_time_figure(days, by_item=False)
    lines = [t for t in figure.data if t.type == "scatter"]
    assert [t.name for t in lines] == ["Home-isolation necessities", "Protective equipment"]
    assert list(lines[1].y) == [1500, 1200]
    bars = {t.name: list(t.y) for t in figure.data if t.type == "bar"}
    assert bars["Protective equipment · received"] == [1500, 0]
    assert bars["Protective equipment · dispatched"] == [0, -300]  # drawn downwards
    by_item = figures.stock_over_time_figure(days, by_item=True)
    assert [t.name for t in by_item.data if t.type == "scatter"] == ["N95 mask", "Rice"]


def test_stock_over_time_sums_the_smaller_items_beyond_eight():
    items = [ItemRef(n, f"物品{n}", f"Item {n}", "protective", "只") for n in range(10)]
    days = [StockDay(dt.date(2020, 1, 28), item, 0, 0, 0, 100 + item.pk) for item in items]
    figure = figures.stock_over_time_figure(days, by_item=True)
    names = [t.name for t in figure.data if t.type == "scatter"]
    assert names[:2] == ["Item 9", "Item 8"] and names[-1] == "Other items"
    assert len(names) == 9
    assert list(figure.data[-3].y) == [101 + 100]  # items 1 and 0


def test_expiry_horizon_has_one_trace_per_bucket():
    lines = [
        ExpiryLine(MASK, bucket, q)
        for bucket, q in [("expired", 0), ("0-30", 690), ("31-90", 0), ("90+", 500)]
    ]
    figure = figures.expiry_figure(lines)
    assert [t.name for t in figure.data] == [
        "Already expired",
        "0–30 days",
        "31–90 days",
        "More than 90 days",
    ]
    assert [list(t.x) for t in figure.data] == [[0], [690], [0], [500]]


def test_coverage_colours_fill_rate_and_makes_the_longest_waits_stand_out():
    people = units(7)
    cells = [
        CoverageCell(unit, DISTRICT, STREET, "protective", 100, 100, 50 * (n % 3), float(10 * n))
        for n, unit in enumerate(people)
    ] + [CoverageCell(people[0], DISTRICT, STREET, "medicine", 10, 0, 0, 0.0)]
    figure = figures.coverage_figure(cells)
    heatmap, waits = figure.data
    assert list(heatmap.x) == ["Medicines", "Protective equipment"]
    assert list(heatmap.y[0]) == ["Wuhou District · Yulin Sub-district"] * 7
    assert list(heatmap.z[0]) == [None, 0.0]  # nothing approved yet: no colour, not 0 %
    assert list(heatmap.z[1]) == [None, 0.5]
    assert heatmap.zmin == 0 and heatmap.zmax == 1
    # The five longest waits (60, 50, 40, 30, 20 hours) are red and labelled.
    assert [c == BAD for c in waits.marker.color] == [False, False, True, True, True, True, True]
    assert list(waits.text) == ["", "", "20 h", "30 h", "40 h", "50 h", "60 h"]
    assert NOTE in notes(figures.coverage_figure([]))
    assert NOTE not in notes(figure)


def test_delivery_performance_lead_times_medians_and_needed_by_share():
    def delivery(n, hours, needed_by):
        submitted = dt.datetime(2020, 1, 29, 10, tzinfo=dt.UTC)
        return Delivery(
            n,
            n,
            units(1)[0],
            DISTRICT,
            submitted,
            submitted + dt.timedelta(hours=hours),
            needed_by,
            10,
        )

    deliveries = [
        delivery(1, 24, dt.date(2020, 1, 31)),
        delivery(2, 72, dt.date(2020, 1, 31)),
        delivery(3, 48, None),
    ]
    histogram, medians, share = figures.delivery_figure(deliveries).data
    assert list(histogram.x) == [1.0, 3.0, 2.0]
    assert list(medians.x) == ["Wuhou District"] and list(medians.y) == [2.0]
    assert list(share.labels) == ["On time", "Late", "No date asked"]
    assert list(share.values) == [1, 1, 1]


def test_donation_flow_goes_donor_to_organisation_to_district_and_lost_goods_apart():
    north, east = units(2)
    gifts = [
        Gift(1, "成都市慈善总会", 1, "中心", "Centre", north, DISTRICT, arrived=300, lost=20),
        Gift(None, "", 1, "中心", "Centre", east, DISTRICT, arrived=50, lost=0),
    ]
    (sankey,) = figures.donation_flow_figure(gifts, to_units=False).data
    labels = list(sankey.node.label)
    assert labels == [
        "成都市慈善总会",
        "Donor not recorded",
        "Centre",
        "Wuhou District",
        "Lost or damaged on the way",
    ]
    links = {
        (labels[s], labels[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }
    assert links == {
        ("成都市慈善总会", "Centre"): 320,
        ("Donor not recorded", "Centre"): 50,
        ("Centre", "Wuhou District"): 350,
        ("Centre", "Lost or damaged on the way"): 20,
    }
    (to_units,) = figures.donation_flow_figure(gifts, to_units=True).data
    assert {"社区0", "社区1"} <= set(to_units.node.label)
    # plotly.js fails on a Sankey without nodes: an empty period is a note, not a trace.
    empty = figures.donation_flow_figure([], to_units=False)
    assert empty.data == () and notes(empty) == [NOTE]


def test_a_units_tiles_and_progress():
    tiles = figures.unit_tiles(UnitStatus(2, 61.0, 0.5, 600, 300, 1))
    assert [t.value for t in tiles.data] == [2, 61.0, 50, 1]
    progress = figures.unit_progress_figure([RequestProgress(MASK, 300, 300, 300, 200, 100)])
    assert [(t.name, list(t.x)) for t in progress.data] == [
        ("Requested", [300]),
        ("Approved", [300]),
        ("Dispatched", [200]),
        ("Delivered", [100]),
    ]


def test_labels_are_chinese_for_a_chinese_reader():
    lines = [StockLine(1, "武侯区物资仓库", MASK, 10, 0, 0)]
    with translation.override("zh-hans"):
        figure = figures.stock_on_hand_figure(lines)
        cell = CoverageCell(STREET, DISTRICT, STREET, "protective", 1, 1, 1, None)
        coverage = figures.coverage_figure([cell])
    assert list(figure.data[0].y[0]) == ["防护用品"]
    assert list(figure.data[0].y[1]) == ["医用防护口罩"]
    assert list(coverage.data[0].y[1]) == ["玉林街道"]
    with translation.override("en"):
        assert list(figures.coverage_figure([cell]).data[0].y[1]) == ["Yulin Sub-district"]
