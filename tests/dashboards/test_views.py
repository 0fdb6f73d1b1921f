"""The dashboard pages and figure endpoints: each reader sees hers, an outsider nothing;
filters live in the URL; every figure comes as Plotly JSON and as CSV."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from dashboards.registry import COORDINATOR_PAGE, FIGURES, STOCK_PAGE, UNIT_PAGE
from inventory.models import Donor
from tests.dashboards.conftest import DONOR

FILTERS = "category=protective&date_from=2020-01-20&date_to=2020-01-31"


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def figure_url(name: str, ext: str = "json", query: str = "") -> str:
    url = reverse(f"dashboards:figure-{ext}", args=[name])
    return f"{url}?{query}" if query else url


def get(client, url, **headers):
    return client.get(url, headers={"Accept-Language": "en", **headers})


def drawn_figures(response) -> list[str]:
    """The figures a page has a place for, in page order."""
    return re.findall(r'id="figure-([a-z-]+)"', response.content.decode())


def text_of(response) -> str:
    """A figure's body as readable text: JSON escapes Chinese as \\uXXXX, which a plain
    `in` over the bytes would never find."""
    if response["Content-Type"] == "application/json":
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode("utf-8-sig")


def test_the_coordinator_dashboard_shows_all_its_figures_and_the_2020_story(as_user, world):
    response = get(as_user(world.coordinator), reverse("dashboards:coordinator"))
    assert response.status_code == 200
    assert drawn_figures(response) == COORDINATOR_PAGE
    html = response.content.decode()
    assert "Nothing you can see has moved in the last 14 days" in html
    assert "Show the last 14 days instead" in html
    assert "plotly.min.js" in html and "dashboards/dashboards.js" in html


def test_staff_get_the_stock_dashboard(as_user, world):
    client = as_user(world.staff)
    assert get(client, reverse("dashboards:coordinator")).url == reverse("dashboards:stock")
    response = get(client, reverse("dashboards:stock"))
    assert response.status_code == 200
    assert drawn_figures(response) == STOCK_PAGE


def test_a_community_worker_gets_her_units_page_and_nothing_else(as_user, world):
    client = as_user(world.worker)
    north = reverse("dashboards:unit", args=[world.tree.north.pk])
    assert get(client, reverse("dashboards:coordinator")).url == north
    response = get(client, north)
    assert response.status_code == 200
    assert drawn_figures(response) == UNIT_PAGE
    assert get(client, reverse("dashboards:stock")).status_code == 403
    for unit in (world.tree.east, world.tree.street, world.tree.district):
        assert get(client, reverse("dashboards:unit", args=[unit.pk])).status_code == 404
    assert get(client, reverse("dashboards:unit", args=[999_999])).status_code == 404


def test_the_unit_page_lists_the_requests_still_waiting(as_user, world):
    response = get(
        as_user(world.coordinator), reverse("dashboards:unit", args=[world.tree.street.pk])
    )
    html = response.content.decode()
    assert f"#{world.waiting_request.pk}" in html and "玉林东路社区" in html
    assert "Submitted" in html
    assert f"#{world.delivered_request.pk}<" not in html


@pytest.mark.parametrize("page", ["coordinator", "stock"])
def test_anonymous_readers_are_sent_to_sign_in(client, world, page):
    response = client.get(reverse(f"dashboards:{page}"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_refused_every_page_and_figure(as_user, world, stranger):
    client = as_user(stranger)
    assert get(client, reverse("dashboards:coordinator")).status_code == 403
    assert get(client, reverse("dashboards:stock")).status_code == 403
    assert get(client, reverse("dashboards:unit", args=[world.tree.north.pk])).status_code == 404
    for name in FIGURES:
        for ext in ("json", "csv"):
            assert get(client, figure_url(name, ext)).status_code == 403, (name, ext)


def test_anonymous_figure_requests_are_refused(client, world):
    for name in FIGURES:
        assert get(client, figure_url(name)).status_code == 403


def test_staff_of_another_organisation_see_none_of_our_data(as_user, world, outsider):
    client = as_user(outsider)
    page = get(client, reverse("dashboards:stock"))
    assert page.status_code == 200
    for name in STOCK_PAGE:
        for ext in ("json", "csv"):
            response = get(client, figure_url(name, ext, FILTERS))
            assert response.status_code == 200
            body = text_of(response)
            for ours in (
                world.site.name,
                world.other_site.name,
                "N95 mask",
                DONOR,
                "Yulin",
                "玉林",
                "Wuhou",
            ):
                assert ours not in body, (name, ext, ours)
    assert get(client, reverse("dashboards:unit", args=[world.tree.north.pk])).status_code == 404
    assert get(client, figure_url("coverage", query=f"unit={world.tree.north.pk}")).status_code == (
        404
    )
    # Asking for our organisation by id is a bad filter, not a way in.
    ours = world.site.organisation_id
    assert get(client, figure_url("stock", query=f"organisation={ours}")).status_code == 400


def test_a_workers_figures_are_her_units_only(as_user, world, other_worker):
    client = as_user(world.worker)
    for name in ("kpis", "stock", "stock-over-time", "expiry", "donation-flow"):
        assert get(client, figure_url(name)).status_code == 403, name
    north, east = world.tree.north.pk, world.tree.east.pk
    response = get(client, figure_url("coverage", query=f"unit={north}"))
    assert response.status_code == 200
    assert "Yulin North Road Community" in text_of(response)
    assert "玉林东路社区" not in text_of(get(client, figure_url("coverage")))
    assert get(client, figure_url("coverage", query=f"unit={east}")).status_code == 404
    assert get(client, figure_url("coverage", query="unit=north")).status_code == 404
    other = as_user(other_worker)
    assert get(other, figure_url("unit-status", query=f"unit={north}")).status_code == 404


def test_every_figure_is_plotly_json_with_traces(as_user, world):
    client = as_user(world.coordinator)
    for name in FIGURES:
        response = get(client, figure_url(name))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/json"
        assert "no-cache" in response["Cache-Control"]
        figure = json.loads(response.content)
        assert figure["data"], name
        assert figure["layout"]["title"]["text"], name
    assert get(client, figure_url("no-such-figure")).status_code == 404


def test_labels_follow_the_language(as_user, world):
    client = as_user(world.coordinator)
    english = text_of(get(client, figure_url("stock")))
    chinese = text_of(get(client, figure_url("stock"), **{"Accept-Language": "zh-hans"}))
    assert "Protective equipment" in english and "N95 mask" in english
    assert "防护用品" in chinese  # the category, from the Chinese catalogue
    assert "医用防护口罩" in chinese and "N95 mask" not in chinese  # the item's own name


def test_the_filters_are_kept_in_the_url_and_reach_every_figure(as_user, world):
    response = get(as_user(world.coordinator), f"{reverse('dashboards:coordinator')}?{FILTERS}")
    html = response.content.decode()
    for name in COORDINATOR_PAGE:
        assert f"{figure_url(name)}?{FILTERS.replace('&', '&amp;')}" in html
        assert f"{figure_url(name, 'csv')}?{FILTERS.replace('&', '&amp;')}" in html
    assert 'value="2020-01-20"' in html and 'value="protective" selected' in html
    assert "Nothing you can see has moved" not in html  # the dates were chosen
    figure = json.loads(get(as_user(world.coordinator), figure_url("stock", query=FILTERS)).content)
    assert {trace.get("name") for trace in figure["data"]} >= {world.site.name}
    assert "Rice" not in json.dumps(figure) and "大米" not in json.dumps(figure, ensure_ascii=False)


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2020-02-01&date_to=2020-01-01",
        "date_from=yesterday",
        "date_from=2019-01-01&date_to=2020-06-01",
        "category=weapons",
        "organisation=abc",
        "district=999999",
    ],
)
def test_bad_filters_are_refused_by_the_figures_and_shown_on_the_page(as_user, world, query):
    client = as_user(world.coordinator)
    response = get(client, figure_url("coverage", query=query))
    assert response.status_code == 400
    assert response.json()["errors"]
    page = get(client, f"{reverse('dashboards:coordinator')}?{query}")
    assert page.status_code == 200
    assert 'class="errorlist"' in page.content.decode()


def test_every_figure_downloads_as_csv(as_user, world):
    client = as_user(world.coordinator)
    for name in FIGURES:
        response = get(client, figure_url(name, "csv"))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{name}-20200118-20200131.csv"'
        )
        assert response.content.startswith("\ufeff".encode())
    body = get(client, figure_url("coverage", "csv")).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [
        [
            "District",
            "Street",
            "Served unit",
            "Category",
            "Lines asked",
            "Lines approved",
            "Lines delivered in full",
            "Fill rate",
            "Hours waiting",
        ],
        [
            "Wuhou District",
            "Yulin Sub-district",
            "玉林东路社区",
            "Home-isolation necessities",
            "1",
            "0",
            "0",
            "",
            "61.0",
        ],
        [
            "Wuhou District",
            "Yulin Sub-district",
            "Yulin North Road Community",
            "Protective equipment",
            "1",
            "1",
            "1",
            "1.0",
            "",
        ],
    ]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(as_user, world):
    Donor.objects.filter(name=DONOR).update(name='=HYPERLINK("http://x")')
    body = get(as_user(world.coordinator), figure_url("donation-flow", "csv")).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


def test_html_in_names_reaches_no_figure_as_markup(as_user, world):
    """A name with Plotly's HTML subset (a link, bold) is shown as text on every figure."""
    evil = '<a href="https://evil.example">点这里</a><b>x</b>'
    Donor.objects.filter(name=DONOR).update(name=evil)
    from inventory.models import Item, Site

    Item.objects.update(name_zh=evil, name_en=evil)
    Site.objects.update(name=evil)
    client = as_user(world.coordinator)
    for name in FIGURES:
        body = text_of(get(client, figure_url(name)))
        assert "<a href" not in body and "<b>x" not in body, name
    flow = text_of(get(client, figure_url("donation-flow")))
    assert "&lt;a href=" in flow


def test_the_kpi_tiles_keep_their_own_markup(as_user, world):
    """Escaping names must not escape our own words: the fill-rate tile's second line is
    Plotly markup (<br><sub>) and must reach the browser as markup, not as visible tags."""
    import json

    client = as_user(world.coordinator)
    figure = json.loads(text_of(get(client, figure_url("kpis"))))
    titles = [trace["title"]["text"] for trace in figure["data"]]
    assert any("<br><sub>" in title for title in titles)
    assert not any("&lt;" in title for title in titles)
