"""The rounds over the API: create, read (masked for the volunteer), outcome, close."""

from households.models import Handover
from tests.households.conftest import PHONE


def test_round_lifecycle_over_the_api(api, delivered, two_doors, worker, volunteer, unit, item):
    near, far = two_doors
    created = api(worker).post(
        "/rounds",
        {
            "served_unit": unit.pk,
            "volunteer": volunteer.pk,
            "item": item.code,
            "quantity": 2,
            "households": [far.pk, near.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [d["household_id"] for d in body["doors"]] == [near.pk, far.pk]
    assert body["doors"][0]["phone"] == PHONE  # the worker reads it in full
    url = f"/rounds/{body['id']}"
    seen = api(volunteer).get(url).json()
    assert seen["doors"][0]["phone"] == "138******78"
    assert PHONE not in str(seen)
    stop = seen["doors"][0]["stop_id"]
    done = api(volunteer).post(f"{url}/stops/{stop}/outcome", {"outcome": "handed_over"})
    assert done.status_code == 200
    assert done.json()["doors"][0]["outcome"] == "handed_over"
    again = api(volunteer).post(f"{url}/stops/{stop}/outcome", {"outcome": "handed_over"})
    assert again.status_code == 200 and Handover.objects.count() == 1
    bad = api(volunteer).post(f"{url}/stops/{stop}/outcome", {"outcome": "teleported"})
    assert bad.status_code == 422
    closed = api(worker).post(f"{url}/close")
    assert closed.json()["status"] == "closed"
    # Closed: the volunteer no longer sees the doors.
    assert api(volunteer).get(url).status_code == 403


def test_outsiders_get_404(api, planned_round, coordinator, idle_volunteer, other_worker):
    for user in (coordinator, idle_volunteer, other_worker):
        response = api(user).get(f"/rounds/{planned_round.pk}")
        assert response.status_code == 404
        assert PHONE not in response.content.decode()
