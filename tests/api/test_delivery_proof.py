"""Proof of delivery at the door (issue 22): a confirmation saved offline carries the time it
was made and is applied once under its Idempotency-Key; the driver's handover time and who
received it are kept; the photo is stored privately and shown only to the shipment's two
sides; the waybill's delivery code opens Confirm delivery."""

import base64
import datetime as dt

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from logistics.models import Shipment, ShipmentStatus, ShipmentStatusChange
from logistics.services import shipment_dispatch
from logistics.waybill import delivery_code, normalise_code
from supply_requests.models import RequestStatus, SupplyRequest

# The first bytes of a JPEG, enough for the kind check; the phone sends a real one.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def private_photos(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def on_the_way(planned, coordinator):
    _request, shipment = planned
    left = timezone.now() - dt.timedelta(hours=2)
    return shipment_dispatch(actor=coordinator, shipment=shipment, occurred_at=left)


def _deliver(api, shipment, key="phone-1", **body):
    return api.post(
        f"/shipments/{shipment.pk}/deliver", {"lines": [], **body}, {"Idempotency-Key": key}
    )


def test_an_offline_confirmation_keeps_the_time_it_was_made_and_arrives_once(
    api_worker, worker, on_the_way
):
    made = timezone.now() - dt.timedelta(minutes=40)
    handed = made - dt.timedelta(minutes=5)
    body = {"received_at": made.isoformat(), "handed_over_at": handed.isoformat()}
    first = _deliver(api_worker, on_the_way, **body)
    again = _deliver(api_worker, on_the_way, **body)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    shipment = Shipment.objects.get(pk=on_the_way.pk)
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.delivered_at == made
    assert shipment.handed_over_at == handed
    assert shipment.received_by == worker
    assert first.json()["received_by"] == "worker"
    assert (
        ShipmentStatusChange.objects.filter(shipment=shipment, to_status="delivered").count() == 1
    )

    # Typed again on another phone (another key): refused with the reason, nothing changes.
    other = _deliver(api_worker, on_the_way, key="phone-2", **body)
    assert other.status_code == 409
    assert "delivered" in other.json()["detail"].lower()


@pytest.mark.parametrize(
    ("field", "shift", "says"),
    [
        ("received_at", dt.timedelta(hours=1), "future"),
        ("received_at", -dt.timedelta(hours=5), "before the shipment left"),
        ("handed_over_at", -dt.timedelta(hours=5), "before the shipment left"),
    ],
)
def test_impossible_times_are_refused_with_the_reason(api_worker, on_the_way, field, shift, says):
    response = _deliver(api_worker, on_the_way, **{field: (timezone.now() + shift).isoformat()})
    assert 400 <= response.status_code < 500
    assert says in response.json()["detail"]
    assert Shipment.objects.get(pk=on_the_way.pk).status == ShipmentStatus.DISPATCHED


def test_the_outbox_drafts_and_submits_a_request_in_one_call_once(api_worker, unit, item):
    body = {"served_unit": unit.pk, "lines": [{"item": item.code, "quantity": 4}], "submit": True}
    headers = {"Idempotency-Key": "phone-request-1"}
    first = api_worker.post("/requests", body, headers)
    second = api_worker.post("/requests", body, headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["status"] == RequestStatus.SUBMITTED
    assert SupplyRequest.objects.count() == 1


def _photo_body() -> dict:
    return {"photo": "data:image/jpeg;base64," + base64.b64encode(JPEG).decode()}


def test_the_photo_is_private_and_shown_to_both_sides_only(
    api_worker, client, worker, coordinator, staff, outsider, on_the_way, private_photos, settings
):
    assert _deliver(api_worker, on_the_way, **_photo_body()).status_code == 200
    shipment = Shipment.objects.get(pk=on_the_way.pk)
    stored = storages["private"].path(shipment.receipt_photo.name)
    assert stored.startswith(str(private_photos))
    assert not stored.startswith(str(settings.STATIC_ROOT))
    url = f"/shipments/{shipment.pk}/photo/"
    for person in (worker, coordinator, staff):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == JPEG
        assert "private" in response["Cache-Control"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_something_that_is_not_a_picture_is_refused(api_worker, on_the_way):
    body = {"photo": base64.b64encode(b"<script>alert(1)</script>").decode()}
    response = _deliver(api_worker, on_the_way, **body)
    assert 400 <= response.status_code < 500
    assert "JPEG" in response.json()["detail"]
    assert not Shipment.objects.get(pk=on_the_way.pk).receipt_photo


def test_the_delivery_code_opens_confirm_delivery(client, worker, outsider, on_the_way):
    code = delivery_code(on_the_way.pk)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code[:3]).lower() + "-" + code[3:].lower()
    assert normalise_code(typed) == code
    client.force_login(worker)
    response = client.get("/shipments/code/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/shipments/{on_the_way.pk}/receive/"
    wrong = client.get("/shipments/code/", {"code": "ZZZZZZ"})
    assert "没有发往您这里" in wrong.content.decode()
    client.force_login(outsider)
    assert client.get("/shipments/code/", {"code": code}).status_code == 200  # not found


def test_the_waybill_carries_the_qr_code_and_the_code(client, coordinator, on_the_way):
    client.force_login(coordinator)
    page = client.get(f"/shipments/{on_the_way.pk}/").content.decode()
    assert "<svg" in page
    assert delivery_code(on_the_way.pk) in page
    assert "扫码确认收货" in page


def test_the_receive_page_records_handover_and_photo(client, worker, on_the_way):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(worker)
    handed = timezone.localtime(timezone.now() - dt.timedelta(minutes=30))
    line = on_the_way.lines.get()
    response = client.post(
        f"/shipments/{on_the_way.pk}/receive/",
        {
            f"received-{line.pk}": str(line.quantity),
            "handed_over_at": handed.strftime("%Y-%m-%dT%H:%M"),
            "photo": SimpleUploadedFile("door.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get(pk=on_the_way.pk)
    assert shipment.received_by == worker
    assert shipment.handed_over_at == handed.replace(second=0, microsecond=0)
    assert shipment.receipt_photo.name.endswith(".jpg")
