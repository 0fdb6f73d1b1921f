"""The needs board: what publishing organisations' units still need, to anyone, in Chinese
first; nothing about people; filters in the URL; cached; a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public.services import publication_set
from supply_requests.services import RequestLineInput, request_create, request_submit
from tests.factories import ItemFactory, ServedUnitFactory, UnitMembershipFactory, UserFactory

NEEDS = reverse("public:needs")


def test_needs_board_in_chinese_for_anyone(client, world):
    page = client.get(NEEDS).content.decode()
    assert "玉林北路社区" in page and "武侯区" in page
    assert "60 / 100 只" in page  # delivered against needed
    assert "数量待定" in page  # the gloves nobody has counted yet: never "1"
    assert "医用防护口罩" in page
    assert "我能捐赠" in page  # "I can give this"


def test_needs_board_shows_nothing_of_people_or_unpublished_organisations(client, world, worker):
    page = client.get(NEEDS).content.decode()
    for private in ("秘密社区", "王主任", "13900000000", worker.username, "张三", "800"):
        assert private not in page, private


def test_needs_board_filters_by_district_and_item_in_the_url(client, world, gloves):
    page = client.get(NEEDS, {"item": "gloves"}).content.decode()
    assert "玉林南路社区" in page and "玉林北路社区" not in page
    assert 'value="gloves" selected' in page
    other = ServedUnitFactory(code="jinjiang", name="锦江区", kind="district")
    page = client.get(NEEDS, {"district": other.pk}).content.decode()
    assert "玉林" not in page and "此处暂无待满足的需求" in page


@pytest.mark.english
def test_needs_board_in_english(client, world):
    page = client.get(NEEDS, {"lang": "en"}).content.decode()
    assert "What is needed now" in page and "quantity to be decided" in page
    assert "N95 mask" in page and "Wuhou" in page


def test_ranked_by_unmet_need_per_person_met_greyed(client, world, approved, allocate, receive):
    from public.selectors import needs_board

    needs = needs_board()
    assert [n.served_unit for n in needs][:2] == ["玉林南路社区", "玉林北路社区"]  # unknown first
    assert not any(n.met for n in needs)
    assert all(n.longest for n in needs)  # fewer than three wait: each is among the longest


def test_switched_off_organisation_disappears(client, world, staff, organisation):
    publication_set(actor=staff, organisation=organisation, published=False)
    client.get(NEEDS)  # the cached page may stay for up to a minute …
    from tests.public.conftest import forget_pages

    forget_pages()  # … after which the board is read again
    page = client.get(NEEDS).content.decode()
    assert "玉林" not in page


def test_page_is_cached_per_filter(client, world):
    client.get(NEEDS, {"item": "n95"})
    with CaptureQueriesContext(connection) as cached:
        again = client.get(NEEDS, {"item": "n95"})
    assert len(cached) == 0 and "玉林北路社区" in again.content.decode()
    with CaptureQueriesContext(connection) as other_filter:
        client.get(NEEDS, {"item": "gloves"})
    assert len(other_filter) > 0
    assert again["Cache-Control"] == "max-age=60"
    from public.pages import forget_local_pages

    forget_local_pages()  # another worker: its own copies are empty, the shared cache is not
    with CaptureQueriesContext(connection) as shared:
        elsewhere = client.get(NEEDS, {"item": "n95"})
    assert len(shared) == 0 and elsewhere.content == again.content


def _grow(worker, unit, organisation, times):
    """Add `times` more communities with a waiting request each."""
    for n in range(times):
        community = ServedUnitFactory(code=f"grow-{unit.pk}-{n}-{times}", parent=unit.parent)
        community.organisations.add(organisation)
        someone = UnitMembershipFactory(served_unit=community, user=UserFactory()).user
        item = ItemFactory()
        request = request_create(
            actor=someone, served_unit=community, lines=[RequestLineInput(item=item, quantity=5)]
        )
        request_submit(actor=someone, request=request)


def test_bounded_queries_whatever_the_history(client, world, worker, unit, organisation):
    from tests.public.conftest import forget_pages

    _grow(worker, unit, organisation, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(NEEDS)
    forget_pages()
    _grow(worker, unit, organisation, 30)
    with CaptureQueriesContext(connection) as large:
        page = client.get(NEEDS).content.decode()
    assert page.count('class="need') >= 35
    assert len(large) == len(small), [q["sql"] for q in large]


def test_cache_keeps_each_language_apart(client, world):
    chinese = client.get(NEEDS, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    english = client.get(NEEDS, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    again = client.get(NEEDS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "当前急需" in chinese and "What is needed now" in english
    assert again == chinese
