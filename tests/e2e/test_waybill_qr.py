"""The waybill's QR code at the door (issue 22): the code printed on the coordinator's waybill
decodes to that shipment's Confirm delivery address; a worker's phone that scans it is asked
to sign in, then lands on Confirm delivery of that shipment (typing the delivery code instead
is tested in tests/api/test_delivery_proof.py). Screenshots: waybill-*.png."""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_waybill_qr_code_opens_confirm_delivery(new_page, demo_server, screenshot):
    desk = new_page()
    sign_in(desk, "coordinator")
    shipments = desk.request.get("/api/v1/shipments?limit=100").json()["items"]
    # One to the demo worker's community (she is a worker of the receiving unit); another
    # browser test may have confirmed it already: the waybill and its code stay the same.
    shipment = next(s for s in shipments if s["served_unit_name"] == "玉林北路社区")
    desk.goto(f"/shipments/{shipment['id']}/")
    screenshot(desk, "waybill-desk")
    code = desk.locator(".delivery-code b").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", code)

    picture = desk.locator(".waybill-proof .qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)))
    assert [barcode.text for barcode in found] == [
        f"{demo_server}/shipments/{shipment['id']}/receive/"
    ]

    phone = new_page(phone=True)
    phone.goto(found[0].text)  # what the camera app opens
    assert "/accounts/login/" in phone.url
    phone.fill("input[name=username]", "worker")
    phone.fill("input[name=password]", "demo")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert phone.url == found[0].text
    assert phone.locator("h1").inner_text() == f"确认配送单 #{shipment['id']} 收货"
    screenshot(phone, "waybill-scanned-phone")
    assert desk.js_errors == [] and phone.js_errors == []
