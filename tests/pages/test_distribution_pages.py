"""Distribution pages in words a coordinator reads: counts agree with their nouns, and the
same English word gets the Chinese that fits where it stands."""

from django.contrib.messages import get_messages
from django.urls import reverse


def test_committing_a_plan_says_line_for_one_and_lines_for_two(
    client, coordinator, site, receive, approved
):
    receive(100)
    first, second = approved(10), approved(10)
    client.force_login(coordinator)

    def commit(**quantities):
        data = {"plan_item": "n95", "plan_site": site.code}
        for name, quantity in quantities.items():
            key = f"{locals_[name].lines.get().pk}-{site.code}"
            data[f"qty-{key}"] = str(quantity)
            data[f"reason-{key}"] = "两个社区各先发一半"
        response = client.post(reverse("pages:plan_commit"), data)
        return [str(m) for m in get_messages(response.wsgi_request)][-1]

    locals_ = {"first": first, "second": second}
    assert commit(first=5, second=0) == "Reserved 5 units on 1 request line."
    assert commit(first=5, second=5) == "Reserved 10 units on 2 request lines."


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
