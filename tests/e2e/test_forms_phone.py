"""Every form a person fills on a 375 px phone, in Chinese, with what people really type:
nothing, a twenty-digit number, letters, full-width digits, a past date, a double tap, the
back button and the keyboard's Enter (前往). No 500, one record, input kept, no sideways
scroll. Screenshots in artifacts/e2e/phone-*.png."""

import datetime as dt
import re

import pytest

from tests.e2e.conftest import sign_in

HUGE = "99999999999999999999"
# The visible "save draft" button (a hidden one first makes Enter save a draft without JS).
DRAFT = "button[name=action][value=draft]:not(.visually-hidden)"


@pytest.fixture
def phone(new_page):
    """A signed-in Chinese phone that records every server error it is answered with."""

    def _open(username: str):
        page = new_page(phone=True, language="zh-CN")
        page.server_errors = []
        page.on(
            "response",
            lambda r: page.server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )
        sign_in(page, username)
        return page

    return _open


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_the_donation_form_on_a_phone(phone, screenshot):
    page = phone("staff")
    page.goto("/donations/new/")
    no_sideways_scroll(page)
    # Today's date is prefilled in the format the date box accepts.
    assert page.input_value("input[name=received_at]") == dt.date.today().isoformat()

    # Nothing at all: an error, no record.
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errors").count() >= 1
    screenshot(page, "phone-donation-empty")

    # Three problems at once, each beside its line, all input kept.
    page.fill("input[name=donor]", "手机测试捐赠方")
    page.fill("input[name=lines-0-item]", "口罩")
    page.fill("input[name=lines-0-quantity]", "20")
    page.fill("input[name=lines-1-item]", "pulse-oximeter")
    page.fill("input[name=lines-1-quantity]", HUGE)
    page.fill("input[name=lines-2-quantity]", "abc")
    # Enter in a quantity box moves on; it does not send the donation.
    page.focus("input[name=lines-0-quantity]")
    page.keyboard.press("Enter")
    assert page.url.endswith("/donations/new/")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page)
    screenshot(page, "phone-donation-three-errors")
    for name in ("lines-0-item", "lines-1-quantity", "lines-2-item"):
        field = page.locator(f"[name={name}]")
        assert field.locator("xpath=following-sibling::div[contains(@class,'errors')]").count()
    assert page.input_value("input[name=lines-1-quantity]") == HUGE
    assert page.input_value("input[name=lines-2-quantity]") == "abc"
    assert "医用" in page.locator("fieldset.donation-line").first.inner_text()  # candidates

    # Corrected with full-width digits; a double tap sends it once.
    page.fill("input[name=lines-0-item]", "pulse-oximeter")
    page.fill("input[name=lines-0-quantity]", "２０")
    page.fill("input[name=lines-1-item]", "")
    page.fill("input[name=lines-1-quantity]", "")
    page.fill("input[name=lines-2-quantity]", "")
    page.dblclick("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/donations/\d+/$"))
    receipt = page.url
    screenshot(page, "phone-donation-receipt")
    assert "20" in page.locator("table").inner_text()

    # Back to the sent form and send it again: the first donation comes back, no second.
    page.go_back()
    page.wait_for_load_state("networkidle")
    if page.url.endswith("/donations/new/") and page.locator("input[name=once]").count():
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
    page.goto("/donations/?q=手机测试捐赠方")
    assert page.locator("tbody a[href^='/donations/']").count() == 1
    assert receipt.endswith(
        page.locator("tbody a[href^='/donations/']").first.get_attribute("href")
    )
    no_sideways_scroll(page)
    screenshot(page, "phone-donations-list")
    assert page.server_errors == [] and page.js_errors == []


def _new_requests(page, before: int) -> list[int]:
    page.goto("/requests/?sort=newest")
    ids = [
        int(h.rsplit("/", 2)[1])
        for h in page.locator("a.card[href^='/requests/']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
    ]
    return [i for i in ids if i > before]


def test_the_request_form_on_a_phone(phone, screenshot):
    page = phone("worker")
    before = max(_new_requests(page, 0) or [0])
    page.goto("/requests/new/")
    no_sideways_scroll(page)

    # Enter after the first quantity (the phone's 前往) must not send the request.
    page.select_option("select[name=lines-0-item]", "pulse-oximeter")
    page.fill("input[name=lines-0-quantity]", "5")
    page.press("input[name=lines-0-quantity]", "Enter")
    page.wait_for_timeout(300)
    assert page.url.endswith("/requests/new/")

    # A huge number, a quantity with 数量待定, a quantity without an item, a past date.
    page.fill("input[name=lines-0-quantity]", HUGE)
    page.select_option("select[name=lines-1-item]", "uv-lamp")
    page.fill("input[name=lines-1-quantity]", "3")
    page.check("input[name=lines-1-unknown]")
    page.fill("input[name=lines-2-quantity]", "7")
    page.fill("input[name=people_served]", "六十")
    page.fill("input[name=needed_by]", "2020-01-01")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page)
    screenshot(page, "phone-request-errors")
    assert page.url.endswith("/requests/new/")
    assert page.locator(".errorlist").count() >= 5
    assert page.input_value("input[name=lines-0-quantity]") == HUGE
    assert page.input_value("input[name=lines-2-quantity]") == "7"
    assert page.input_value("input[name=people_served]") == "六十"
    assert page.input_value("input[name=needed_by]") == "2020-01-01"

    # Put right (full-width digits are fine) and double-tapped: one request.
    page.fill("input[name=lines-0-quantity]", "５")
    page.uncheck("input[name=lines-1-unknown]")
    page.fill("input[name=lines-2-quantity]", "")
    page.fill("input[name=people_served]", "６０")
    page.fill("input[name=needed_by]", (dt.date.today() + dt.timedelta(days=2)).isoformat())
    page.dblclick("button[name=action][value=submit]")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    screenshot(page, "phone-request-sent")
    page.go_back()
    page.wait_for_load_state("networkidle")
    if page.url.endswith("/requests/new/"):
        page.click("button[name=action][value=submit]")
        page.wait_for_load_state("networkidle")
    assert len(_new_requests(page, before)) == 1
    no_sideways_scroll(page)
    screenshot(page, "phone-request-list")
    assert page.server_errors == [] and page.js_errors == []


