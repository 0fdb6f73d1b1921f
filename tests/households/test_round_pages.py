"""The round and handover pages in Chinese: plan, walk door to door (double taps), close."""

import pytest
from django.urls import reverse

from households.models import Handover, Outcome, Round, RoundStop
from tests.households.conftest import PERSONAL, PHONE


def test_worker_plans_a_round_on_the_page(client, worker, delivered, two_doors, volunteer, item):
    client.force_login(worker)
    page = client.get(reverse("pages:round_new")).content.decode()
    assert "安排入户" in page and "volunteer" in page and "3栋 2单元 401室" in page
    response = client.post(
        reverse("pages:round_new"),
        {
            "volunteer": volunteer.pk,
            "item": item.code,
            "quantity": "１",
            "households": [h.pk for h in two_doors],
        },
        follow=True,
    )
    page = response.content.decode()
    round_ = Round.objects.get()
    assert f"入户走访 #{round_.pk}" in page
    assert PHONE in page  # the worker reads the door list in full
    assert page.index("3栋") < page.index("12栋")


def test_volunteer_walks_the_round(client, planned_round, volunteer, worker):
    client.force_login(volunteer)
    url = reverse("pages:round", args=[planned_round.pk])
    page = client.get(url).content.decode()
    assert "138******78" in page and PHONE not in page and "胰岛素" not in page
    assert "无接触放门口" in page
    stop = planned_round.stops.order_by("position").first()
    door = reverse("pages:round_outcome", args=[planned_round.pk, stop.pk])
    form = {"outcome": Outcome.LEFT_AT_DOOR, "once": "tap-1"}
    first = client.post(door, form, follow=True)
    assert "已无接触放门口" in first.content.decode() or "放门口" in first.content.decode()
    client.post(door, form, follow=True)  # the double tap
    assert Handover.objects.count() == 1
    assert RoundStop.objects.get(pk=stop.pk).outcome == Outcome.LEFT_AT_DOOR
    closed = client.post(reverse("pages:round_close", args=[planned_round.pk]), follow=True)
    assert "已关闭" in closed.content.decode() or "关闭" in closed.content.decode()
    assert client.get(url).status_code == 404  # closed: the doors are gone for her


@pytest.mark.parametrize("persona", ["coordinator", "staff", "idle_volunteer", "outsider"])
def test_others_do_not_see_the_round(client, request, persona, planned_round):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("pages:round", args=[planned_round.pk]), reverse("pages:rounds")):
        response = client.get(url)
        body = response.content.decode()
        for secret in PERSONAL:
            assert secret not in body
        if "rounds/" + str(planned_round.pk) in url:
            assert response.status_code == 404


def test_handover_page(client, worker, delivered, register, item):
    household = register()
    client.force_login(worker)
    url = reverse("pages:household_handover", args=[household.pk])
    assert "发放" in client.get(url).content.decode()
    response = client.post(url, {"item": item.code, "quantity": "2", "once": "h1"}, follow=True)
    assert Handover.objects.get().quantity == 2
    too_many = client.post(url, {"item": item.code, "quantity": "99"})
    assert "社区库存中" in too_many.content.decode()
    assert response.status_code == 200
