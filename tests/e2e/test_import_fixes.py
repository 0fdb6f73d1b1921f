"""Held rows of an import fixed in the preview, in Chinese, on a 375 px phone and at a desk
(issue 18): upload a list, choose the item a name means (adding the alias), accept the split
of a cell naming two goods, post. Screenshots in artifacts/e2e/import-fix-*.png."""

import datetime as dt

from tests.e2e.conftest import sign_in
from tests.imports.conftest import xlsx_bytes

DAY = dt.date.today() - dt.timedelta(days=2)


def _sheet(tmp_path, donor: str):
    rows = [
        [f"武汉市红十字会接收社会捐赠物资公示（{DAY.year}年{DAY.month}月{DAY.day}日）"],
        ["捐赠单位", "品名", "数量"],
        [donor, "防护镜", "14副"],  # 86 % like 护目镜's alias 防护眼镜: held, item proposed
        [f"{donor}二", "口罩（KN95口罩1200只、医用外科口罩2万只）", ""],  # split proposed
        [f"{donor}三", "医用防护口罩", "3箱"],  # lands: 箱 = 400 只 in the catalogue
    ]
    path = tmp_path / "捐赠公示.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path


def _settled(page) -> None:
    """Checks and imports run in the background; the page reloads itself when one ends."""
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#import-progress", state="detached", timeout=60_000)
    page.wait_for_load_state("networkidle")


def _fix_and_post(page, tmp_path, screenshot, donor: str, name: str) -> None:
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    sign_in(page, "staff")
    page.goto("/imports/")
    page.select_option("select[name=kind]", "donations")
    page.select_option("select[name=site]", index=1)  # her first warehouse
    page.set_input_files("input[name=file]", str(_sheet(tmp_path, donor)))
    page.check("input[name=create_missing_items]")
    page.click("button[type=submit].primary")
    _settled(page)
    assert "修正此行" in page.inner_text("#row-4"), page.inner_text("main")[:800]
    screenshot(page, f"import-fix-{name}-held")

    # Row 3: the proposed item (checked) and "add as alias" (checked): fix. (When the other
    # test ran first on this server, its alias already made the name match: nothing to fix.)
    if page.locator("#row-3 details.row-fix").count():
        page.click("#row-3 details.row-fix button[type=submit]")
        _settled(page)
        assert "已在预览中修正" in page.inner_text("#row-3")
    # Row 4: accept the proposed split.
    page.click("#row-4 details.row-fix button[type=submit]")
    _settled(page)
    row4 = page.inner_text("#row-4")
    assert "KN95口罩 × 1,200 只" in row4 and "医用外科口罩 × 20,000 只" in row4
    assert "护目镜 × 14 副" in page.inner_text("#row-3")
    screenshot(page, f"import-fix-{name}-fixed")

    page.click("form[action$='/confirm/'] button[type=submit]")
    _settled(page)
    assert "已导入" in page.content() or "导入完成" in page.content()
    screenshot(page, f"import-fix-{name}-done")
    assert not errors and not page.js_errors


def test_fix_held_rows_on_a_phone(new_page, tmp_path, screenshot):
    page = new_page(phone=True, language="zh-CN")
    _fix_and_post(page, tmp_path, screenshot, "手机测试捐赠方", "phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1


def test_fix_held_rows_at_a_desk(new_page, tmp_path, screenshot):
    page = new_page(language="zh-CN")
    _fix_and_post(page, tmp_path, screenshot, "桌面测试捐赠方", "desk")
