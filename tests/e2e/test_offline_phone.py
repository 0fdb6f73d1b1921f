"""A community worker on a phone in Chinese with no network (issue 22): the app is installed
(a service worker controls the worker's pages), the network goes off, a request and a
delivery confirmation are saved on the phone, the network comes back, and each arrives
exactly once, the confirmation with the time it was made at the door. Screenshots in
artifacts/e2e/offline-*.png."""

import datetime as dt
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def _api(page, path: str) -> dict:
    response = page.request.get(path)
    assert response.ok, (path, response.status)
    return response.json()


def _installed(page) -> None:
    """The service worker is active and controls this page (as after installing the app)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
        page.wait_for_load_state("networkidle")
    assert page.evaluate("!!navigator.serviceWorker.controller")


def _camera_photo() -> dict:
    picture = io.BytesIO()
    Image.new("RGB", (2400, 1800), (200, 120, 40)).save(picture, "JPEG", quality=95)
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()}


def _outbox(page) -> list[dict]:
    return page.evaluate("Outbox.all()")


@pytest.fixture
def worker_phone(new_page):
    page = new_page(phone=True, language="zh-CN")
    page.server_errors = []
    page.on(
        "response",
        lambda r: page.server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    sign_in(page, "worker")
    _installed(page)
    return page


def test_offline_request_and_delivery_arrive_once(worker_phone, screenshot):
    page = worker_phone
    context = page.context
    manifest = _api(page, "/manifest.webmanifest")
    assert "救灾物资" in manifest["name"] and "Relief" in manifest["name"]

    on_the_way = _api(page, "/api/v1/shipments?status=dispatched&limit=100")["items"]
    assert on_the_way, "the demo world has a shipment on its way to the worker"
    shipment = on_the_way[0]
    receive = f"/shipments/{shipment['id']}/receive/"
    before = _api(page, "/api/v1/requests?limit=1")["count"]

    # Online once: the pages are kept on the phone (the home page keeps its deliveries too).
    for path in ("/requests/new/", "/requests/", receive):
        page.goto(path)
        page.wait_for_load_state("networkidle")

    context.set_offline(True)
    # A page that is not one of the worker's two tasks says, in Chinese, that it needs the
    # network.
    page.goto("/dashboards/")
    assert page.locator("h1").inner_text() == "没有网络"
    page.goto("/requests/new/")
    assert page.locator("h1").inner_text() == "申请物资"
    page.select_option("select[name=lines-0-item]", "pulse-oximeter")
    page.fill("input[name=lines-0-quantity]", "４")  # full-width, as the phone types it
    page.fill("textarea[name=reason]", "离线申请")
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#outbox li.outbox-waiting")
    assert "等待发送" in page.locator("#outbox").inner_text()
    screenshot(page, "offline-request-waiting")

    # My requests: the last known state, marked with its age.
    page.goto("/requests/")
    age = page.locator("#page-age")
    expect(age).to_be_visible()
    assert age.inner_text().startswith("最后已知状态，截至")
    screenshot(page, "offline-my-requests")

    page.goto(receive)
    handover = (dt.datetime.now() - dt.timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=handed_over_at]", handover)
    # A photo as a phone camera takes it (2400 × 1800); the page makes it smaller first.
    page.set_input_files("input[name=photo]", files=[_camera_photo()])
    page.wait_for_timeout(500)
    made_at = dt.datetime.now(dt.UTC)
    page.click("form[data-offline=delivery] button[type=submit]")
    expect(page.locator("#outbox li.outbox-waiting")).to_have_count(2)
    screenshot(page, "offline-delivery-waiting")
    saved = {entry["kind"]: entry for entry in _outbox(page)}
    assert set(saved) == {"request", "delivery"}
    assert saved["request"]["key"] != saved["delivery"]["key"]
    # Nothing reached the server while offline (the test's own requests are not the phone's).
    assert _api(page, "/api/v1/requests?limit=1")["count"] == before
    assert _api(page, f"/api/v1/shipments/{shipment['id']}")["status"] == "dispatched"
    context.set_offline(False)

    page.wait_for_timeout(2000)  # the confirmation must keep the time it was made
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#outbox li.outbox-sent")).to_have_count(2, timeout=15000)
    sent_at = dt.datetime.now(dt.UTC)
    screenshot(page, "offline-both-sent")
    text = page.locator("#outbox").inner_text()
    assert "已发送" in text

    after = _api(page, "/api/v1/requests?limit=200")
    assert after["count"] == before + 1
    mine = [r for r in after["items"] if r["reason"] == "离线申请"]
    assert len(mine) == 1
    assert mine[0]["status"] == "submitted"
    assert [(line["item"], line["quantity_requested"]) for line in mine[0]["lines"]] == [
        ("pulse-oximeter", 4)
    ]
    delivered = _api(page, f"/api/v1/shipments/{shipment['id']}")
    assert delivered["status"].startswith("delivered")
    assert delivered["received_by"] == "worker"
    received_at = dt.datetime.fromisoformat(delivered["delivered_at"])
    assert abs(received_at - made_at) < dt.timedelta(seconds=2), (received_at, made_at)
    assert received_at < sent_at - dt.timedelta(seconds=1)
    handed = dt.datetime.fromisoformat(delivered["handed_over_at"])
    assert handed.astimezone().strftime("%Y-%m-%dT%H:%M") == handover
    assert delivered["has_photo"] is True
    photo = page.request.get(f"/shipments/{shipment['id']}/photo/")
    assert photo.ok
    stored = Image.open(io.BytesIO(photo.body()))
    assert stored.format == "JPEG" and max(stored.size) == 1280

    # A double send after reconnecting (the answer was lost, "Send now" tapped again, the
    # service worker's sync as well): the same keys again create nothing new.
    again_waiting = """Outbox.all().then(rows => Promise.all(rows.map(r => {
        r.state = 'waiting'; return Outbox.put(r); })))"""
    page.evaluate(again_waiting + ".then(() => Promise.all([Outbox.flush(), Outbox.flush()]))")
    page.evaluate(again_waiting)
    page.reload()  # a page that opens sends what waits
    expect(page.locator("#outbox li.outbox-sent")).to_have_count(2, timeout=15000)
    replay = page.evaluate(
        """Outbox.all().then(rows => rows.find(r => r.kind === 'request')).then(r =>
           fetch(r.url, {method: 'POST', credentials: 'same-origin', body: JSON.stringify(r.body),
             headers: {'Content-Type': 'application/json', 'Idempotency-Key': r.key,
                       'X-CSRFToken': r.csrf}})
           .then(res => [res.status, res.headers.get('Idempotent-Replayed')]))"""
    )
    assert replay == [201, "true"]
    assert _api(page, "/api/v1/requests?limit=1")["count"] == before + 1
    again = _api(page, f"/api/v1/shipments/{shipment['id']}")
    assert again["delivered_at"] == delivered["delivered_at"]
    history = page.request.get(f"/shipments/{shipment['id']}/").text()
    assert history.count("已送达") >= 1
    assert page.server_errors == [] and page.js_errors == []


def test_a_network_that_carries_nothing_keeps_the_request_until_send_now(worker_phone, screenshot):
    """The phone says it is online, but nothing gets through (a crowded cell): the request
    waits on the phone instead of being lost, and "Send now" sends it, once."""
    page = worker_phone
    before = _api(page, "/api/v1/requests?limit=1")["count"]
    page.goto("/requests/new/")
    # Typed for two minutes at the door, while the network went quiet.
    page.evaluate("document.body.dataset.renderedAt = new Date(Date.now() - 120000).toISOString()")
    page.context.route("**/api/v1/**", lambda route: route.abort())
    page.select_option("select[name=lines-0-item]", "pulse-oximeter")
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("textarea[name=reason]", "信号很差")
    page.dblclick("button[name=action][value=submit]")
    expect(page.locator("#outbox li.outbox-waiting")).to_have_count(1)
    screenshot(page, "offline-lie-fi-waiting")
    page.context.unroute("**/api/v1/**")
    assert _api(page, "/api/v1/requests?limit=1")["count"] == before
    page.click("#outbox [data-send-now]")
    expect(page.locator("#outbox li.outbox-sent")).to_have_count(1, timeout=15000)
    after = _api(page, "/api/v1/requests?limit=200")
    assert after["count"] == before + 1
    assert [r["reason"] for r in after["items"]].count("信号很差") == 1
    assert page.server_errors == [] and page.js_errors == []
