"""The community worker's pages are light (issue 22): at most 150 KB on a first visit and
20 KB on a return visit, counted as the bytes the server really sends (headers included,
the service worker's own fetches included), through a counting relay in front of a server
that runs as production does: DEBUG off, `collectstatic` into a scratch folder with
WhiteNoise's compressed manifest storage, hashed static names with far-future headers.
HTML is counted as sent by Django, uncompressed (the proxy in front compresses it in
production), so the budget holds with room to spare. Screenshot: weight-*.png."""

import base64
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.e2e.conftest import ROOT, _artifacts, _free_port, sign_in

pytestmark = pytest.mark.browser

FIRST_VISIT_BUDGET = 150 * 1024
RETURN_VISIT_BUDGET = 20 * 1024
WORKER_PAGES = ["/", "/requests/new/", "/requests/"]


class CountingRelay:
    """A TCP relay that counts the bytes going from the server to the browser."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sent = 0
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                browser, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.sockets += [browser, server]
            threading.Thread(target=self._pipe, args=(browser, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, browser, True), daemon=True).start()

    def _pipe(self, source, sink, counted: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if counted:
                    with self.lock:
                        self.sent += len(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def reset(self) -> int:
        with self.lock:
            sent, self.sent = self.sent, 0
        return sent

    def close(self) -> None:
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                s.close()


@pytest.fixture(scope="module")
def production_like_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weight")
    base_env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'weight.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "PYTHONUNBUFFERED": "1",
    }
    base_env.pop("CELERY_BROKER_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    demo_env = {**base_env, "DEBUG": "true"}
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=demo_env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=demo_env, check=True, cwd=ROOT, capture_output=True)
    env = {
        **base_env,
        "DEBUG": "false",
        "SECRET_KEY": "weight-test-" + "x" * 60,
        # Production settings refuse to start without real household keys (issue 20).
        "HOUSEHOLDS_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "HOUSEHOLDS_HASH_KEY": os.urandom(16).hex(),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail(f"server did not start: {(folder / 'server.log').read_text()[-2000:]}")
    relay = CountingRelay(port)
    # "localhost": a secure context over plain HTTP, so the Secure session cookie of a
    # DEBUG-off site is kept and the service worker may register.
    yield f"http://localhost:{relay.port}", relay
    relay.close()
    server.terminate()
    server.wait(timeout=10)
    log.close()


def _wait_for_worker(page, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    active = "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))"
    while not page.evaluate(active):
        assert time.monotonic() < deadline, "the service worker did not install"
        page.wait_for_timeout(200)


def test_the_worker_pages_are_light_first_and_return_visit(
    chromium, production_like_server, screenshot
):
    base, relay = production_like_server
    context = chromium.new_context(
        base_url=base,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN"},
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        sign_in(page, "worker")
        _wait_for_worker(page)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # the service worker's warm-up fetches
        signed_in = relay.reset()

        # Static files come hashed, compressed and cached for a year.
        css = next(
            href
            for href in page.eval_on_selector_all(
                "link[rel=stylesheet]", "ls => ls.map(l => l.href)"
            )
            if "site." in href
        )
        response = page.request.get(css, headers={"Accept-Encoding": "gzip"})
        assert "immutable" in response.headers["cache-control"]
        assert "max-age=315360000" in response.headers["cache-control"]
        relay.reset()

        first = {}
        for path in WORKER_PAGES:
            relay.reset()
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            first[path] = relay.reset()
        ret = {}
        for path in WORKER_PAGES:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            ret[path] = relay.reset()
        screenshot(page, "weight-return-visit")
        report = (
            f"sign-in and first page (with install): {signed_in} B; "
            f"first visits: {first}; return visits: {ret}"
        )
        (_artifacts() / "page-weight.txt").write_text(report + "\n")
        print(report)
        # The first visit of the app: the sign-in, its first page and the install.
        assert signed_in <= FIRST_VISIT_BUDGET, report
        for path in WORKER_PAGES:
            assert first[path] <= FIRST_VISIT_BUDGET, report
            assert ret[path] <= RETURN_VISIT_BUDGET, report
        assert page.evaluate("!!navigator.serviceWorker.controller")
    finally:
        context.close()