def test_a_draft_keeps_its_date_when_edited_on_a_phone(phone, screenshot):
    page = phone("worker")
    page.goto("/requests/new/")
    needed = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    page.select_option("select[name=lines-0-item]", "uv-lamp")
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("input[name=needed_by]", needed)
    page.click(DRAFT)
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    page.goto(page.url + "edit/")
    assert page.input_value("input[name=needed_by]") == needed
    screenshot(page, "phone-draft-edit")
    page.click(DRAFT)
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    assert needed in page.locator("main").inner_text()
    assert page.server_errors == [] and page.js_errors == []


def test_stock_work_on_a_phone(phone, screenshot):
    page = phone("staff")
    page.goto("/stock/?site=cd-wuhou-wh")
    no_sideways_scroll(page)
    screenshot(page, "phone-stock")
    page.screenshot(path=str(screenshot.folder / "phone-stock-top.png"))  # what a phone shows
    # Adjust from a stock row: the lot is chosen already, by batch and expiry.
    page.locator("a[href*='/stock/adjust/'][href*='lot=']").first.click()
    page.wait_for_load_state("networkidle")
    assert "·" in page.locator("select[name=lot] option:checked").inner_text()
    page.fill("input[name=quantity]", HUGE)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert page.input_value("input[name=quantity]") == HUGE
    assert page.locator(".errors").count() >= 1
    no_sideways_scroll(page)
    screenshot(page, "phone-adjust-huge")

    # A count: "²" is an error beside its lot, then the differences are shown before posting.
    page.goto("/stock/?site=cd-wuhou-wh")
    page.click("form[action='/stock/counts/start/'] button")
    page.wait_for_load_state("networkidle")
    if not re.search(r"/stock/counts/\d+/", page.url):
        page.locator("a[href^='/stock/counts/']").first.click()
        page.wait_for_load_state("networkidle")
    boxes = page.locator("input[name^=counted-]")
    boxes.first.fill("²")
    page.click("button[name=action][value=review]")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name^=counted-]").first.input_value() == "²"
    no_sideways_scroll(page)
    screenshot(page, "phone-count-error")
    assert page.server_errors == [] and page.js_errors == []


def test_transfer_of_several_lots_on_a_phone(phone, screenshot):
    page = phone("staff")
    page.goto("/stock/?site=cd-wuhou-wh")
    page.locator("a[href*='/stock/transfer/'][href*='lot=']").first.click()
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page)
    # The source site is never offered as the destination.
    assert page.locator("select[name=to_site] option[value=cd-wuhou-wh]").count() == 0
    boxes = page.locator("input[name^=qty-]")
    boxes.nth(0).fill(HUGE)
    boxes.nth(1).fill("ｘ")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name^=qty-]").nth(0).input_value() == HUGE
    assert page.locator(".errors").count() >= 2
    no_sideways_scroll(page)
    screenshot(page, "phone-transfer-errors")
    assert page.server_errors == [] and page.js_errors == []


def test_approval_on_a_phone_keeps_the_note(phone, screenshot):
    worker = phone("worker")
    worker.goto("/requests/new/")
    worker.select_option("select[name=lines-0-item]", "uv-lamp")
    worker.fill("input[name=lines-0-quantity]", "3")
    worker.click("button[name=action][value=submit]:not(.visually-hidden)")
    worker.wait_for_url(re.compile(r"/requests/\d+/$"))
    request_url = worker.url

    page = phone("coordinator")
    page.goto(request_url)
    page.fill("input[name^=approve-]", HUGE)
    page.fill("#approve-note", "先发一部分，其余下周")
    page.click("#approve-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#approve-note") == "先发一部分，其余下周"
    assert page.input_value("input[name^=approve-]") == HUGE
    assert page.locator("#approve-form .errors").count() == 1
    no_sideways_scroll(page)
    screenshot(page, "phone-approval-error")
    page.fill("input[name^=approve-]", "２")
    page.dblclick("#approve-form button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    assert page.locator(".badge.partially_approved").count() == 1
    screenshot(page, "phone-approved")
    assert page.server_errors == [] and page.js_errors == []
