"""Issue 19: the cheaper reads behind the figures give the same answers — groups named after
grouping by ids, the directory of the visible units and their ancestors only, and the
figure JSON written without plotly's encoder."""

import datetime as dt
import json
import math
from decimal import Decimal

from dashboards.figures import plain
from dashboards.figures.common import figure_json
from dashboards.selectors import base_scope, coverage, narrow, unit_progress
from inventory.models import ItemCategory
from supply_requests.models import RequestStatus, SupplyRequest, SupplyRequestLine
from tests.dashboards.conftest import at
from tests.factories import ItemFactory, ServedUnitFactory


def _request(world, lines: list[tuple]) -> None:
    """A request of the north community decided on 30 Jan, its lines
    (item, approved, delivered) as given."""
    request = SupplyRequest.objects.create(
        served_unit=world.tree.north,
        requested_by=world.worker,
        status=RequestStatus.IN_FULFILMENT,
        submitted_at=at(30, 9),
        decided_at=at(30, 10),
    )
    for item, approved, delivered in lines:
        SupplyRequestLine.objects.create(
            request=request,
            item=item,
            quantity_requested=max(approved, 1),
            quantity_approved=approved,
            quantity_allocated=approved,
            quantity_dispatched=delivered,
            quantity_delivered=delivered,
        )


def test_coverage_adds_a_categorys_items_line_by_line(world):
    """Grouped by unit and item first, then by category: the counts add up and the fill rate
    is still the mean over the category's approved lines, not the mean of item means."""
    gloves = ItemFactory(code="gloves", name_zh="手套", category=ItemCategory.PROTECTIVE)
    _request(world, [(gloves, 10, 5), (world.rice, 0, 0)])
    _request(world, [(gloves, 4, 0)])
    scope = narrow(base_scope(world.coordinator), date_from=dt.date(2020, 1, 18))
    cells = {(c.unit.name, c.category): c for c in coverage(scope)}
    protective = cells[("玉林北路社区", ItemCategory.PROTECTIVE)]
    # The masks line of the story (300 of 300), and the two gloves lines (5 of 10, 0 of 4).
    assert (protective.lines, protective.lines_approved, protective.lines_delivered_in_full) == (
        3,
        3,
        1,
    )
    assert math.isclose(protective.fill_rate, round((1.0 + 0.5 + 0.0) / 3, 4))
    rice = cells[("玉林北路社区", ItemCategory.ISOLATION_NECESSITY)]
    assert (rice.lines, rice.lines_approved, rice.fill_rate) == (1, 0, None)


def test_unit_progress_names_each_item_once_with_its_sums(world):
    gloves = ItemFactory(code="gloves", name_zh="手套", name_en="Gloves")
    _request(world, [(gloves, 10, 5)])
    _request(world, [(gloves, 4, 0)])
    scope = narrow(base_scope(world.worker), unit_id=world.tree.north.pk)
    progress = {p.item.pk: p for p in unit_progress(scope)}
    row = progress[gloves.pk]
    assert (row.item.name_zh, row.item.name_en, row.item.category, row.item.base_unit) == (
        "手套",
        "Gloves",
        gloves.category,
        gloves.base_unit,
    )
    assert (row.requested, row.approved, row.allocated, row.dispatched, row.delivered) == (
        14,
        14,
        14,
        5,
        5,
    )
    assert progress[world.masks_item.pk].delivered == 300


def test_the_directory_holds_the_visible_units_and_the_units_above_them_only(world):
    elsewhere = ServedUnitFactory(code="jinjiang", name="锦江区")
    below_elsewhere = ServedUnitFactory(code="jinjiang-1", name="锦江一社区", parent=elsewhere)
    worker = base_scope(world.worker).directory
    tree = world.tree
    assert set(worker.nodes) == {tree.district.pk, tree.street.pk, tree.north.pk}
    assert worker.visible == {tree.north.pk}
    assert [node.name for node in worker.chain(tree.north.pk)] == [
        "武侯区",
        "玉林街道",
        "玉林北路社区",
    ]
    assert worker.subtree(tree.district.pk) & worker.visible == {tree.north.pk}
    coordinator = base_scope(world.coordinator).directory
    assert {tree.district.pk, tree.street.pk, tree.north.pk, tree.east.pk} <= set(coordinator.nodes)
    assert not {elsewhere.pk, below_elsewhere.pk} & set(coordinator.nodes)
    assert [d.name for d in coordinator.districts()] == ["武侯区"]


def test_nobody_without_units_gets_an_empty_directory(stranger):
    directory = base_scope(stranger).directory
    assert (directory.nodes, directory.visible) == ({}, frozenset())


def test_figure_json_writes_dates_decimals_and_no_nan_and_escapes_shared_labels():
    names = ["<b>Rice</b>", "Masks & gloves"]
    figure = plain.Figure()
    for site in ("A", "B"):
        figure.add_trace(
            plain.Bar(
                name=site,
                y=names,  # the same list in both traces, as the stock figure's axis
                x=[Decimal("1.5"), 2],
                customdata=[[site, "<i>"], [site, 1]],
                hovertemplate="%{y}<br>%{x}<extra></extra>",
            )
        )
    figure.add_trace(plain.Scatter(x=[dt.date(2020, 1, 28), dt.datetime(2020, 1, 29, 8)], y=[1, 2]))
    body = json.loads(figure_json(figure))
    first, second, line = body["data"]
    assert first["y"] == second["y"] == ["&lt;b&gt;Rice&lt;/b&gt;", "Masks &amp; gloves"]
    assert first["customdata"] == [["A", "&lt;i&gt;"], ["A", 1]]
    assert first["hovertemplate"] == "%{y}<br>%{x}<extra></extra>"
    assert first["x"] == [1.5, 2]
    assert line["x"] == ["2020-01-28", "2020-01-29T08:00:00"]
    assert names == ["<b>Rice</b>", "Masks & gloves"]  # the figure itself is left as it was
    # Strict JSON for the browser: not-a-number is written as null, as plotly writes it.
    with_nan = plain.Figure(plain.Scatter(x=[1, 2], y=[float("nan"), 1.0]))
    assert json.loads(figure_json(with_nan))["data"][0]["y"] == [None, 1.0]
