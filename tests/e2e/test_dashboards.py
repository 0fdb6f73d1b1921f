"""The dashboards in headless Chromium on the demo world: every figure draws its traces from
our own plotly.min.js, the filters live in the URL, figures refresh every minute without a
reload, and the CSV and PNG downloads work. One screenshot per page in artifacts/e2e/."""

import csv
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboards.registry import COORDINATOR_PAGE, STOCK_PAGE, UNIT_PAGE
from tests.e2e.conftest import sign_in

ALL_DRAWN = """() => {
    const sections = [...document.querySelectorAll('.figure[data-src]')];
    return sections.length > 0 && sections.every(s => Number(s.dataset.drawn || 0) >= 1);
}"""
TRACES = """() => [...document.querySelectorAll('.figure[data-src]')].map(section => {
    const plot = section.querySelector('.js-plotly-plot');
    return [section.dataset.name, plot && plot.data ? plot.data.length : 0];
})"""


def open_dashboard(new_page, user: str, path: str, **options):
    """Sign in, open the page, and wait until every figure has been drawn once."""
    page = new_page(**options)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, user)
    page.goto(path)
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    return page, requested


def assert_every_figure_drew(page, names: list[str]) -> None:
    traces = page.evaluate(TRACES)
    assert [name for name, _count in traces] == names
    assert all(count > 0 for _name, count in traces), traces
    assert page.locator(".figure.is-error").count() == 0


def assert_only_local(page, requested: list[str]) -> None:
    assert page.js_errors == []
    assert requested and all(url.startswith("http://127.0.0.1:") for url in requested), [
        url for url in requested if not url.startswith("http://127.0.0.1:")
    ]


def test_the_coordinator_dashboard_tells_the_story_of_the_last_fortnight(new_page, screenshot):
    page, requested = open_dashboard(new_page, "coordinator", "/dashboards/", language="en")
    assert_every_figure_drew(page, COORDINATOR_PAGE)
    # The demo story ends today: the page shows the last fortnight, not 2020.
    period = page.locator(".period").inner_text()
    assert str(dt.datetime.now(ZoneInfo("Asia/Shanghai")).year) in period and "2020" not in period
    assert page.locator(".period .notice").count() == 0  # not a quiet archive any more
    open_requests = page.evaluate(
        "() => document.querySelector('#figure-kpis .js-plotly-plot').data[0].value"
    )
    assert open_requests > 0
    heatmap = page.evaluate(
        "() => document.querySelector('#figure-coverage .js-plotly-plot').data[0].z.length"
    )
    assert heatmap > 10  # served units waiting and served
    screenshot(page, "dashboards-coordinator")
    assert_only_local(page, requested)
    assert any("/dashboards/plotly.min.js" in url or "vendor/plotly" in url for url in requested)


def test_the_stock_dashboard_for_staff(new_page, screenshot):
    page, requested = open_dashboard(new_page, "staff", "/dashboards/stock/")
    assert_every_figure_drew(page, STOCK_PAGE)
    screenshot(page, "dashboards-stock")
    assert_only_local(page, requested)


def test_a_community_workers_unit_page_on_a_phone(new_page, screenshot):
    """Issue 22: the key numbers come as text; no Plotly until a chart is opened, then the
    basic bundle for charts of bars only and the full one for the others."""
    page = new_page(phone=True)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, "worker")
    page.goto("/dashboards/")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/dashboards/units/\d+/$", page.url)
    assert page.locator("h1").inner_text() == "玉林北路社区"
    numbers = page.locator(".key-numbers").inner_text()
    assert "未完成申请" in numbers and "在途配送单" in numbers
    assert int(page.locator(".key-numbers dd").first.inner_text()) > 0
    screenshot(page, "dashboards-unit-phone-closed")
    assert not any("plotly" in url for url in requested)
    assert not any("/dashboards/figures/" in url for url in requested)

    page.locator("details.chart[data-chart=unit-progress] > summary").click()
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    assert any("plotly-basic" in url for url in requested)
    assert not any("vendor/plotly.min.js" in url for url in requested)
    for name in UNIT_PAGE:
        if name != "unit-progress":
            page.locator(f"details.chart[data-chart={name}] > summary").click()
    # A chart starts loading on its <details> "toggle" event, which fires after the click
    # returns: wait for all of them to have started and drawn, not only those started so far.
    page.wait_for_function(
        f"() => document.querySelectorAll('.figure[data-src]').length === {len(UNIT_PAGE)}",
        timeout=30_000,
    )
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    assert_every_figure_drew(page, UNIT_PAGE)
    assert any("vendor/plotly.min.js" in url for url in requested)  # heatmap, histogram
    screenshot(page, "dashboards-unit-phone")
    assert_only_local(page, requested)
    refused = page.goto("/dashboards/stock/")  # a community worker holds no stock
    assert refused.status == 403
    assert page.locator(".figure").count() == 0


