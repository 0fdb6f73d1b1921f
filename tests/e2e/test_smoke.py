"""The served site opens in a real browser, without a script error, from our own files."""


def test_home_page_renders_in_chromium(new_page, screenshot):
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/")
    assert page.locator("h1").inner_text()
    screenshot(page, "00-home")
    assert page.js_errors == []
    # Everything the page loads comes from this server: nothing from a CDN.
    assert requests and all(url.startswith("http://127.0.0.1:") for url in requests)
