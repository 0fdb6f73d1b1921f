"""Issue 20's story in headless Chromium, in Chinese, on a 375 px phone where people use it:
a community worker registers two households (and is stopped registering one twice), staff
assemble family kits, the kits reach the community (through the API: the pages of that part
have their own story), the worker plans a round, the volunteer walks it door to door (a
double tap, a door not at home), the worker closes it, and the coordinator's figure counts
who was reached — with no person on it. Screenshots: artifacts/e2e/last-mile-*.png."""

import json
import re

from tests.e2e.conftest import sign_in
from tests.e2e.test_dashboards import ALL_DRAWN

PHONE_1 = "13812345678"
PHONE_2 = "13987654321"


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def api(page, method: str, path: str, body: dict | None = None) -> dict:
    """The API with the page's own session (and its CSRF token)."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.fetch(
        f"/api/v1{path}",
        method=method,
        data=json.dumps(body or {}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.ok, (path, response.status, response.text())
    return response.json()


def register(page, *, building, unit, room, name, phone, members, categories):
    page.goto("/households/new/")
    page.fill("input[name=building]", building)
    page.fill("input[name=unit_no]", unit)
    page.fill("input[name=room]", room)
    page.fill("input[name=contact_name]", name)
    page.fill("input[name=phone]", phone)
    page.fill("input[name=members]", members)
    for category in categories:
        page.check(f"input[name=categories][value={category}]")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("button[type=submit].primary")


def test_households_kits_and_a_round_on_a_phone(new_page, screenshot):
    step = lambda page, name: screenshot(page, f"last-mile-{name}")  # noqa: E731
    errors: list[str] = []

    # 1. The community worker registers two households on her phone.
    worker = new_page(phone=True, language="zh-CN")
    worker.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    sign_in(worker, "worker")
    worker.goto("/households/new/")
    no_sideways_scroll(worker)
    unit_id = int(worker.input_value("select[name=served_unit]"))
    step(worker, "1-register-form")
    register(
        worker,
        building="3栋",
        unit="2单元",
        room="401",
        name="张阿姨",
        phone="１３８-1234-5678",  # full-width digits and a dash, as typed
        members="２",
        categories=["home_isolation", "elderly_alone"],
    )
    step(worker, "1b-registered")
    assert "已登记" in worker.inner_text(".messages")
    register(
        worker,
        building="1栋",
        unit="1单元",
        room="101",
        name="李先生",
        phone=PHONE_2,
        members="3",
        categories=["low_income"],
    )
    no_sideways_scroll(worker)
    step(worker, "2-register-list")
    listing = worker.inner_text("main")
    assert PHONE_1 in listing and "1栋 1单元 101" in listing
    # The same phone again: refused beside the form, pointing at the household.
    register(
        worker,
        building="9栋",
        unit="1单元",
        room="909",
        name="张阿姨",
        phone=PHONE_1,
        members="1",
        categories=[],
    )
    assert "此电话已在本社区登记" in worker.inner_text(".errors")
    step(worker, "3-register-duplicate")

    # 2. Staff assemble family kits from donated rice, oil, eggs, vegetables, paper.
    staff = new_page(language="zh-CN")
    sign_in(staff, "staff")
    staff.goto("/stock/kits/assemble/")
    staff.select_option("select[name=site]", "cd-gaoxin-wh")
    staff.select_option("select[name=kit]", "family-kit")
    staff.fill("input[name=count]", "4")
    step(staff, "4-kit-assemble")
    with staff.expect_navigation():
        staff.click("button[type=submit].primary")
    step(staff, "5-kits-in-stock")
    assert "组装" in staff.inner_text(".messages"), staff.inner_text("main")

    # 3. The kits go to the community like any item (API; the pages have their own story).
    made = api(
        worker,
        "POST",
        "/requests",
        {"served_unit": unit_id, "lines": [{"item": "family-kit", "quantity": 2}]},
    )
    api(worker, "POST", f"/requests/{made['id']}/submit")
    coordinator = new_page(language="zh-CN")
    sign_in(coordinator, "coordinator")
    line = made["lines"][0]["id"]
    api(
        coordinator,
        "POST",
        f"/requests/{made['id']}/approve",
        {"lines": [{"id": line, "quantity_approved": 2}]},
    )
    api(
        coordinator,
        "POST",
        "/allocations/commit",
        {"allocations": [{"request_line": line, "site": "cd-gaoxin-wh", "quantity": 2}]},
    )
    shipment = api(
        coordinator, "POST", "/shipments", {"site": "cd-gaoxin-wh", "served_unit": unit_id}
    )
    api(coordinator, "POST", f"/shipments/{shipment['id']}/dispatch")
    api(worker, "POST", f"/shipments/{shipment['id']}/deliver", {"lines": []})

    # 4. The worker plans a round of one kit per household for the volunteer.
    worker.goto("/rounds/new/")
    no_sideways_scroll(worker)
    worker.select_option("select[name=volunteer]", label="volunteer")
    worker.select_option("select[name=item]", "family-kit")
    worker.fill("input[name=quantity]", "1")
    for box in worker.locator("input[name=households]").all():
        box.check()
    step(worker, "6-round-plan")
    worker.click("button[type=submit].primary")
    worker.wait_for_url(re.compile(r"/rounds/\d+/$"))
    round_url = worker.url.replace(worker.url.split("/rounds/")[0], "")
    doors = worker.locator(".door")
    assert doors.count() == 2
    assert "1栋" in doors.nth(0).inner_text() and "3栋" in doors.nth(1).inner_text()
    step(worker, "7-round-door-list")

    # 5. The volunteer walks it: phones masked, one tap per door, a double tap counts once.
    volunteer = new_page(phone=True, language="zh-CN")
    volunteer.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    sign_in(volunteer, "volunteer")
    volunteer.goto("/rounds/")
    volunteer.click(f"a[href='{round_url}']")
    volunteer.wait_for_load_state("networkidle")
    text = volunteer.inner_text("main")
    assert PHONE_1 not in text and PHONE_2 not in text and "139******21" in text
    no_sideways_scroll(volunteer)
    step(volunteer, "8-volunteer-round")
    with volunteer.expect_navigation():
        volunteer.locator(".door").nth(0).locator("button[value=left_at_door]").dblclick()
    volunteer.wait_for_load_state("networkidle")
    with volunteer.expect_navigation():
        volunteer.locator(".door").nth(1).locator("button[value=not_home]").click()
    doors_text = volunteer.inner_text("main")
    assert "无接触放门口" in doors_text and "不在家" in doors_text
    step(volunteer, "9-volunteer-outcomes")

    # 6. The worker closes the round: the kit not handed over is back in the stock.
    worker.goto(round_url)
    with worker.expect_navigation():
        worker.click("form[action$='/close/'] button")
    assert "已退回社区库存" in worker.inner_text(".messages")
    step(worker, "10-round-closed")
    summary = api(worker, "GET", f"/households/summary?served_unit={unit_id}")
    assert summary["households"] == 2 and summary["reached_last_7_days"] == 1

    # 7. The coordinator sees who was reached, by community, and no person.
    coordinator.goto("/dashboards/")
    coordinator.wait_for_function(ALL_DRAWN, timeout=30_000)
    figure = coordinator.locator(".figure[data-name=household-reach]")
    figure.scroll_into_view_if_needed()
    assert "玉林北路社区" in figure.inner_text()
    page_text = coordinator.inner_text("main")
    for secret in (PHONE_1, PHONE_2, "张阿姨", "李先生", "3栋"):
        assert secret not in page_text
    step(coordinator, "11-coordinator-dashboard")
    figure.screenshot(path=str(screenshot.folder / "last-mile-12-household-reach.png"))
    assert not errors