def test_filters_are_kept_in_the_url_and_reach_every_figure(new_page, screenshot):
    # The demo story's last nine days end today (`load_demo` tells it with today as its end).
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the server's TIME_ZONE
    date_from = (today - dt.timedelta(days=8)).isoformat()
    query = f"category=protective&date_from={date_from}&date_to={today.isoformat()}"
    page, requested = open_dashboard(new_page, "coordinator", f"/dashboards/?{query}")
    assert page.input_value("select[name=category]") == "protective"
    assert page.input_value("input[name=date_from]") == date_from
    figure_requests = [url for url in requested if "/dashboards/figures/" in url]
    assert len(figure_requests) == len(COORDINATOR_PAGE)
    assert all(url.endswith(f".json?{query}") for url in figure_requests), figure_requests
    legend = page.evaluate(
        "() => document.querySelector('#figure-stock-over-time .js-plotly-plot').data"
        ".filter(t => t.type === 'scatter').map(t => t.name)"
    )
    assert legend and "大米" not in legend  # rice is not protective equipment

    # Choosing in the form puts the choice in the URL, so the view can be shared.
    page.select_option("select[name=category]", "medicine")
    page.click(".filters button[type=submit]")
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    assert "category=medicine" in page.url and f"date_from={date_from}" in page.url
    screenshot(page, "dashboards-filtered")
    assert page.js_errors == []


def test_figures_refresh_every_minute_without_reloading(new_page):
    page = new_page()
    page.clock.install()
    sign_in(page, "coordinator")
    page.goto("/dashboards/stock/")
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    page.evaluate("() => { window.sameDocument = true; }")
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/dashboards/figures/" in r.url else 0)
    page.clock.run_for(61_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.figure')].every(s => s.dataset.drawn === '2')",
        timeout=30_000,
    )
    assert len(fetched) == len(STOCK_PAGE)
    assert page.evaluate("() => window.sameDocument") is True  # no reload happened
    assert_every_figure_drew(page, STOCK_PAGE)


def test_every_figure_downloads_as_csv_and_plotly_exports_png(new_page):
    page, _requested = open_dashboard(new_page, "coordinator", "/dashboards/", language="en")
    with page.expect_download() as download:
        page.click("#figure-coverage a.csv")
    assert re.fullmatch(r"coverage-\d{8}-\d{8}\.csv", download.value.suggested_filename)
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["District", "Street", "Served unit"]
    assert len(rows) > 10

    page.hover("#figure-deliveries .js-plotly-plot")
    with page.expect_download() as png:
        page.click("#figure-deliveries .modebar-btn[data-title='Download plot as a PNG']")
    assert png.value.suggested_filename == "deliveries.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.js_errors == []


def swipe(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A finger drawn across the screen (touch events, as a phone sends them)."""
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, *point: float) -> None:
        points = [{"x": point[0], "y": point[1]}] if point else []
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", *start)
    for step in range(1, 9):
        touch("touchMove", *(a + (b - a) * step / 8 for a, b in zip(start, end, strict=True)))
        page.wait_for_timeout(30)
    touch("touchEnd")
    page.wait_for_timeout(300)


def test_a_swipe_over_a_chart_on_a_phone_scrolls_it_and_does_not_zoom(new_page, screenshot):
    """The deliveries chart has three panels side by side, wider than a phone: a worker swipes
    to see the other two. Plotly's drag-to-zoom used to take the swipe (the histogram zoomed,
    the other panels stayed out of sight); on a touch screen dragging is off."""
    page = new_page(phone=True)
    sign_in(page, "worker")
    page.goto("/dashboards/")
    page.locator("details.chart[data-chart=deliveries] > summary").click()
    page.wait_for_function("() => document.querySelectorAll('.figure[data-src]').length === 1")
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    card = page.locator("#figure-deliveries")
    card.scroll_into_view_if_needed()
    plot = card.locator(".js-plotly-plot").bounding_box()
    assert plot["width"] > 375  # wider than the phone: it must scroll
    middle = plot["y"] + plot["height"] / 2
    swipe(page, (300, middle), (60, middle))
    assert card.evaluate("card => card.scrollLeft") > 100
    axis = card.evaluate("card => card.querySelector('.js-plotly-plot')._fullLayout.xaxis")
    assert axis["autorange"] is True  # not zoomed
    screenshot(page, "dashboards-unit-phone-swiped")
    # Up and down, the page scrolls as anywhere else (the finger drawn down: back up).
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 200
    swipe(page, (200, middle - 100), (200, middle + 150))
    assert page.evaluate("() => window.scrollY") < scrolled


def test_at_a_desk_dragging_a_chart_still_zooms(new_page):
    page, _requested = open_dashboard(new_page, "coordinator", "/dashboards/")
    mode = page.evaluate(
        "() => document.querySelector('#figure-deliveries .js-plotly-plot')._fullLayout.dragmode"
    )
    assert mode == "zoom"
