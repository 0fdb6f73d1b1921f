"""What coordinators see of the last mile: per community, households by category, reached
in 7 days, the longest wait; a figure ranking communities by unreached vulnerable
households. No names, phones or addresses anywhere."""

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from households.models import Handover
from households.selectors import community_reach
from tests.households.conftest import PERSONAL


def test_reach_counts(register, unit, sibling, sibling_worker, worker, item):
    reached = register()
    register("13900000000", room="402", categories=("low_income",))
    register("13900000001", room="403", categories=("other",))
    register("13700000000", by=sibling_worker, at=sibling, room="707")
    Handover.objects.create(
        household=reached, item=item, quantity=1, handed_over_at=timezone.now(), actor=worker
    )
    rows = {row.unit_id: row for row in community_reach(unit_ids=[unit.pk, sibling.pk])}
    mine = rows[unit.pk]
    assert (mine.households, mine.vulnerable, mine.reached_last_7_days) == (3, 2, 1)
    assert mine.vulnerable_unreached == 1
    assert mine.by_category["low_income"] == 1 and mine.by_category["elderly_alone"] == 1
    assert rows[sibling.pk].vulnerable_unreached == 1
    later = community_reach(unit_ids=[unit.pk], now=timezone.now() + dt.timedelta(days=10))
    assert later[0].longest_wait_days == 10 and later[0].reached_last_7_days == 0


def test_the_coordinator_figure_and_csv_show_counts_only(client, coordinator, register, unit):
    register()
    register("13900000000", room="402", categories=("disability",))
    client.force_login(coordinator)
    page = client.get(reverse("dashboards:coordinator")).content.decode()
    assert "household-reach" in page
    response = client.get(reverse("dashboards:figure-json", args=["household-reach"]))
    figure = json.loads(response.content)
    assert figure["data"][0]["y"] == ["玉林北路社区"] and figure["data"][0]["x"] == [2]
    assert "未走访到的脆弱住户" in figure["layout"]["title"]["text"]
    csv = client.get(reverse("dashboards:figure-csv", args=["household-reach"])).content
    body = response.content.decode() + csv.decode("utf-8-sig")
    for secret in PERSONAL:
        assert secret not in body
    assert "玉林北路社区,2," in csv.decode("utf-8-sig")
