"""Distribution pages in words a coordinator reads: counts agree with their nouns, and the
same English word gets the Chinese that fits where it stands."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from supply_requests.services import RequestLineInput
from tests.factories import ItemFactory


@pytest.mark.english  # Chinese has one plural form; English shows whether the forms agree.
def test_committing_a_plan_says_line_for_one_and_lines_for_two(
    client, coordinator, site, receive, approved
):
    receive(100)
    first, second = approved(10), approved(10)
    client.force_login(coordinator)

    def commit(items=("n95",), **quantities):
        data = {"plan_item": list(items), "plan_site": site.code}
        for name, quantity in quantities.items():
            key = f"{locals_[name].lines.get().pk}-{site.code}"
            data[f"qty-{key}"] = str(quantity)
            data[f"reason-{key}"] = "两个社区各先发一半"
        response = client.post(reverse("pages:plan_commit"), data)
        return [str(m) for m in get_messages(response.wsgi_request)][-1]

    locals_ = {"first": first, "second": second}
    # One item: its quantity in its own unit (the factory's item counts in 只).
    assert commit(first=5, second=0) == "Reserved 5 只 of 医用防护口罩 on 1 request line."
    assert commit(first=5, second=5) == "Reserved 10 只 of 医用防护口罩 on 2 request lines."

    # Two items: masks and pairs of gloves are not added together.
    gloves = ItemFactory(code="gloves", name_zh="手套", base_unit="副")
    receive(50, lot_item=gloves)
    locals_["third"] = approved(10, lines=[RequestLineInput(item=gloves, quantity=10)])
    locals_["fourth"] = approved(10)
    assert (
        commit(("n95", "gloves"), second=0, third=10, fourth=10)
        == "Reserved stock of 2 items on 2 request lines."
    )


def test_from_and_to_are_translated_for_what_they_label(client, coordinator, planned):
    _request, shipment = planned
    client.force_login(coordinator)
    chinese = {"headers": {"Accept-Language": "zh-hans"}}
    waybill = client.get(reverse("pages:shipment", args=[shipment.pk]), **chinese)
    assert "发货方" in waybill.text and "收货方" in waybill.text
    transfer = client.get(reverse("pages:transfer"), **chinese)
    assert "调出仓库" in transfer.text and "调入仓库" in transfer.text
    dashboard = client.get(reverse("dashboards:coordinator"), **chinese)
    assert "起始日期" in dashboard.text and "截止日期" in dashboard.text


def test_the_dispatch_board_counts_lines_and_items_never_adds_quantities(
    client, coordinator, site, receive, approved, allocate
):
    receive(100)
    allocate(approved(30), 30)
    allocate(approved(40), 40)
    client.force_login(coordinator)
    html = client.get(reverse("pages:dispatch"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 lines reserved; items: 1" in html
    # 30 + 40 appears nowhere as a number (a page token may hold the digits "70").
    assert not re.search(r"\b70\b", html)
