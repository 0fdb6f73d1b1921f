"""End-to-end tests: a real server process on a scratch database with the demo world, and
Debian's headless Chromium driven by Playwright, as a person would use the site.

The server is a separate process (not pytest-django's live_server) because the ledger's
append-only triggers forbid the table flush that live_server does between tests; a scratch
database per session is also closer to what a user runs. Screenshots go to artifacts/e2e/.

Locally the tests skip, saying why, when /usr/bin/chromium is missing; CI (.ci/run) installs
it and sets REQUIRE_BROWSER=1, so there they fail instead of skipping.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "e2e"


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not installed (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make install)"
    return None


@pytest.hookimpl(tryfirst=True)  # before `-m` selection, so "-m 'not browser'" sees the mark
def pytest_collection_modifyitems(config, items):
    reason = _browser_missing()
    for item in items:
        if "tests/e2e/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        if reason and os.environ.get("REQUIRE_BROWSER") != "1":
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """Base URL of a server with the demo world loaded, on its own scratch SQLite database."""
    reason = _browser_missing()
    if reason:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    folder = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail(f"server did not start: {(folder / 'server.log').read_text()[-2000:]}")
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()
    shutil.copy(folder / "server.log", _artifacts() / "server.log")


def _artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # No network beyond this machine: keep Chromium from phoning home.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, demo_server):
    """Open a fresh browser context (its own cookies) as a phone or a desk, in a language."""
    contexts = []

    def _open(*, phone: bool = False, language: str = "zh-CN"):
        context = chromium.new_context(
            base_url=demo_server,
            locale=language,
            extra_http_headers={"Accept-Language": language},
            **(
                {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
                if phone
                else {"viewport": {"width": 1280, "height": 900}}
            ),
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/e2e/ (kept by CI as a test artifact)."""

    def _shot(page, name: str) -> Path:
        path = _artifacts() / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    _shot.folder = _artifacts()
    return _shot


def sign_in(page, username: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
