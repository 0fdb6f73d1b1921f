"""A figure's JSON is kept for the refresh interval per reader and filters (issue 19): the
next refresh of an open dashboard reads no data, and nobody is given a figure drawn for
someone else or for other filters."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.services import DonationLineInput, donation_receive
from tests.dashboards.conftest import at, travel

STOCK = reverse("dashboards:figure-json", args=["stock"])


@pytest.fixture(autouse=True)
def figures_cached(settings):
    settings.DASHBOARD_FIGURE_CACHE_SECONDS = 60


def get(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return json.loads(response.content), len(queries)


def bar_names(figure: dict) -> set[str]:
    """Every label on the figure's y axes (a multi-category axis nests them)."""

    def flat(values):
        for value in values:
            yield from flat(value) if isinstance(value, list) else [str(value)]

    return {name for trace in figure["data"] for name in flat(trace.get("y", []))}


def test_a_refresh_within_the_interval_reads_only_the_session(client, world):
    client.force_login(world.coordinator)
    first, first_queries = get(client, STOCK)
    again, again_queries = get(client, STOCK)
    assert again == first
    assert "Rice" in bar_names(first)
    # The session and the user: no roles, sites, window or stock read.
    assert again_queries <= 2 < first_queries


def test_what_changed_shows_once_the_interval_is_over(client, world, settings):
    client.force_login(world.coordinator)
    before, _queries = get(client, STOCK)
    with travel(at(31, 17)):
        donation_receive(
            actor=world.staff,
            site=world.site,
            donor="new donor",
            received_at=at(31, 17).date(),
            lines=[DonationLineInput(item=world.rice, quantity=5)],
        )
    cached, _queries = get(client, STOCK)
    assert cached == before
    settings.DASHBOARD_FIGURE_CACHE_SECONDS = 0  # as when the interval is over
    from django.core.cache import cache

    cache.clear()
    after, _queries = get(client, STOCK)
    assert after != before


def test_each_reader_and_each_filter_has_its_own_figure(client, world, other_coordinator):
    client.force_login(world.coordinator)
    ours, _queries = get(client, STOCK)
    protective, _queries = get(client, f"{STOCK}?category=protective")
    assert protective != ours
    client.force_login(other_coordinator)
    theirs, _queries = get(client, STOCK)
    assert theirs != ours
    assert "Rice" in bar_names(ours) and "Rice" not in bar_names(protective)
    assert "Rice" not in bar_names(theirs)
