"""The public needs board on a 375 px phone in Chinese: the organisation's staff switch
publishing on, then anyone sees what is needed, filters it (the filter stays in the URL),
and offers to give — answering the sum, with no script. Screenshots in
artifacts/e2e/public-*.png."""

import re

from tests.e2e.conftest import sign_in


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_needs_board_on_a_phone_in_chinese(new_page, screenshot):
    staff = new_page(phone=True, language="zh-CN")
    sign_in(staff, "staff")
    staff.click("text=公开页面")
    staff.click("button:has-text('公开需求、捐赠去向和公示清单')")
    staff.wait_for_load_state("networkidle")
    assert "已公开" in staff.content()
    screenshot(staff, "public-publishing-switch")

    page = new_page(phone=True, language="zh-CN")  # anyone: no sign-in, no cookies
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    page.goto("/public/needs/")
    assert page.locator("h1").inner_text() == "当前急需"
    lines = page.locator("li.need")
    assert lines.count() >= 1
    text = page.inner_text("main")
    assert "已等待" in text and "我能捐赠" in text
    no_sideways_scroll(page)
    screenshot(page, "public-needs-phone")

    first_item = page.locator("li.need .what span").first.inner_text()
    page.select_option("select[name=item]", label=first_item)
    page.click("button:has-text('显示')")
    page.wait_for_load_state("networkidle")
    assert re.search(r"item=[\w-]+", page.url)
    assert all(
        first_item in t for t in page.locator("li.need .what span:first-child").all_inner_texts()
    )
    no_sideways_scroll(page)
    screenshot(page, "public-needs-filtered")

    page.locator("li.need:not(.met) a:has-text('我能捐赠')").first.click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.scripts.length") == 0  # the form needs no script
    page.fill("input[name=name]", "某某医疗器械公司")
    page.fill("input[name=contact]", "028-12345678")
    page.fill("input[name=quantity]", "５００")
    page.fill("input[name=location]", "成都高新区")
    page.fill("input[name=available_on]", "2020-02-01")
    page.fill("input[name=answer]", "0")
    page.click("button:has-text('提交捐赠意向')")
    page.wait_for_load_state("networkidle")
    assert "算式答案不对" in page.content()
    no_sideways_scroll(page)
    screenshot(page, "public-offer-wrong-sum")
    a, b = map(int, re.search(r"(\d) \+ (\d)", page.inner_text("main")).groups())
    page.fill("input[name=answer]", str(a + b))
    page.click("button:has-text('提交捐赠意向')")
    page.wait_for_load_state("networkidle")
    assert "等待答复" in page.inner_text("main")
    screenshot(page, "public-offer-sent")
    assert errors == []
